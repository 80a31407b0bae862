/* strbuf: a growable, always NUL-terminated byte buffer. */
#ifndef BITSTOP_STRBUF_H
#define BITSTOP_STRBUF_H

#include <stddef.h>

struct strbuf {
	char	*s;	/* NUL-terminated; never NULL after strbuf_init */
	size_t	 len;
	size_t	 cap;
};

void strbuf_init(struct strbuf *sb);
/* Free the contents; the struct may be reused after strbuf_init. */
void strbuf_done(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s with & < > " ' replaced by XML entities. */
void strbuf_add_xml_escaped(struct strbuf *sb, const char *s);
/* Take the string; the caller owns it and the buffer is left empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

#endif
