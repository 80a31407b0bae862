#include "config.h"

#include "src/wsman_items.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/xalloc.h"

/* Open elements the scan remembers the names of (Envelope, Body, response, Items). */
#define ITEMS_MAX_DEPTH	16

/* The scanner's position and what it has learnt. */
struct scan {
	const char *s;
	size_t	 len, pos;
	unsigned depth;			/* open elements */
	const char *name[ITEMS_MAX_DEPTH];	/* local names of the open elements */
	size_t	 nlen[ITEMS_MAX_DEPTH];
	uint64_t ns;			/* hash of the namespace declarations met */
	unsigned items;			/* depth inside Items (its children's level); 0 = not yet */
	bool	 done;			/* Items closed */
};

/* Mix n bytes into a 64-bit hash, eight at a time. */
static uint64_t
hash_bytes(uint64_t h, const char *p, size_t n)
{
	const uint64_t m = 0x9E3779B97F4A7C15ULL;

	while (n >= 8) {
		uint64_t k;

		memcpy(&k, p, 8);
		h = (h ^ k) * m;
		h ^= h >> 29;
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		uint64_t k = 0;

		memcpy(&k, p, n);
		h = (h ^ k ^ ((uint64_t)n << 56)) * m;
		h ^= h >> 29;
	}
	return h;
}

/* Final avalanche (from MurmurHash3's fmix64); never 0. */
static uint64_t
hash_final(uint64_t h, size_t len)
{
	h ^= len;
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDULL;
	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53ULL;
	h ^= h >> 33;
	return h != 0 ? h : 1;
}

/* Position of needle at or after from, or SIZE_MAX. */
static size_t
find(const struct scan *sc, size_t from, const char *needle)
{
	size_t nl = strlen(needle);

	for (size_t i = from; i + nl <= sc->len; i++) {
		const char *p = memchr(sc->s + i, needle[0], sc->len - i);

		if (p == NULL)
			return SIZE_MAX;
		i = (size_t)(p - sc->s);
		if (i + nl <= sc->len && memcmp(p, needle, nl) == 0)
			return i;
	}
	return SIZE_MAX;
}

/* Whether byte c ends an XML name. */
static bool
name_end(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>' || c == '=';
}

/* Local part of a QName. */
static void
local_part(const char *name, size_t n, const char **local, size_t *ln)
{
	const char *colon = memchr(name, ':', n);

	*local = colon != NULL ? colon + 1 : name;
	*ln = n - (size_t)(*local - name);
}

/* Whether the local name is w. */
static bool
is_local(const char *name, size_t n, const char *w)
{
	const char *l;
	size_t ln;

	local_part(name, n, &l, &ln);
	return ln == strlen(w) && memcmp(l, w, ln) == 0;
}

/*
 * Read the attributes of a start tag from sc->pos to its '>'; before the items,
 * namespace declarations go into sc->ns. Returns the position of the '>', or
 * SIZE_MAX when the tag does not end; *empty tells "/>".
 */
static size_t
tag_attrs(struct scan *sc, bool *empty)
{
	size_t i = sc->pos;

	if (sc->items > 0) {
		/* Inside the items only the end of the tag matters: skip quoted values. */
		const char *p = sc->s + i, *end = sc->s + sc->len;

		for (;;) {
			const char *gt = memchr(p, '>', (size_t)(end - p));
			const char *dq, *sq, *q;

			if (gt == NULL)
				return SIZE_MAX;
			dq = memchr(p, '"', (size_t)(gt - p));
			sq = memchr(p, '\'', (size_t)(gt - p));
			q = dq == NULL ? sq : sq == NULL || dq < sq ? dq : sq;
			if (q == NULL) {
				*empty = gt > sc->s + i && gt[-1] == '/';
				return (size_t)(gt - sc->s);
			}
			p = memchr(q + 1, *q, (size_t)(end - q - 1));
			if (p == NULL)
				return SIZE_MAX;
			p++;
		}
	}

	for (;;) {
		size_t a, an, v, vn;
		char q;

		while (i < sc->len && strchr(" \t\r\n", sc->s[i]) != NULL)
			i++;
		if (i >= sc->len)
			return SIZE_MAX;
		if (sc->s[i] == '>') {
			*empty = false;
			return i;
		}
		if (sc->s[i] == '/') {
			if (i + 1 >= sc->len || sc->s[i + 1] != '>')
				return SIZE_MAX;
			*empty = true;
			return i + 1;
		}
		a = i;
		while (i < sc->len && !name_end(sc->s[i]))
			i++;
		an = i - a;
		while (i < sc->len && strchr(" \t\r\n", sc->s[i]) != NULL)
			i++;
		if (an == 0 || i >= sc->len || sc->s[i] != '=')
			return SIZE_MAX;
		i++;
		while (i < sc->len && strchr(" \t\r\n", sc->s[i]) != NULL)
			i++;
		if (i >= sc->len || (sc->s[i] != '"' && sc->s[i] != '\''))
			return SIZE_MAX;
		q = sc->s[i++];
		v = i;
		{
			const char *e = memchr(sc->s + i, q, sc->len - i);

			if (e == NULL)
				return SIZE_MAX;
			i = (size_t)(e - sc->s);
		}
		vn = i - v;
		i++;
		if (sc->items == 0 && an >= 5 && memcmp(sc->s + a, "xmlns", 5) == 0 &&
		    (an == 5 || sc->s[a + 5] == ':')) {
			sc->ns = hash_bytes(sc->ns, sc->s + a, an);
			sc->ns = hash_bytes(sc->ns ^ 0x3D, sc->s + v, vn);
		}
	}
}

/* Skip a construct from sc->pos that ends with end; false when it does not. */
static bool
skip_to(struct scan *sc, const char *end)
{
	size_t e = find(sc, sc->pos, end);

	if (e == SIZE_MAX)
		return false;
	sc->pos = e + strlen(end);
	return true;
}

/*
 * The usual item, skipped from '<' to '<' (in well-formed XML every '<' starts
 * markup): done at its end tag </NAME>, given up (false, sc unchanged: the
 * tag-by-tag scan takes over) at a comment, CDATA section, processing
 * instruction or nested element of the same name.
 */
static bool
item_skip(struct scan *sc, const char *name, size_t nl)
{
	const char *p = sc->s + sc->pos, *end = sc->s + sc->len;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		size_t left = (size_t)(end - p);

		if (left < 2 || p[1] == '!' || p[1] == '?')
			return false;
		if (p[1] == '/') {
			if (left >= nl + 3 && p[nl + 2] == '>' && p[nl + 1] == name[nl - 1] &&
			    memcmp(p + 2, name, nl) == 0) {
				sc->pos = (size_t)(p - sc->s) + nl + 3;
				return true;
			}
			p += 2;
			continue;
		}
		if (left > nl + 1 && p[nl] == name[nl - 1] && (p[nl + 1] == '>' ||
		    p[nl + 1] == '/' || p[nl + 1] == ' ' || p[nl + 1] == '\t' ||
		    p[nl + 1] == '\r' || p[nl + 1] == '\n') && memcmp(p + 1, name, nl) == 0)
			return false;	/* <NAME nested inside */
		p++;
	}
	return false;
}

/* Push a range for the item starting at start and ending before sc->pos. */
static void
range_push(struct wsman_item_range **r, size_t *n, size_t *cap, const struct scan *sc,
    size_t start)
{
	struct wsman_item_range *x;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		*r = xreallocarray(*r, *cap, sizeof **r);
	}
	x = &(*r)[(*n)++];
	x->off = start;
	x->len = sc->pos - start;
	x->hash = hash_final(hash_bytes(sc->ns, sc->s + start, x->len), x->len);
}

/* Whether the body starts as UTF-8 XML (no other encoding declared). */
static bool
utf8_prolog(struct scan *sc)
{
	const unsigned char *u = (const unsigned char *)sc->s;

	if (sc->len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE)))
		return false;
	if (sc->len >= 1 && u[0] == 0)
		return false;
	if (sc->len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
		sc->pos = 3;
	if (sc->len - sc->pos >= 5 && memcmp(sc->s + sc->pos, "<?xml", 5) == 0) {
		size_t e = find(sc, sc->pos, "?>"), enc = find(sc, sc->pos, "encoding");

		if (e == SIZE_MAX)
			return false;
		if (enc < e) {
			size_t v = enc + 8;

			while (v < e && strchr(" \t\r\n=\"'", sc->s[v]) != NULL)
				v++;
			if (e - v < 5 || strncasecmp(sc->s + v, "utf-8", 5) != 0)
				return false;
		}
	}
	return true;
}

int
wsman_items_scan(const char *data, size_t len, struct wsman_item_range **out, size_t *n)
{
	struct scan sc = { .s = data, .len = len, .ns = 0x6A09E667F3BCC908ULL };
	struct wsman_item_range *r = NULL;
	size_t nr = 0, cap = 0, start = 0;

	*out = NULL;
	*n = 0;
	if (!utf8_prolog(&sc))
		return -1;
	while (!sc.done) {
		const char *lt = memchr(sc.s + sc.pos, '<', sc.len - sc.pos);
		const char *name;
		size_t nl, gt;
		bool empty;

		if (lt == NULL)
			break;
		sc.pos = (size_t)(lt - sc.s);
		if (sc.len - sc.pos >= 2 && sc.s[sc.pos + 1] == '?') {
			if (!skip_to(&sc, "?>"))
				goto fail;
			continue;
		}
		if (sc.len - sc.pos >= 4 && memcmp(sc.s + sc.pos, "<!--", 4) == 0) {
			if (!skip_to(&sc, "-->"))
				goto fail;
			continue;
		}
		if (sc.len - sc.pos >= 9 && memcmp(sc.s + sc.pos, "<![CDATA[", 9) == 0) {
			if (!skip_to(&sc, "]]>"))
				goto fail;
			continue;
		}
		if (sc.len - sc.pos >= 2 && sc.s[sc.pos + 1] == '!')
			goto fail;	/* a DOCTYPE: the parser refuses it anyway */
		if (sc.len - sc.pos >= 2 && sc.s[sc.pos + 1] == '/') {
			const char *e = memchr(sc.s + sc.pos, '>', sc.len - sc.pos);

			if (e == NULL || sc.depth == 0)
				goto fail;
			sc.pos = (size_t)(e - sc.s) + 1;
			sc.depth--;
			if (sc.items > 0 && sc.depth == sc.items)
				range_push(&r, &nr, &cap, &sc, start);
			else if (sc.items > 0 && sc.depth < sc.items)
				sc.done = true;
			continue;
		}
		if (sc.items > 0 && sc.depth > sc.items) {
			/* Within an item: only where the tag ends matters. */
			sc.pos++;
			gt = tag_attrs(&sc, &empty);
			if (gt == SIZE_MAX)
				goto fail;
			sc.pos = gt + 1;
			sc.depth += !empty;
			continue;
		}
		/* A start tag. */
		name = sc.s + sc.pos + 1;
		nl = 0;
		while (sc.pos + 1 + nl < sc.len) {
			char c = name[nl];

			if (c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
			    c == '=')
				break;
			nl++;
		}
		if (nl == 0)
			goto fail;
		if (sc.items > 0 && sc.depth == sc.items)
			start = sc.pos;
		sc.pos += 1 + nl;
		gt = tag_attrs(&sc, &empty);
		if (gt == SIZE_MAX)
			goto fail;
		sc.pos = gt + 1;
		if (empty) {
			if (sc.items > 0 && sc.depth == sc.items)
				range_push(&r, &nr, &cap, &sc, start);
			continue;
		}
		if (sc.items > 0 && sc.depth == sc.items && item_skip(&sc, name, nl)) {
			range_push(&r, &nr, &cap, &sc, start);
			continue;
		}
		if (sc.depth < ITEMS_MAX_DEPTH) {
			sc.name[sc.depth] = name;
			sc.nlen[sc.depth] = nl;
		}
		if (sc.items == 0 && sc.depth >= 1 && sc.depth < ITEMS_MAX_DEPTH &&
		    is_local(name, nl, "Items") &&
		    (is_local(sc.name[sc.depth - 1], sc.nlen[sc.depth - 1], "EnumerateResponse") ||
		    is_local(sc.name[sc.depth - 1], sc.nlen[sc.depth - 1], "PullResponse")))
			sc.items = sc.depth + 1;
		sc.depth++;
		if (sc.items == 0 && sc.depth >= ITEMS_MAX_DEPTH)
			goto fail;
	}
	*out = r;
	*n = nr;
	return 0;
fail:
	free(r);
	return -1;
}

char *
wsman_items_cut(const char *data, size_t len, const struct wsman_item_range *r, size_t n,
    const bool *drop, size_t *outlen)
{
	char *out = xmalloc(len + 1);
	size_t o = 0, from = 0;

	for (size_t i = 0; i < n; i++) {
		if (!drop[i])
			continue;
		memcpy(out + o, data + from, r[i].off - from);
		o += r[i].off - from;
		from = r[i].off + r[i].len;
	}
	memcpy(out + o, data + from, len - from);
	o += len - from;
	out[o] = '\0';
	*outlen = o;
	return out;
}

bool
wsman_items_seen(const uint64_t *sorted, size_t n, uint64_t h)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sorted[mid] == h)
			return true;
		if (sorted[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}
