#include "config.h"

#include "src/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/xalloc.h"

void
strbuf_init(struct strbuf *sb)
{
	sb->cap = 64;
	sb->len = 0;
	sb->s = xmalloc(sb->cap);
	sb->s[0] = '\0';
}

void
strbuf_done(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->s[0] = '\0';
}

/* Make room for n more bytes plus the terminator. */
static void
strbuf_grow(struct strbuf *sb, size_t n)
{
	if (sb->len + n + 1 <= sb->cap)
		return;
	while (sb->len + n + 1 > sb->cap)
		sb->cap *= 2;
	sb->s = xrealloc(sb->s, sb->cap);
}

void
strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	strbuf_grow(sb, n);
	if (n > 0)	/* an empty buffer may come as NULL (GSS-API's empty padding) */
		memcpy(sb->s + sb->len, data, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void
strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_addc(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(sb->s + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sb->cap - sb->len) {
		strbuf_grow(sb, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(sb->s + sb->len, sb->cap - sb->len, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
}

void
strbuf_add_xml_escaped(struct strbuf *sb, const char *s)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *ent;

		switch (*s) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&apos;"; break;
		default: continue;
		}
		strbuf_add(sb, run, (size_t)(s - run));
		strbuf_adds(sb, ent);
		run = s + 1;
	}
	strbuf_add(sb, run, (size_t)(s - run));
}

char *
strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *s = sb->s;

	if (len != NULL)
		*len = sb->len;
	sb->s = NULL;
	sb->len = sb->cap = 0;
	return s;
}
