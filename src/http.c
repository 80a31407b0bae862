#include "config.h"

#include "src/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/cfg.h"
#include "src/gssauth.h"
#include "src/sanitize.h"
#include "src/snapshot.h"
#include "src/strbuf.h"
#include "src/wsman_crypt.h"
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
	/* Negotiate (Kerberos, NTLM): our own GSS-API loop, the context bound to the
	 * connection libcurl keeps to the host */
	struct gssauth *gss;	/* NULL for basic */
	bool	 seal;		/* plain HTTP: every body sealed (MS-WSMV 2.2.9.1) */
	bool	 leg;		/* the transfer in flight is a handshake leg */
	bool	 probe;		/* ... its first one on HTTPS, without a token: it fetches
				 * the certificate for the channel binding */
	bool	 retried;	/* the request was sent again once after a 401 */
	unsigned legs;		/* handshake legs of the current handshake */
	unsigned handshakes;	/* handshakes completed (for -v) */
	char	*auth_line;	/* "Authorization: Negotiate ..." of the next leg */
	struct curl_slist *leg_headers;
	struct curl_slist *sealed_headers;
	char	*peer_token;	/* token of the last WWW-Authenticate: Negotiate, or NULL */
	bool	 offers_negotiate;
	char	 offers[96];	/* schemes the server offered, for messages */
	const char *req_body;	/* the plain request, sent after authentication */
	size_t	 req_len;
	struct strbuf wire;	/* the sealed request (answers are unsealed in place) */
};

/* One header line: collect the WWW-Authenticate challenges (Negotiate's token). */
static void
http_header_auth(struct http_conn *c, const char *data, size_t n)
{
	size_t k = strlen("WWW-Authenticate:"), i;
	const char *v;
	size_t vlen, slen;

	if (n < k || strncasecmp(data, "WWW-Authenticate:", k) != 0)
		return;
	v = data + k;
	vlen = n - k;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
		vlen--;
	slen = 0;
	while (slen < vlen && v[slen] != ' ')
		slen++;
	i = strlen(c->offers);
	if (i + slen + 3 < sizeof c->offers && slen > 0)
		snprintf(c->offers + i, sizeof c->offers - i, "%s%.*s", i ? ", " : "", (int)slen, v);
	if (slen == strlen("Negotiate") && strncasecmp(v, "Negotiate", slen) == 0) {
		c->offers_negotiate = true;
		while (slen < vlen && v[slen] == ' ')
			slen++;
		free(c->peer_token);
		c->peer_token = slen < vlen ? xstrndup(v + slen, vlen - slen) : NULL;
	}
}

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
	if (c->gss != NULL)
		http_header_auth(c, data, n);
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
	strbuf_init(&c->wire);
	if (h->settings.auth != AUTH_BASIC) {
		struct gssauth_opts o = {
			.mech = h->settings.auth == AUTH_KERBEROS ? GSSAUTH_KERBEROS :
			    h->settings.auth == AUTH_NTLM ? GSSAUTH_NTLM : GSSAUTH_NEGOTIATE,
			.host = h->hostname, .spn = h->settings.spn, .user = h->settings.user,
			.password = h->settings.password,
		};

		c->gss = gssauth_client_new(&o);
		c->seal = !h->https;
	}
	return c;
}

/* Headers of a request: the host's, with the sealed Content-Type and a token as needed. */
static struct curl_slist *
http_conn_headers(struct http_conn *c, bool sealed)
{
	curl_slist_free_all(c->leg_headers);
	c->leg_headers = NULL;
	if (!sealed && c->auth_line == NULL)
		return c->headers;
	if (sealed && c->auth_line == NULL) {
		/* the same for every sealed request: made once */
		if (c->sealed_headers == NULL) {
			c->sealed_headers = curl_slist_append(NULL, "Content-Type: " WSMAN_CRYPT_CTYPE);
			c->sealed_headers = curl_slist_append(c->sealed_headers,
			    "Accept-Encoding: identity");
			c->sealed_headers = curl_slist_append(c->sealed_headers, "Expect:");
			c->sealed_headers = curl_slist_append(c->sealed_headers,
			    "User-Agent: bitstop/" PACKAGE_VERSION);
		}
		return c->sealed_headers;
	}
	c->leg_headers = curl_slist_append(NULL, sealed ? "Content-Type: " WSMAN_CRYPT_CTYPE :
	    "Content-Type: application/soap+xml;charset=UTF-8");
	c->leg_headers = curl_slist_append(c->leg_headers, "Accept-Encoding: identity");
	c->leg_headers = curl_slist_append(c->leg_headers, "Expect:");
	c->leg_headers = curl_slist_append(c->leg_headers, "User-Agent: bitstop/" PACKAGE_VERSION);
	if (c->auth_line != NULL)
		c->leg_headers = curl_slist_append(c->leg_headers, c->auth_line);
	return c->leg_headers;
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
	if (c->gss != NULL) {
		/* our own Negotiate loop (libcurl's hides the context, which cannot seal):
		 * the header callback collects the server's tokens */
		if (c->https && c->probe)
			curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
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
	curl_slist_free_all(c->leg_headers);
	curl_slist_free_all(c->sealed_headers);
	strbuf_done(&c->body);
	strbuf_done(&c->wire);
	gssauth_free(c->gss);
	free(c->auth_line);
	free(c->peer_token);
	free(c->name);
	free(c);
}

CURL *
http_conn_easy(struct http_conn *c)
{
	return c->easy;
}

/* Start the next handshake leg: a token for the server, sent on an empty POST. */
static int
http_conn_leg(struct http_conn *c, const char *in, struct hosterr *err)
{
	char *tok = NULL;
	int rc = gssauth_step(c->gss, in, &tok, err);

	free(c->auth_line);
	c->auth_line = NULL;
	if (rc < 0)
		return -1;
	if (tok == NULL) {
		hosterr_set(err, HOSTERR_AUTH, "%s authentication produced no token for the server",
		    gssauth_mech_name(c->gss));
		return -1;
	}
	c->auth_line = xasprintf("Authorization: Negotiate %s", tok);
	free(tok);
	c->leg = true;
	c->legs++;
	return 0;
}

int
http_conn_prepare(struct http_conn *c, CURL *easy, const char *body, size_t len, const char *what,
    struct hosterr *err)
{
	const char *send = body;
	size_t n = len;
	bool sealed = false;

	if (body != NULL) {
		c->req_body = body;
		c->req_len = len;
		c->what = what;
		c->retried = false;
	}
	c->easy = easy;
	curl_easy_reset(easy);
	strbuf_reset(&c->body);
	c->overflow = false;
	c->header_bytes = 0;
	c->header_overflow = false;
	c->errbuf[0] = '\0';
	c->started_ms = time_mono_ms();
	c->offers[0] = '\0';
	c->offers_negotiate = false;
	free(c->peer_token);
	c->peer_token = NULL;
	send = c->req_body;
	n = c->req_len;
	if (c->gss != NULL && !gssauth_ready(c->gss) && !c->leg) {
		/* a new handshake: its first leg is an empty POST carrying our token; on
		 * HTTPS an empty POST without one comes first, for the certificate */
		gssauth_reset(c->gss);
		c->legs = 0;
		free(c->auth_line);
		c->auth_line = NULL;
		if (c->https) {
			c->probe = c->leg = true;
		} else if (http_conn_leg(c, NULL, err) != 0)
			return -1;
	}
	if (c->gss != NULL && c->leg) {
		send = "";
		n = 0;
	} else if (c->gss != NULL) {
		free(c->auth_line);
		c->auth_line = NULL;
		if (c->seal) {
			strbuf_reset(&c->wire);
			if (gssauth_seal(c->gss, c->req_body, c->req_len, "UTF-8", &c->wire, err) != 0) {
				gssauth_reset(c->gss);
				return -1;
			}
			send = c->wire.s;
			n = c->wire.len;
			sealed = true;
		}
	}
	http_conn_setup(c, easy);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, http_conn_headers(c, sealed));
	curl_easy_setopt(easy, CURLOPT_POSTFIELDS, send);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
	return 0;
}

CURL *
http_conn_release(struct http_conn *c)
{
	CURL *easy = c->easy;

	c->easy = NULL;
	strbuf_done(&c->body);
	strbuf_init(&c->body);
	strbuf_done(&c->wire);
	strbuf_init(&c->wire);
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
 * The certificate probe of an HTTPS handshake is answered: bind the context to the
 * server's certificate (RFC 5929 tls-server-end-point), then send the first leg.
 */
static int
http_conn_probe_done(struct http_conn *c, struct hosterr *err)
{
	struct curl_certinfo *ci = NULL;
	unsigned char *cb = NULL;
	size_t cblen = 0;

	c->probe = false;
	if (curl_easy_getinfo(c->easy, CURLINFO_CERTINFO, &ci) == CURLE_OK && ci != NULL &&
	    ci->num_of_certs > 0) {
		for (struct curl_slist *l = ci->certinfo[0]; l != NULL; l = l->next)
			if (strncmp(l->data, "Cert:", 5) == 0 &&
			    gssauth_tls_endpoint(l->data + 5, strlen(l->data + 5), &cb, &cblen) == 0)
				break;
	}
	gssauth_set_channel_binding(c->gss, cb, cblen);
	if (c->verbose)
		fprintf(stderr, "bitstop: %s: channel binding %s\n", c->name, cb != NULL ?
		    "to the server's certificate (tls-server-end-point)" :
		    "not possible: no certificate seen on this connection");
	free(cb);
	if (http_conn_leg(c, NULL, err) != 0) {
		c->leg = false;
		return -1;
	}
	return 1;
}

/* A handshake leg got its answer: 1 to send the next leg or the request, -1 with err. */
static int
http_conn_leg_done(struct http_conn *c, long status, unsigned nconn, struct hosterr *err)
{
	const char *mech = gssauth_mech_name(c->gss);

	if (c->legs > 1 && nconn > 0) {
		gssauth_reset(c->gss);
		c->leg = false;
		hosterr_set(err, HOSTERR_AUTH, "the connection closed in the middle of the %s "
		    "handshake: the server or a proxy does not keep connections alive", mech);
		return -1;
	}
	if (status == 401 && c->peer_token != NULL && !gssauth_ready(c->gss)) {
		if (http_conn_leg(c, c->peer_token, err) != 0) {
			c->leg = false;
			return -1;
		}
		return 1;
	}
	c->leg = false;
	if (status == 401) {
		gssauth_reset(c->gss);
		if (!c->offers_negotiate)
			hosterr_set_code(err, HOSTERR_AUTH, 401, "the server does not offer Negotiate "
			    "authentication (it offers: %s): enable it on the host, or use --auth basic "
			    "over HTTPS", c->offers[0] != '\0' ? c->offers : "nothing");
		else if (strcmp(mech, "NTLM") == 0)
			hosterr_set_code(err, HOSTERR_AUTH, 401, "the server refused the NTLM "
			    "credentials: check the user name (DOMAIN\\user) and the password");
		else
			hosterr_set_code(err, HOSTERR_AUTH, 401, "the server refused the %s "
			    "authentication: check the user, the host's service principal (spn) and "
			    "that both clocks agree", mech);
		return -1;
	}
	if (status != 200) {
		gssauth_reset(c->gss);
		hosterr_set_code(err, HOSTERR_AUTH, (uint32_t)status, "the server answered HTTP %ld "
		    "to the %s authentication request", status, mech);
		return -1;
	}
	if (!gssauth_ready(c->gss)) {
		if (c->peer_token == NULL) {
			gssauth_reset(c->gss);
			hosterr_set(err, HOSTERR_AUTH, "the server accepted the %s authentication but "
			    "sent no mutual authentication token: it cannot be trusted to be the host",
			    mech);
			return -1;
		}
		if (gssauth_step_final(c->gss, c->peer_token, err) != 0) {
			gssauth_reset(c->gss);
			return -1;
		}
	}
	c->handshakes++;
	if (c->verbose)
		fprintf(stderr, "bitstop: %s: %s authentication complete after %u legs\n", c->name,
		    gssauth_mech_name(c->gss), c->legs);
	return 1;
}

/*
 * The answer to a request sent under a GSS context: 0 with *resp unsealed, 1 to
 * authenticate again and resend (a 401: the server did not run the request), or
 * -1 with err.
 */
static int
http_conn_gss_done(struct http_conn *c, long status, const char *ctype,
    struct http_response *resp, struct hosterr *err)
{
	bool utf16 = false;

	if (status == 401) {
		/* the server has no context for this connection (a new one, or it dropped
		 * ours): it refused the request unread, so sending it again is safe */
		gssauth_reset(c->gss);
		if (c->retried) {
			hosterr_set_code(err, HOSTERR_AUTH, 401, "the server refused the request "
			    "right after a successful %s authentication", gssauth_mech_name(c->gss));
			return -1;
		}
		c->retried = true;
		return 1;
	}
	resp->status = status;
	if (!c->seal) {
		resp->content_type = ctype;
		resp->body = c->body.s;
		resp->len = c->body.len;
		return 0;
	}
	if (!wsman_crypt_is_encrypted(ctype)) {
		if (status == 200 && c->body.len > 0) {
			gssauth_reset(c->gss);
			hosterr_set(err, HOSTERR_PROTOCOL, "the server answered an encrypted request "
			    "without encryption: refused");
			return -1;
		}
		/* errors without a body (or a plain fault) carry nothing to decrypt */
		resp->content_type = ctype;
		resp->body = c->body.s;
		resp->len = c->body.len;
		if (status == 500 && c->body.len == 0)
			gssauth_reset(c->gss);
		return 0;
	}
	if (gssauth_unseal(c->gss, c->body.s, c->body.len, &resp->body, &resp->len, &utf16,
	    err) != 0) {
		gssauth_reset(c->gss);
		return -1;
	}
	resp->content_type = utf16 ? "application/soap+xml;charset=UTF-16" :
	    "application/soap+xml;charset=UTF-8";
	if (c->verbose) {
		size_t hl = 0;
		const char *path = gssauth_unseal_path(c->gss, &hl);

		fprintf(stderr, "bitstop: %s: %zu bytes decrypted (%s, %zu-byte security header)\n",
		    c->name, resp->len, path, hl);
	}
	return 0;
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
	bool leg = c->leg;

	memset(resp, 0, sizeof *resp);
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c->easy, CURLINFO_NUM_CONNECTS, &nconn);
	curl_easy_getinfo(c->easy, CURLINFO_REQUEST_SIZE, &reqsize);
	resp->connects = (unsigned)nconn;
	/* a handshake leg is not the request: that one never left */
	resp->sent = reqsize > 0 && !leg;
	resp->elapsed_ms = (unsigned)elapsed;
	if (rc != CURLE_OK) {
		http_map_error(c, rc, err);
		if (c->gss != NULL) {
			/* the context lives with the connection, which is gone or out of step */
			gssauth_reset(c->gss);
			c->leg = false;
		}
		if (c->verbose)
			fprintf(stderr, "bitstop: %s: %s -> failed after %lld ms: %s\n", c->name,
			    leg ? "authentication" : c->what, (long long)elapsed, err->message);
		return -1;
	}
	curl_easy_getinfo(c->easy, CURLINFO_CONTENT_TYPE, &ctype);
	if (c->verbose)
		fprintf(stderr, "bitstop: %s: %s -> HTTP %ld, %zu bytes, %lld ms\n", c->name,
		    leg ? "authentication" : c->what, status, c->body.len, (long long)elapsed);
	if (status >= 300 && status < 400) {
		char *loc = http_location(c);

		hosterr_set_code(err, HOSTERR_HTTP, (uint32_t)status,
		    "HTTP %ld redirect%s%s refused: credentials are never sent to another address",
		    status, loc != NULL ? " to " : "", loc != NULL ? loc : "");
		if (c->gss != NULL) {
			gssauth_reset(c->gss);
			c->leg = false;
		}
		free(loc);
		return -1;
	}
	if (c->gss != NULL && leg && c->probe)
		return http_conn_probe_done(c, err);
	if (c->gss != NULL && leg)
		return http_conn_leg_done(c, status, (unsigned)nconn, err);
	if (c->gss != NULL)
		return http_conn_gss_done(c, status, ctype, resp, err);
	resp->status = status;
	resp->content_type = ctype;
	resp->body = c->body.s;
	resp->len = c->body.len;
	return 0;
}
