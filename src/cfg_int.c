/*
 * cfg_int: integers past 32 bits in a config text. libconfig 1.5 stores a plain
 * integer literal in an int and silently wraps a larger one (port = 4294967376
 * would read as 80); only a literal with the L suffix is read as 64-bit. Before
 * parsing, every integer literal that does not fit in 32 bits gets that suffix,
 * so that the range checks see the value as written; one past 64 bits is an
 * error naming its line.
 */
#include "config.h"

#include "src/cfg.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "src/strbuf.h"
#include "src/xalloc.h"

/* Longest literal reported in a message. */
#define CFG_INT_SHOWN 40

/*
 * Read the integer literal at s (decimal, or hexadecimal after 0x), negative
 * when neg. *end is set past its digits. -1 past 64 bits, 1 when it does not fit
 * in 32 bits (as libconfig reads it: hexadecimal up to 0xFFFFFFFF), 0 otherwise.
 */
static int
cfg_int_width(const char *s, bool neg, const char **end)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2]);
	uint64_t v = 0, digit, base = hex ? 16 : 10;
	bool over = false;

	if (hex)
		s += 2;
	for (; hex ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s); s++) {
		digit = isdigit((unsigned char)*s) ? (uint64_t)(*s - '0') :
		    (uint64_t)(tolower((unsigned char)*s) - 'a' + 10);
		if (v > (UINT64_MAX - digit) / base)
			over = true;
		else
			v = v * base + digit;
	}
	*end = s;
	if (hex)
		return over ? -1 : v > 0xFFFFFFFFULL ? 1 : 0;
	if (over || v > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
		return -1;
	return v > (neg ? (uint64_t)INT32_MAX + 1 : (uint64_t)INT32_MAX) ? 1 : 0;
}

char *
config_widen_integers(const char *text, const char *name, char **cause)
{
	struct strbuf sb;
	const char *p = text, *start, *end;
	unsigned line = 1;
	int w;

	strbuf_init(&sb);
	while (*p != '\0') {
		start = p;
		if (*p == '"') {			/* a string, with backslash escapes */
			for (p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				line += *p == '\n';
			}
			if (*p == '"')
				p++;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			end = strstr(p + 2, "*/");
			end = end != NULL ? end + 2 : p + strlen(p);
			for (; p < end; p++)
				line += *p == '\n';
		} else if (isalpha((unsigned char)*p) || *p == '*' || *p == '_' || *p == '@') {
			/* a name (digits inside it are not numbers) */
			for (p++; isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '*'; p++)
				continue;
		} else if (isdigit((unsigned char)*p)) {
			w = cfg_int_width(p, p > text && p[-1] == '-', &end);
			p = end;
			if (*p == '.' || *p == 'e' || *p == 'E') {
				/* a float: its fraction and exponent are not integers */
				for (p++; isdigit((unsigned char)*p) || *p == '.' || *p == 'e' ||
				    *p == 'E' || ((*p == '-' || *p == '+') && (p[-1] == 'e' || p[-1] == 'E')); p++)
					continue;
			} else if (w < 0) {
				*cause = xasprintf("%s:%u: the integer %.*s%s is too large (more than 64 "
				    "bits)", name, line, (int)(end - start > CFG_INT_SHOWN ? CFG_INT_SHOWN :
				    end - start), start, end - start > CFG_INT_SHOWN ? "..." : "");
				strbuf_done(&sb);
				return NULL;
			} else if (w > 0 && *p != 'L') {
				strbuf_add(&sb, start, (size_t)(p - start));
				strbuf_addc(&sb, 'L');
				continue;
			}
		} else {
			line += *p == '\n';
			p++;
		}
		strbuf_add(&sb, start, (size_t)(p - start));
	}
	return strbuf_detach(&sb, NULL);
}
