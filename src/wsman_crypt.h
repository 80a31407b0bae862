/*
 * wsman_crypt: the multipart/encrypted framing WinRM puts around a sealed SOAP
 * body on plain HTTP (MS-WSMV 2.2.9.1): an OriginalContent part naming the plain
 * length, then an octet-stream part holding a 4-byte little-endian length, the
 * security header (Kerberos token header or NTLM signature) and the sealed data.
 *
 * Pure functions on bytes: no GSS-API here, so both bitstop and bitsim use them
 * and the unit tests need no crypto. Payloads are binary: nothing here treats
 * them as strings.
 */
#ifndef BITSTOP_WSMAN_CRYPT_H
#define BITSTOP_WSMAN_CRYPT_H

#include <stdbool.h>
#include <stddef.h>

#include "src/strbuf.h"

/* The protocol string of the Negotiate (SPNEGO) and of the Kerberos HTTP schemes. */
#define WSMAN_CRYPT_SPNEGO	"application/HTTP-SPNEGO-session-encrypted"
#define WSMAN_CRYPT_KERBEROS	"application/HTTP-Kerberos-session-encrypted"
/* The Content-Type header value of an encrypted message (Negotiate scheme). */
#define WSMAN_CRYPT_CTYPE \
	"multipart/encrypted;protocol=\"" WSMAN_CRYPT_SPNEGO "\";boundary=\"Encrypted Boundary\""
/* Largest security header accepted (Kerberos uses 45..76 bytes, NTLM 16). */
#define WSMAN_CRYPT_MAX_HEADER	1024

/* One encrypted message taken apart; pointers into the parsed body. */
struct wsman_crypt_msg {
	const unsigned char *header;	/* security header (token header or signature) */
	size_t	 header_len;
	const unsigned char *data;	/* sealed data */
	size_t	 data_len;
	size_t	 plain_len;		/* OriginalContent Length= */
	bool	 utf16;			/* OriginalContent charset=UTF-16 */
	bool	 kerberos_scheme;	/* protocol was HTTP-Kerberos-session-encrypted */
};

/* True when a Content-Type header value announces an encrypted WinRM message. */
bool wsman_crypt_is_encrypted(const char *content_type);
/*
 * Append the whole encrypted body to out: plain_len is the length of the SOAP text
 * before sealing (the OriginalContent Length), charset "UTF-8" or "UTF-16".
 */
void wsman_crypt_frame(struct strbuf *out, size_t plain_len, const char *charset,
    const void *header, size_t header_len, const void *data, size_t data_len);
/*
 * Take an encrypted body apart. Accepts the spec example's "-- Encrypted Boundary"
 * and headers with or without the leading tab. -1 with *cause (malloc'd) when the
 * body is not a well-formed encrypted message; nothing is read outside body.
 */
int wsman_crypt_parse(const void *body, size_t len, struct wsman_crypt_msg *msg, char **cause);

#endif
