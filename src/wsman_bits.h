/*
 * wsman_bits: the BITS model read from (and written back to) WS-Management XML:
 * BitsClientJob instances with their embedded BitsClientFile entries, method
 * outputs (ReturnValue, JobId, GetError), and the instance a Put sends back.
 * Properties are matched by local name (case-insensitively) in the instance's
 * namespace; embedded files in any namespace; unknown elements are ignored.
 */
#ifndef BITSTOP_WSMAN_BITS_H
#define BITSTOP_WSMAN_BITS_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "src/bits_job.h"
#include "src/wsman_parse.h"

/* Convert a BitsClientJob instance element; unknown elements are ignored.
 * On error *cause names the property and job is left empty. */
int wsman_bits_from_xml(xmlNodePtr inst, struct bits_job *job, char **cause);
/* ReturnValue of a <Method>_OUTPUT element (0 when missing). */
int wsman_bits_return_value(xmlNodePtr output, uint32_t *rv, char **cause);
/* A string out-parameter of a method output, malloc'd; NULL when absent or nil. */
char *wsman_bits_out_string(xmlNodePtr output, const char *name);
/* GetError's outputs into *info (owned strings). */
int wsman_bits_error_info(xmlNodePtr output, struct bits_error_info *info, char **cause);
/* Serialize a copy of the instance with property name set to value (added in the
 * instance's namespace when missing, xsi:nil dropped), for a Put. Malloc'd. */
char *wsman_bits_rewrite_property(xmlNodePtr inst, const char *name, const char *value);

/* Append the BitsClientJob items of an Enumerate/Pull response to *jobs (*njobs
 * entries); -1 with *cause for an item of another class, a bad instance, or more
 * than max jobs in all. Jobs already appended stay in *jobs. */
int wsman_bits_take_items(const struct wsman_response *r, struct bits_job **jobs, size_t *njobs,
    size_t max, char **cause);

/*
 * The jobs of one Enumerate/Pull response read from its items as
 * wsman_parse_enumeration() streams them, with the rules and messages of
 * wsman_bits_take_items() (which reads the same items from a tree).
 */
struct wsman_bits_items;
/* A reader for one response: max jobs in all, of which have were taken before. */
struct wsman_bits_items *wsman_bits_items_new(size_t max, size_t have);
/* The sink to give wsman_parse_enumeration(); its arg is items. */
void wsman_bits_items_sink(struct wsman_bits_items *items, struct wsman_item_sink *sink);
/* Move the jobs read to the end of *jobs (*njobs entries); -1 with *cause (malloc'd)
 * for the first bad item, the jobs read before it still moved. */
int wsman_bits_items_take(struct wsman_bits_items *items, struct bits_job **jobs, size_t *njobs,
    char **cause);
/* Free the reader and any jobs it still holds; NULL is a no-op. */
void wsman_bits_items_free(struct wsman_bits_items *items);
/* Jobs read so far (not yet taken). */
size_t wsman_bits_items_count(const struct wsman_bits_items *items);
/* Set the wire hash of the i-th job read. */
void wsman_bits_items_set_hash(struct wsman_bits_items *items, size_t i, uint64_t hash);
/* Add a job that is the last poll's identical item (only its hash, wire_reused set). */
void wsman_bits_items_add_reused(struct wsman_bits_items *items, uint64_t hash);

#endif
