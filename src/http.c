#include "config.h"

#include "src/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cfg.h"
#include "src/sanitize.h"
#include "src/snapshot.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

struct http_conn {
	const struct host_cfg *h;	/* not owned; outlives the conn */
	CURL	*easy;		/* attached by http_conn_prepare; NULL while idle */
	struct curl_slist *headers;
	struct strbuf body;
	bool	 overflow;	/* the response passed HTTP_MAX_RESPONSE */
	size_t	 header_bytes;	/* of the current response's header */
	bool	 header_overflow;	/* its header passed HTTP_MAX_HEADER */
	bool	 verbose;
	bool	 https;
	char	*name;		/* host name for messages */
	bool	 has_cacert;	/* a CA bundle was given (changes the TLS advice) */
	char	 errbuf[CURL_ERROR_SIZE];
	const char *what;	/* operation being sent, for verbose logs */
	int64_t	 started_ms;
};

/* libcurl write callback: append to the body, refusing past the cap. */
static size_t
http_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_conn *c = arg;
	size_t n = size * nmemb;

	if (c->body.len + n > HTTP_MAX_RESPONSE) {
		c->overflow = true;
		return 0;	/* makes curl fail with CURLE_WRITE_ERROR */
	}
	if (c->body.len == 0) {
		curl_off_t clen = -1;

		/* Room for the announced body at once: no doubling and copying as it arrives. */
		if (curl_easy_getinfo(c->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &clen) == CURLE_OK &&
		    clen > 0 && clen <= HTTP_MAX_RESPONSE && (size_t)clen + 1 > c->body.cap) {
			c->body.s = xrealloc(c->body.s, (size_t)clen + 1);
			c->body.cap = (size_t)clen + 1;
		}
	}
	strbuf_add(&c->body, data, n);
	return n;
}

/* libcurl header callback: refuse a response whose header passes HTTP_MAX_HEADER. */
static size_t
http_header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_conn *c = arg;
	size_t n = size * nmemb;

	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0)
		c->header_bytes = 0;	/* a new response (after a 100 or an auth round) */
	c->header_bytes += n;
	if (c->header_bytes > HTTP_MAX_HEADER) {
		c->header_overflow = true;
		return 0;	/* makes curl fail with CURLE_WRITE_ERROR */
	}
	return n;
}

struct http_conn *
http_conn_new(const struct host_cfg *h, bool verbose)
{
	struct http_conn *c = xcalloc(1, sizeof *c);

	c->h = h;
	strbuf_init(&c->body);
	c->verbose = verbose;
	c->https = h->https;
	c->name = xstrdup(h->name);
	c->has_cacert = h->settings.cacert != NULL;
	c->headers = curl_slist_append(NULL, "Content-Type: application/soap+xml;charset=UTF-8");
	c->headers = curl_slist_append(c->headers, "Accept-Encoding: identity");
	c->headers = curl_slist_append(c->headers, "Expect:");
	c->headers = curl_slist_append(c->headers, "User-Agent: bitstop/" PACKAGE_VERSION);
	return c;
}

/* Give a (reset) easy handle every setting of this host. */
static void
http_conn_setup(struct http_conn *c, CURL *e)
{
	const struct host_cfg *h = c->h;
	long total = (long)(h->settings.timeout * 1000.0);
	long conn = total < 10000 ? total : 10000;

	if (total <= 0)
		total = conn = 15000;
	curl_easy_setopt(e, CURLOPT_URL, h->url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, total);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, conn);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, h->settings.verify_tls ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, h->settings.verify_tls ? 2L : 0L);
	if (h->settings.cacert != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->settings.cacert);
	if (h->settings.auth == AUTH_NEGOTIATE) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_NEGOTIATE);
		/* GSS-API uses the Kerberos ticket; the user name is only informative. */
		curl_easy_setopt(e, CURLOPT_USERPWD, ":");
	} else if (h->settings.user != NULL) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERNAME, h->settings.user);
		curl_easy_setopt(e, CURLOPT_PASSWORD,
		    h->settings.password != NULL ? h->settings.password : "");
	}
}

void
http_conn_free(struct http_conn *c)
{
	if (c == NULL)
		return;
	if (c->easy != NULL)
		curl_easy_cleanup(c->easy);
	curl_slist_free_all(c->headers);
	strbuf_done(&c->body);
	free(c->name);
	free(c);
}

CURL *
http_conn_easy(struct http_conn *c)
{
	return c->easy;
}

void
http_conn_prepare(struct http_conn *c, CURL *easy, const char *body, size_t len, const char *what)
{
	c->easy = easy;
	curl_easy_reset(easy);
	http_conn_setup(c, easy);
	strbuf_reset(&c->body);
	c->overflow = false;
	c->header_bytes = 0;
	c->header_overflow = false;
	c->errbuf[0] = '\0';
	c->what = what;
	c->started_ms = time_mono_ms();
	curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
}

CURL *
http_conn_release(struct http_conn *c)
{
	CURL *easy = c->easy;

	c->easy = NULL;
	strbuf_done(&c->body);
	strbuf_init(&c->body);
	return easy;
}

/* Map a transport failure to a host error with one clear sentence. */
static void
http_map_error(struct http_conn *c, CURLcode rc, struct hosterr *err)
{
	const char *detail = c->errbuf[0] != '\0' ? c->errbuf : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		hosterr_set(err, HOSTERR_DNS, "cannot resolve host name: %s", detail);
		break;
	case CURLE_COULDNT_CONNECT:
		hosterr_set(err, HOSTERR_CONNECT, "cannot connect: %s", detail);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		hosterr_set(err, HOSTERR_TIMEOUT, "no answer in time: %s", detail);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		if (c->has_cacert)
			hosterr_set(err, HOSTERR_TLS, "TLS certificate not trusted: %s (not signed by "
			    "the given CA bundle, or issued for another name than the one used)", detail);
		else
			hosterr_set(err, HOSTERR_TLS, "TLS certificate not trusted: %s (give the CA "
			    "with --cacert FILE, or --insecure)", detail);
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_USE_SSL_FAILED:
		hosterr_set(err, HOSTERR_TLS, "TLS handshake failed: %s", detail);
		break;
	case CURLE_WRITE_ERROR:
		if (c->header_overflow) {
			hosterr_set(err, HOSTERR_PROTOCOL, "malformed HTTP response: header larger "
			    "than %u KiB", HTTP_MAX_HEADER / 1024);
			break;
		}
		if (c->overflow) {
			hosterr_set(err, HOSTERR_PROTOCOL, "response larger than %u MiB: refused",
			    HTTP_MAX_RESPONSE / (1024 * 1024));
			break;
		}
		hosterr_set(err, HOSTERR_PROTOCOL, "cannot store the response: %s", detail);
		break;
	case CURLE_GOT_NOTHING:
		hosterr_set(err, HOSTERR_CONNECT, "the server closed the connection without answering");
		break;
	case CURLE_RECV_ERROR:
		/* libcurl's own complaints about the bytes (chunked encoding) are not resets. */
		if (strstr(detail, "Recv failure") == NULL && strstr(detail, "SSL") == NULL &&
		    strstr(detail, "TLS") == NULL && strstr(detail, "onnection") == NULL) {
			hosterr_set(err, HOSTERR_PROTOCOL, "malformed HTTP response: %s", detail);
			break;
		}
		/* FALLTHROUGH */
	case CURLE_SEND_ERROR:
		hosterr_set(err, HOSTERR_CONNECT, "connection reset: %s", detail);
		break;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_OUT_OF_MEMORY:	/* what libcurl says of a header line past its limit */
		hosterr_set(err, HOSTERR_PROTOCOL, "malformed HTTP response: %s", detail);
		break;
	case CURLE_PARTIAL_FILE:
		hosterr_set(err, HOSTERR_PROTOCOL, "response cut short: %s", detail);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* Our URLs are http(s) only: this is an answer without a status line. */
		hosterr_set(err, HOSTERR_PROTOCOL, "malformed HTTP response: %s", detail);
		break;
	default:
		hosterr_set(err, HOSTERR_CONNECT, "transfer failed: %s", detail);
		break;
	}
}

/*
 * The Location header as the server sent it, for messages: userinfo removed,
 * sanitized, cut to 200 bytes; NULL without one. Never libcurl's redirect URL,
 * which libcurl composes with our credentials in it. Returns a malloc'd string.
 */
static char *
http_location(struct http_conn *c)
{
	char *raw = NULL, *s, *auth, *end, *at, *out;

#if LIBCURL_VERSION_NUM >= 0x075400
	struct curl_header *hd = NULL;

	if (curl_easy_header(c->easy, "Location", 0, CURLH_HEADER, -1, &hd) == CURLHE_OK &&
	    hd != NULL && hd->value != NULL)
		raw = xstrdup(hd->value);
#else
	(void)c;
#endif
	if (raw == NULL)
		return NULL;
	if (strlen(raw) > 200)
		raw[200] = '\0';
	/* The authority follows "//" (after a scheme or at the start) up to / ? or #. */
	s = strstr(raw, "//");
	if (s != NULL && (s == raw || (s[-1] == ':' && strcspn(raw, "/?#") == (size_t)(s - raw)))) {
		auth = s + 2;
		end = auth + strcspn(auth, "/?#");
		at = NULL;
		for (char *p = auth; p < end; p++)
			if (*p == '@')
				at = p;
		if (at != NULL)
			memmove(auth, at + 1, strlen(at + 1) + 1);
	}
	out = sanitize_terminal(raw);
	free(raw);
	return out;
}

int
http_conn_finish(struct http_conn *c, CURLcode rc, struct http_response *resp, struct hosterr *err)
{
	long status = 0, nconn = 0, reqsize = 0;
	char *ctype = NULL;
	int64_t elapsed = time_mono_ms() - c->started_ms;

	memset(resp, 0, sizeof *resp);
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c->easy, CURLINFO_NUM_CONNECTS, &nconn);
	curl_easy_getinfo(c->easy, CURLINFO_REQUEST_SIZE, &reqsize);
	resp->connects = (unsigned)nconn;
	resp->sent = reqsize > 0;
	resp->elapsed_ms = (unsigned)elapsed;
	if (rc != CURLE_OK) {
		http_map_error(c, rc, err);
		if (c->verbose)
			fprintf(stderr, "bitstop: %s: %s -> failed after %lld ms: %s\n", c->name,
			    c->what, (long long)elapsed, err->message);
		return -1;
	}
	curl_easy_getinfo(c->easy, CURLINFO_CONTENT_TYPE, &ctype);
	if (c->verbose)
		fprintf(stderr, "bitstop: %s: %s -> HTTP %ld, %zu bytes, %lld ms\n", c->name, c->what,
		    status, c->body.len, (long long)elapsed);
	if (status >= 300 && status < 400) {
		char *loc = http_location(c);

		hosterr_set_code(err, HOSTERR_HTTP, (uint32_t)status,
		    "HTTP %ld redirect%s%s refused: credentials are never sent to another address",
		    status, loc != NULL ? " to " : "", loc != NULL ? loc : "");
		free(loc);
		return -1;
	}
	resp->status = status;
	resp->content_type = ctype;
	resp->body = c->body.s;
	resp->len = c->body.len;
	return 0;
}
