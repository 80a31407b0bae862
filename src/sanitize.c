#include "config.h"

#include "src/sanitize.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "src/strbuf.h"
#include "src/xalloc.h"

#define REPLACEMENT 0xFFFDu

/*
 * Decode one code point from s (NUL-terminated). Returns the number of bytes
 * consumed (at least 1) and sets *cp; an ill-formed sequence gives U+FFFD and
 * consumes its maximal well-formed prefix (Unicode's "maximal subpart" rule):
 * overlongs, surrogates, values past U+10FFFF and truncated sequences included.
 */
static size_t
utf8_next(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;	/* no overlongs */
		else if (c == 0xED)
			hi = 0x9F;	/* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;	/* no overlongs */
		else if (c == 0xF4)
			hi = 0x8F;	/* nothing past U+10FFFF */
	} else {
		*cp = REPLACEMENT;	/* C0, C1, F5..FF or a stray continuation byte */
		return 1;
	}
	for (i = 1; i <= need; i++) {
		unsigned char b = s[i];

		if (b < lo || b > hi) {
			*cp = REPLACEMENT;
			return i;
		}
		v = (v << 6) | (b & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return need + 1;
}

/* Append code point cp as UTF-8. */
static void
utf8_put(struct strbuf *sb, uint32_t cp)
{
	char b[4];

	if (cp < 0x80) {
		strbuf_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		strbuf_add(sb, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		strbuf_add(sb, b, 3);
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		strbuf_add(sb, b, 4);
	}
}

/* C0 controls, DEL and C1 controls. */
static bool
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/*
 * Bidirectional embeddings, overrides and isolates: they reorder the text that
 * follows them on the terminal, so server text could disguise itself.
 */
static bool
is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * Characters that show nothing or break lines: zero-width space, joiners and
 * invisible operators, the byte order mark, the tag block (U+E0000..U+E007F,
 * which hides ASCII text) and the line and paragraph separators. Server text
 * could hide itself or split a TSV line with them; they go the way of bidi controls.
 */
static bool
is_invisible(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || (cp >= 0xE0000 && cp <= 0xE007F);
}

/*
 * Length of the run at p of printable ASCII that needs no escaping: bytes 0x20..0x7E
 * other than esc1 and esc2 (NUL for none). Such runs are copied in one piece.
 */
static size_t
plain_run(const unsigned char *p, unsigned char esc1, unsigned char esc2)
{
	size_t n = 0;

	while (p[n] >= 0x20 && p[n] < 0x7F && p[n] != esc1 && p[n] != esc2)
		n++;
	return n;
}

/*
 * Append the code point just decoded from the n bytes at p: a valid character is
 * copied as the original bytes (re-encoding would give the same), an ill-formed
 * sequence becomes U+FFFD.
 */
static void
put_decoded(struct strbuf *sb, const unsigned char *p, size_t n, uint32_t cp)
{
	if (cp == REPLACEMENT)
		utf8_put(sb, REPLACEMENT);
	else
		strbuf_add(sb, p, n);
}

/* How one character that is not in a plain run is written, per output. */
enum sanitize_mode {
	SANITIZE_TERMINAL,
	SANITIZE_JSON,
	SANITIZE_TSV
};

/* Terminal: controls, bidi controls and invisible characters become U+FFFD. */
static void
put_terminal(struct strbuf *sb, const unsigned char *p, size_t n, uint32_t cp)
{
	if (is_control(cp) || is_bidi_control(cp) || is_invisible(cp))
		utf8_put(sb, REPLACEMENT);
	else
		put_decoded(sb, p, n, cp);
}

/* JSON string content: the short escapes, \uXXXX for the rest of what is unsafe. */
static void
put_json(struct strbuf *sb, const unsigned char *p, size_t n, uint32_t cp)
{
	switch (cp) {
	case '"': strbuf_adds(sb, "\\\""); break;
	case '\\': strbuf_adds(sb, "\\\\"); break;
	case '\n': strbuf_adds(sb, "\\n"); break;
	case '\r': strbuf_adds(sb, "\\r"); break;
	case '\t': strbuf_adds(sb, "\\t"); break;
	case '\b': strbuf_adds(sb, "\\b"); break;
	case '\f': strbuf_adds(sb, "\\f"); break;
	default:
		/*
		 * Controls must be escaped; DEL, C1, bidi controls and the JavaScript
		 * line separators are escaped too, so that the document is safe to cat
		 * to a terminal and keeps the text.
		 */
		if (is_control(cp) || is_bidi_control(cp) || is_invisible(cp)) {
			if (cp < 0x10000)
				strbuf_addf(sb, "\\u%04x", (unsigned)cp);
			else	/* a surrogate pair */
				strbuf_addf(sb, "\\u%04x\\u%04x", 0xD800u + ((cp - 0x10000u) >> 10),
				    0xDC00u + ((cp - 0x10000u) & 0x3FFu));
		} else
			put_decoded(sb, p, n, cp);
		break;
	}
}

/* TSV field: \t \n \\ escaped, other controls to U+FFFD. */
static void
put_tsv(struct strbuf *sb, const unsigned char *p, size_t n, uint32_t cp)
{
	if (cp == '\t')
		strbuf_adds(sb, "\\t");
	else if (cp == '\n')
		strbuf_adds(sb, "\\n");
	else if (cp == '\\')
		strbuf_adds(sb, "\\\\");
	else
		put_terminal(sb, p, n, cp);
}

/* Append s for the given output: plain runs in one piece, every other character decoded. */
static void
sanitize_append(struct strbuf *sb, const char *s, enum sanitize_mode mode)
{
	/* Printable ASCII that still needs the mode's attention. */
	static const unsigned char special[][2] = {
		[SANITIZE_TERMINAL] = { 0, 0 },
		[SANITIZE_JSON] = { '"', '\\' },
		[SANITIZE_TSV] = { '\\', 0 },
	};
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	uint32_t cp;

	while (*p != '\0') {
		size_t n = plain_run(p, special[mode][0], special[mode][1]);

		if (n > 0) {
			strbuf_add(sb, p, n);
			p += n;
			continue;
		}
		n = utf8_next(p, &cp);
		if (mode == SANITIZE_JSON)
			put_json(sb, p, n, cp);
		else if (mode == SANITIZE_TSV)
			put_tsv(sb, p, n, cp);
		else
			put_terminal(sb, p, n, cp);
		p += n;
	}
}

void
sanitize_terminal_append(struct strbuf *sb, const char *s)
{
	sanitize_append(sb, s, SANITIZE_TERMINAL);
}

char *
sanitize_terminal(const char *s)
{
	struct strbuf sb;

	strbuf_init(&sb);
	sanitize_append(&sb, s, SANITIZE_TERMINAL);
	return strbuf_detach(&sb, NULL);
}

void
sanitize_json_append(struct strbuf *sb, const char *s)
{
	strbuf_addc(sb, '"');
	sanitize_append(sb, s, SANITIZE_JSON);
	strbuf_addc(sb, '"');
}

void
sanitize_tsv_append(struct strbuf *sb, const char *s)
{
	sanitize_append(sb, s, SANITIZE_TSV);
}

void
sanitize_trim_right(char *s)
{
	size_t n;

	if (s == NULL)
		return;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
	    s[n - 1] == '\n'))
		n--;
	s[n] = '\0';
}
