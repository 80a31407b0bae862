/*
 * wsman_items: where each enumeration item lies in the bytes of a response,
 * and a hash of those bytes, so that an item identical to one of the last
 * poll's is reused without being parsed again.
 *
 * The scan is a small lexer (tags, quoted attribute values, comments, CDATA,
 * processing instructions): it only says where the children of the Items
 * element of an EnumerateResponse or PullResponse start and end. It is a hint,
 * never the parser: a body it cannot follow (another encoding, a DOCTYPE,
 * anything unterminated) gives -1 and everything is parsed as usual, and the
 * caller checks that the parser found exactly the items the scan did. A
 * hostile server can at worst make its own host show a job it listed before.
 */
#ifndef BITSTOP_WSMAN_ITEMS_H
#define BITSTOP_WSMAN_ITEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wsman_item_range {
	size_t	 off;		/* of the item's '<' */
	size_t	 len;		/* up to and including its last '>' */
	uint64_t hash;		/* of its bytes and the namespaces declared before it; never 0 */
};

/*
 * Find the items of a response body (UTF-8, as read from the wire). Returns
 * 0 with the ranges in document order (*out malloc'd, NULL when none), or -1
 * when the scan cannot tell.
 */
int wsman_items_scan(const char *data, size_t len, struct wsman_item_range **out, size_t *n);

/*
 * The body without the ranges whose drop[i] is true (malloc'd, length in
 * *outlen): what is left is parsed instead of the whole body.
 */
char *wsman_items_cut(const char *data, size_t len, const struct wsman_item_range *r, size_t n,
    const bool *drop, size_t *outlen);

/* Whether a sorted array of hashes holds h. */
bool wsman_items_seen(const uint64_t *sorted, size_t n, uint64_t h);

#endif
