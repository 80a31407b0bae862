#include "config.h"

#include "src/wsman_crypt.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "src/xalloc.h"

#define WC_BOUNDARY	"Encrypted Boundary"

/* A cursor over the body being parsed. */
struct wc_cur {
	const unsigned char *p;
	const unsigned char *end;
};

/* Fail a parse with a formatted cause. */
static int
wc_fail(char **cause, const char *what)
{
	if (cause != NULL)
		*cause = xasprintf("malformed encrypted message: %s", what);
	return -1;
}

/* The next line (without its CRLF or LF) into *line and *n; false at the end of input. */
static bool
wc_line(struct wc_cur *c, const unsigned char **line, size_t *n)
{
	const unsigned char *nl;

	if (c->p >= c->end)
		return false;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	if (nl == NULL)
		return false;
	*line = c->p;
	*n = (size_t)(nl - c->p);
	if (*n > 0 && (*line)[*n - 1] == '\r')
		(*n)--;
	c->p = nl + 1;
	return true;
}

/* True when a line is "--Encrypted Boundary" (spaces allowed after the dashes). */
static bool
wc_is_boundary(const unsigned char *l, size_t n)
{
	size_t i = 2;

	if (n < 2 || l[0] != '-' || l[1] != '-')
		return false;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	return n - i == strlen(WC_BOUNDARY) && memcmp(l + i, WC_BOUNDARY, n - i) == 0;
}

/* If a header line is "Name: value" (leading blanks allowed), its value; else NULL. */
static const unsigned char *
wc_header(const unsigned char *l, size_t n, const char *name, size_t *vlen)
{
	size_t i = 0, k = strlen(name);

	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (n - i < k + 1 || strncasecmp((const char *)l + i, name, k) != 0 || l[i + k] != ':')
		return NULL;
	i += k + 1;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	*vlen = n - i;
	return l + i;
}

/* Find "key=" in a ';'-separated parameter list; its value and length, or NULL. */
static const char *
wc_param(const char *v, size_t n, const char *key, size_t *plen)
{
	size_t k = strlen(key), i = 0;

	while (i < n) {
		size_t j = i, e;

		while (j < n && (v[j] == ' ' || v[j] == '\t'))
			j++;
		e = j;
		while (e < n && v[e] != ';')
			e++;
		if (e - j > k && strncasecmp(v + j, key, k) == 0 && v[j + k] == '=') {
			*plen = e - j - k - 1;
			return v + j + k + 1;
		}
		i = e + 1;
	}
	return NULL;
}

bool
wsman_crypt_is_encrypted(const char *ct)
{
	if (ct == NULL)
		return false;
	while (*ct == ' ')
		ct++;
	return strncasecmp(ct, "multipart/encrypted", strlen("multipart/encrypted")) == 0 &&
	    (strcasestr(ct, WSMAN_CRYPT_SPNEGO) != NULL || strcasestr(ct, WSMAN_CRYPT_KERBEROS) != NULL);
}

void
wsman_crypt_frame(struct strbuf *out, size_t plain_len, const char *charset,
    const void *header, size_t header_len, const void *data, size_t data_len)
{
	unsigned char le[4];

	strbuf_addf(out, "--" WC_BOUNDARY "\r\n\tContent-Type: " WSMAN_CRYPT_SPNEGO "\r\n"
	    "\tOriginalContent: type=application/soap+xml;charset=%s;Length=%zu\r\n"
	    "--" WC_BOUNDARY "\r\n\tContent-Type: application/octet-stream\r\n", charset, plain_len);
	le[0] = (unsigned char)(header_len & 0xff);
	le[1] = (unsigned char)((header_len >> 8) & 0xff);
	le[2] = (unsigned char)((header_len >> 16) & 0xff);
	le[3] = (unsigned char)((header_len >> 24) & 0xff);
	strbuf_add(out, le, 4);
	strbuf_add(out, header, header_len);
	strbuf_add(out, data, data_len);
	strbuf_adds(out, "--" WC_BOUNDARY "--\r\n");
}

/* Parse the OriginalContent value (type=...;charset=...;Length=N) into msg. */
static int
wc_original(const unsigned char *v, size_t n, struct wsman_crypt_msg *msg, char **cause)
{
	size_t clen, llen;
	const char *cs = wc_param((const char *)v, n, "charset", &clen);
	const char *len = wc_param((const char *)v, n, "Length", &llen);
	uint64_t val = 0;

	if (len == NULL || llen == 0 || llen > 12)
		return wc_fail(cause, "the OriginalContent header has no Length");
	for (size_t i = 0; i < llen; i++) {
		if (len[i] < '0' || len[i] > '9')
			return wc_fail(cause, "the OriginalContent Length is not a number");
		val = val * 10 + (uint64_t)(len[i] - '0');
	}
	if (val > SIZE_MAX / 2)
		return wc_fail(cause, "the OriginalContent Length is out of range");
	msg->plain_len = (size_t)val;
	msg->utf16 = false;
	if (cs != NULL) {
		if (clen == 6 && strncasecmp(cs, "UTF-16", 6) == 0)
			msg->utf16 = true;
		else if (!(clen == 5 && strncasecmp(cs, "UTF-8", 5) == 0))
			return wc_fail(cause, "the OriginalContent charset is neither UTF-8 nor UTF-16");
	}
	return 0;
}

int
wsman_crypt_parse(const void *body, size_t len, struct wsman_crypt_msg *msg, char **cause)
{
	struct wc_cur c = { body, (const unsigned char *)body + len };
	const unsigned char *l, *v, *end;
	size_t n, vlen, tail;
	bool have_orig = false, have_proto = false;
	uint32_t hl;

	memset(msg, 0, sizeof *msg);
	/* skip blank lines before the first boundary */
	do {
		if (!wc_line(&c, &l, &n))
			return wc_fail(cause, "no opening boundary");
	} while (n == 0);
	if (!wc_is_boundary(l, n))
		return wc_fail(cause, "no opening boundary");
	for (;;) {
		if (!wc_line(&c, &l, &n))
			return wc_fail(cause, "the first part never ends");
		if (wc_is_boundary(l, n))
			break;
		if ((v = wc_header(l, n, "Content-Type", &vlen)) != NULL) {
			if (vlen == strlen(WSMAN_CRYPT_SPNEGO) &&
			    strncasecmp((const char *)v, WSMAN_CRYPT_SPNEGO, vlen) == 0)
				have_proto = true;
			else if (vlen == strlen(WSMAN_CRYPT_KERBEROS) &&
			    strncasecmp((const char *)v, WSMAN_CRYPT_KERBEROS, vlen) == 0)
				have_proto = msg->kerberos_scheme = true;
			else
				return wc_fail(cause, "the first part names an unknown protocol");
		} else if ((v = wc_header(l, n, "OriginalContent", &vlen)) != NULL) {
			if (wc_original(v, vlen, msg, cause) != 0)
				return -1;
			have_orig = true;
		} else if (n != 0)
			return wc_fail(cause, "unexpected header in the first part");
	}
	if (!have_proto || !have_orig)
		return wc_fail(cause, "the first part lacks its Content-Type or OriginalContent");
	if (!wc_line(&c, &l, &n) || wc_header(l, n, "Content-Type", &vlen) == NULL)
		return wc_fail(cause, "the second part has no Content-Type");
	v = wc_header(l, n, "Content-Type", &vlen);
	if (vlen != strlen("application/octet-stream") ||
	    strncasecmp((const char *)v, "application/octet-stream", vlen) != 0)
		return wc_fail(cause, "the second part is not application/octet-stream");
	/* the closing boundary ends the body: find it from the end, the data is binary */
	end = c.end;
	if (end > c.p && end[-1] == '\n')
		end--;
	if (end > c.p && end[-1] == '\r')
		end--;
	tail = strlen(WC_BOUNDARY "--");
	if ((size_t)(end - c.p) < tail + 2 || memcmp(end - tail, WC_BOUNDARY "--", tail) != 0)
		return wc_fail(cause, "no closing boundary");
	end -= tail;
	while (end > c.p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end - c.p < 2 || end[-1] != '-' || end[-2] != '-')
		return wc_fail(cause, "no closing boundary");
	end -= 2;
	if (end - c.p < 4)
		return wc_fail(cause, "the sealed part is shorter than its length field");
	hl = (uint32_t)c.p[0] | (uint32_t)c.p[1] << 8 | (uint32_t)c.p[2] << 16 | (uint32_t)c.p[3] << 24;
	c.p += 4;
	if (hl == 0 || hl > WSMAN_CRYPT_MAX_HEADER || hl > (size_t)(end - c.p))
		return wc_fail(cause, "the security header length does not fit the sealed part");
	msg->header = c.p;
	msg->header_len = hl;
	msg->data = c.p + hl;
	msg->data_len = (size_t)(end - msg->data);
	if (msg->plain_len > msg->data_len)
		return wc_fail(cause, "the sealed data is shorter than the announced Length");
	return 0;
}
