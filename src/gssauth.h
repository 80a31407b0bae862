/*
 * gssauth: one GSS-API security context for WinRM's HTTP Negotiate scheme
 * (SPNEGO, Kerberos, or NTLM through the gss-ntlmssp mechanism), as initiator
 * (bitstop) or acceptor (bitsim), and the sealing of message bodies with its
 * session key (MS-WSMV 2.2.9.1, framed by wsman_crypt).
 *
 * The context belongs to one TCP connection, as on Windows: the owner resets it
 * whenever the connection changes. Every failure becomes a host error (auth or
 * protocol) whose message is one sentence naming the fix. Passwords are used to
 * acquire credentials in memory and never stored or shown.
 *
 * Thread rules: a context is used by one thread at a time.
 */
#ifndef BITSTOP_GSSAUTH_H
#define BITSTOP_GSSAUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "src/hosterr.h"
#include "src/strbuf.h"

enum gssauth_mech {
	GSSAUTH_NEGOTIATE,	/* SPNEGO: Kerberos when a ticket can be had, else NTLM */
	GSSAUTH_KERBEROS,
	GSSAUTH_NTLM
};

/* What an initiator needs; strings are copied. */
struct gssauth_opts {
	enum gssauth_mech mech;
	const char *host;	/* host name or IP address as the user wrote it */
	const char *spn;	/* "HTTP/host[@REALM]"; NULL: HTTP/<host> */
	const char *user;	/* "DOMAIN\\user", "user@REALM", "user"; NULL: default credentials */
	const char *password;	/* NULL: ticket cache (Kerberos) or gss-ntlmssp's defaults */
	const void *cb;		/* channel binding application data (HTTPS), or NULL */
	size_t	 cb_len;
};

/* A new initiator (nothing is sent or acquired yet). */
struct gssauth *gssauth_client_new(const struct gssauth_opts *o);
/* A new acceptor: keys from $KRB5_KTNAME, NTLM users from $NTLM_USER_FILE. */
struct gssauth *gssauth_server_new(void);
void gssauth_free(struct gssauth *g);
/* Forget the context (the connection it belonged to is gone); credentials stay. */
void gssauth_reset(struct gssauth *g);
/* Set the channel binding data for the next handshake (HTTPS), NULL for none. */
void gssauth_set_channel_binding(struct gssauth *g, const void *cb, size_t len);
/* True once the context is complete and can seal and unseal. */
bool gssauth_ready(const struct gssauth *g);
/* True once a handshake started (a token went out or came in). */
bool gssauth_started(const struct gssauth *g);
/* "Kerberos" or "NTLM" once known, else the scheme asked for. */
const char *gssauth_mech_name(const struct gssauth *g);
/* How the last answer was unsealed: "OpenSSL" (AES fast path) or "GSS-API", and its header length. */
const char *gssauth_unseal_path(const struct gssauth *g, size_t *header_len);
/* Acceptor: the authenticated client ("user@REALM", "DOMAIN\\user"), or NULL. */
const char *gssauth_peer(const struct gssauth *g);

/*
 * One handshake leg. in_b64 is the peer's token (base64, NULL or "" when none).
 * *out_b64 receives a malloc'd base64 token to send, or NULL. Returns 1 while the
 * handshake goes on, 0 when the context is complete, -1 with err set.
 */
int gssauth_step(struct gssauth *g, const char *in_b64, char **out_b64, struct hosterr *err);
/* The final token (on the server's 200): it must complete the context. 0, or -1 with err. */
int gssauth_step_final(struct gssauth *g, const char *in_b64, struct hosterr *err);
/* Seal plain[0..len) (a SOAP text in charset) into a whole encrypted body in out. */
int gssauth_seal(struct gssauth *g, const void *plain, size_t len, const char *charset,
    struct strbuf *out, struct hosterr *err);
/*
 * Unseal an encrypted body in place, after checking its framing and its length:
 * *plain points into body (NUL-terminated there), *utf16 tells its charset.
 * -1 with err (protocol) when the body does not unseal.
 */
int gssauth_unseal(struct gssauth *g, void *body, size_t len, const char **plain,
    size_t *plain_len, bool *utf16, struct hosterr *err);

/*
 * TLS channel binding data (RFC 5929 tls-server-end-point) for a PEM certificate:
 * "tls-server-end-point:" and the certificate's hash (SHA-256 when it is signed
 * with MD5 or SHA-1, else its signature's hash). malloc'd into *out; -1 when the
 * certificate cannot be read.
 */
int gssauth_tls_endpoint(const char *pem, size_t pem_len, unsigned char **out, size_t *out_len);
/* True when a usable Kerberos ticket (not expired) is in the default cache. */
bool gssauth_have_ticket(void);
/* True when s is an IPv4 or IPv6 address literal (Kerberos cannot target one). */
bool gssauth_is_ip(const char *s);
/* The scheme's name for messages and options: "negotiate", "kerberos", "ntlm". */
const char *gssauth_mech_option(enum gssauth_mech m);

#endif
