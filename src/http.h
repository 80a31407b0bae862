/*
 * http: one host's HTTP endpoint on a libcurl easy handle: TLS, auth, timeouts,
 * keep-alive (the handle and its multi keep the connection), a response size cap,
 * and the mapping of transport failures to struct hosterr.
 *
 * Thread rules: a conn belongs to the poller thread that owns its host.
 */
#ifndef BITSTOP_HTTP_H
#define BITSTOP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "src/hosterr.h"

struct host_cfg;

/* Largest response body accepted (bytes). */
#define HTTP_MAX_RESPONSE (64u * 1024 * 1024)
/* Largest response header accepted (real WinRM headers are well under 1 KiB). */
#define HTTP_MAX_HEADER (64u * 1024u)

struct http_response {
	long	 status;
	const char *content_type;	/* may be NULL */
	const char *body;		/* NUL-terminated */
	size_t	 len;
	unsigned connects;		/* new connections this request opened */
	bool	 sent;			/* the request left (also set when it then failed) */
	unsigned elapsed_ms;
};

/*
 * A host's HTTP settings. The conn holds a curl easy handle only while a request
 * is in flight (http_conn_prepare to http_conn_release): the poller keeps a few
 * handles per thread and a thousand idle hosts hold none. h must outlive the conn.
 */
struct http_conn *http_conn_new(const struct host_cfg *h, bool verbose);
void http_conn_free(struct http_conn *c);
/* The easy handle of the request in flight, or NULL. */
CURL *http_conn_easy(struct http_conn *c);
/*
 * Set up a POST of body (which must stay valid until the transfer ends) on easy,
 * which is reset and given every setting of the host; the conn uses it until
 * http_conn_release().
 */
void http_conn_prepare(struct http_conn *c, CURL *easy, const char *body, size_t len,
    const char *what);
/*
 * Collect the outcome of the transfer that ended with rc: 0 and *resp filled (valid
 * until the next prepare or release), or -1 and err set for a transport failure.
 */
int http_conn_finish(struct http_conn *c, CURLcode rc, struct http_response *resp, struct hosterr *err);
/* The response has been read: free its body and give back the easy handle (NULL if
 * none). The caller has taken it out of its multi handle. */
CURL *http_conn_release(struct http_conn *c);

#endif
