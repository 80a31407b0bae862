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

struct http_response {
	long	 status;
	const char *content_type;	/* may be NULL */
	const char *body;		/* NUL-terminated */
	size_t	 len;
	unsigned connects;		/* new connections this request opened */
	unsigned elapsed_ms;
};

/* A handle for host h (copied settings; the password is handed to curl). */
struct http_conn *http_conn_new(const struct host_cfg *h, bool verbose);
void http_conn_free(struct http_conn *c);
CURL *http_conn_easy(struct http_conn *c);
/* Set up a POST of body (which must stay valid until the transfer ends). */
void http_conn_prepare(struct http_conn *c, const char *body, size_t len, const char *what);
/*
 * Collect the outcome of the transfer that ended with rc: 0 and *resp filled (valid
 * until the next prepare), or -1 and err set for a transport failure.
 */
int http_conn_finish(struct http_conn *c, CURLcode rc, struct http_response *resp, struct hosterr *err);

#endif
