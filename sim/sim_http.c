#include "config.h"

#include "sim/sim_http.h"
#include "sim/sim_clock.h"
#include "sim/sim_inject.h"
#include "sim/sim_wsman.h"
#include "src/xalloc.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

enum { SIM_PH_RECEIVING, SIM_PH_WAITING, SIM_PH_DONE };

#define SIM_SERVER_HEADER	"Microsoft-HTTPAPI/2.0"
#define SIM_SOAP_TYPE		"application/soap+xml;charset=UTF-8"

/* A body that is cut short, reset, or sent slowly. */
struct sim_stream {
	struct sim_pending	*p;
	char			*data;
	size_t			 len;
	size_t			 limit;		/* bytes sent before failing */
	int			 rst;		/* abort with a TCP reset */
	int			 fd;
	unsigned		 chunk;
	unsigned		 period_ms;
	double			 next;
};

static const char sim_503_body[] = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\""
    "\"http://www.w3.org/TR/html4/strict.dtd\">\r\n<HTML><HEAD><TITLE>Service Unavailable"
    "</TITLE>\r\n<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\">"
    "</HEAD>\r\n<BODY><h2>Service Unavailable</h2>\r\n<hr><p>HTTP Error 503. The service "
    "is unavailable.</p>\r\n</BODY></HTML>\r\n";

static const char sim_404_body[] = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\""
    "\"http://www.w3.org/TR/html4/strict.dtd\">\r\n<HTML><HEAD><TITLE>Not Found</TITLE>\r\n"
    "<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n"
    "<BODY><h2>Not Found</h2>\r\n<hr><p>HTTP Error 404. The requested resource is not "
    "found.</p>\r\n</BODY></HTML>\r\n";

/* Queue a response with the Server header every WinRM answer carries. */
static enum MHD_Result
sim_http_queue(struct MHD_Connection *conn, unsigned status, struct MHD_Response *r)
{
	enum MHD_Result ret;

	MHD_add_response_header(r, MHD_HTTP_HEADER_SERVER, SIM_SERVER_HEADER);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* An empty or static-text answer. */
static enum MHD_Result
sim_http_simple(struct sim_pending *p, unsigned status, const char *body, const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(body ? strlen(body) : 0,
	    (void *)(body ? body : ""), MHD_RESPMEM_PERSISTENT);

	if (r == NULL)
		return MHD_NO;
	if (type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_UNAUTHORIZED) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Negotiate");
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Basic realm=\"WSMAN\"");
	} else if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "POST");
	p->phase = SIM_PH_DONE;
	return sim_http_queue(p->conn, status, r);
}

/* Decode standard base64 (no line breaks); NULL when malformed. */
static char *
sim_base64_decode(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = xmalloc(n / 4 * 3 + 4);
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		const char *tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const char *c;

		if (s[i] == '=')
			break;
		c = strchr(tbl, s[i]);
		if (c == NULL || s[i] == '\0') {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (uint32_t)(c - tbl);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xFF);
		}
	}
	out[o] = '\0';
	return out;
}

/* Check Basic credentials; the user name goes to p->user. 0 when allowed. */
static int
sim_http_auth(struct sim_pending *p)
{
	const struct sim_config *cfg = &p->srv->cfg;
	const char *h;
	char *plain, *colon;
	int ok;

	if (cfg->auth_none) {
		strcpy(p->user, "anonymous");
		return 0;
	}
	h = MHD_lookup_connection_value(p->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL || strncasecmp(h, "Basic ", 6) != 0)
		return -1;
	h += 6;
	while (*h == ' ')
		h++;
	plain = sim_base64_decode(h);
	if (plain == NULL)
		return -1;
	colon = strchr(plain, ':');
	ok = colon != NULL && cfg->user != NULL && cfg->password != NULL &&
	    (size_t)(colon - plain) == strlen(cfg->user) &&
	    strncasecmp(plain, cfg->user, (size_t)(colon - plain)) == 0 &&
	    strcmp(colon + 1, cfg->password) == 0;
	if (ok)
		snprintf(p->user, sizeof p->user, "%s", cfg->user);
	xfree_secret(plain);
	return ok ? 0 : -1;
}

/* Check the Content-Type; sets the encoding for the parser. 0 when accepted. */
static int
sim_http_content_type(struct sim_pending *p)
{
	const char *h = MHD_lookup_connection_value(p->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *cs;
	size_t n;

	if (h == NULL)
		return -1;
	while (*h == ' ')
		h++;
	n = strcspn(h, "; ");
	if (n != strlen("application/soap+xml") || strncasecmp(h, "application/soap+xml", n) != 0)
		return -1;
	p->encoding = NULL;
	cs = strcasestr(h, "charset=");
	if (cs == NULL)
		return 0;
	cs += strlen("charset=");
	if (*cs == '"')
		cs++;
	if (strncasecmp(cs, "utf-8", 5) == 0)
		p->encoding = "UTF-8";
	else if (strncasecmp(cs, "utf-16", 6) == 0)
		p->encoding = "UTF-16";
	else
		return -1;
	return 0;
}

/* Suspend p's connection until due (a timer resumes it). */
static void
sim_http_suspend(struct sim_pending *p, double due)
{
	MHD_suspend_connection(p->conn);
	p->suspended = 1;
	p->prev = NULL;
	p->next = p->site->pending;
	if (p->next != NULL)
		p->next->prev = p;
	p->site->pending = p;
	sim_timer_schedule(&p->srv->timers, &p->timer, due);
}

/*
 * Abort the TCP connection on fd with a reset. MHD shuts a socket down (a
 * FIN) before closing it, so disconnect it first: on Linux, connect() with
 * AF_UNSPEC on a connected TCP socket sends an RST and keeps the descriptor
 * (and MHD's epoll registration) valid.
 */
static void
sim_http_reset(int fd)
{
	struct sockaddr sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_family = AF_UNSPEC;
	if (connect(fd, &sa, sizeof sa) != 0) {
		struct linger lg = { 1, 0 };

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	}
}

/* Content reader for bodies that fail or trickle. */
static ssize_t
sim_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sim_stream *st = cls;
	size_t n;

	if (st->p->drop)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (pos >= st->limit) {
		if (st->rst && st->fd >= 0)
			sim_http_reset(st->fd);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	n = st->limit - (size_t)pos;
	if (st->period_ms > 0) {
		double now = sim_clock_mono();

		if (now < st->next) {
			/* not yet: sleep on the timer heap, not in the loop */
			sim_http_suspend(st->p, st->next);
			return 0;
		}
		st->next = now + st->period_ms / 1000.0;
		if (n > st->chunk)
			n = st->chunk;
	}
	if (n > max)
		n = max;
	memcpy(buf, st->data + pos, n);
	return (ssize_t)n;
}

/* Free a stream when MHD is done with its response. */
static void
sim_stream_free(void *cls)
{
	struct sim_stream *st = cls;

	free(st->data);
	free(st);
}

/* Turn a finished reply into the MHD response the host's fault calls for. */
static struct MHD_Response *
sim_http_build(struct sim_pending *p, struct sim_reply *rep)
{
	struct MHD_Response *r;
	size_t len = rep->body.len;
	char *data = strbuf_detach(&rep->body, NULL);
	const struct sim_fault_state *fs = &p->site->fault;

	if (p->kind == SIM_FK_MALFORMED && len > 0) {
		/* cut the envelope and leave unbalanced, badly formed markup */
		size_t keep = len * 3 / 5;
		struct strbuf sb;

		strbuf_init(&sb);
		strbuf_add(&sb, data, keep);
		strbuf_adds(&sb, "<p:Oops a=\"1\" b=>&bogus;</s:Header></s:Envelope");
		free(data);
		len = sb.len;
		data = strbuf_detach(&sb, NULL);
	}
	if (p->kind == SIM_FK_RESET || p->kind == SIM_FK_TRUNCATE || p->kind == SIM_FK_TRICKLE) {
		struct sim_stream *st = xcalloc(1, sizeof *st);
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(p->conn,
		    MHD_CONNECTION_INFO_CONNECTION_FD);

		st->p = p;
		st->data = data;
		st->len = len;
		st->limit = p->kind == SIM_FK_TRICKLE ? len : len / 2;
		st->rst = p->kind == SIM_FK_RESET;
		st->fd = ci != NULL ? ci->connect_fd : -1;
		if (p->kind == SIM_FK_TRICKLE) {
			st->chunk = fs->bytes ? fs->bytes : 256;
			st->period_ms = fs->ms ? fs->ms : 100;
		}
		r = MHD_create_response_from_callback(len, 4096, sim_stream_read, st,
		    sim_stream_free);
		if (r == NULL)
			sim_stream_free(st);
	} else
		r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (r == NULL)
		return NULL;
	if (len > 0)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, SIM_SOAP_TYPE);
	return r;
}

/* Run the request through WS-Man and answer now or after a delay. */
static enum MHD_Result
sim_http_finish(struct sim_pending *p)
{
	struct sim_reply rep = { .status = 200 };
	struct MHD_Response *r;
	double delay;

	strbuf_init(&rep.body);
	if (p->too_large || p->body.len > p->srv->cfg.max_envelope) {
		strbuf_done(&rep.body);
		return sim_http_simple(p, 413, NULL, NULL);
	}
	sim_clock_touch(p->srv, p->site);
	sim_wsman_handle(p->srv, p->site, p->user, p->body.s, p->body.len, p->encoding,
	    p->kind, &rep);
	if (rep.status == 413) {
		strbuf_done(&rep.body);
		return sim_http_simple(p, 413, NULL, NULL);
	}
	p->status = (unsigned)rep.status;
	delay = (p->site->fault.latency_ms + rep.delay_ms) / 1000.0;
	r = sim_http_build(p, &rep);
	strbuf_done(&rep.body);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_SERVER, SIM_SERVER_HEADER);
	if (delay > 0) {
		p->resp = r;
		p->phase = SIM_PH_WAITING;
		sim_http_suspend(p, sim_clock_mono() + delay);
		return MHD_YES;
	}
	p->phase = SIM_PH_DONE;
	{
		enum MHD_Result ret = MHD_queue_response(p->conn, p->status, r);

		MHD_destroy_response(r);
		return ret;
	}
}

/* First call for a request: every check that needs only the headers. */
static enum MHD_Result
sim_http_begin(struct sim_pending *p, const char *url, const char *method)
{
	const char *cl;

	p->kind = sim_inject_pick(p->srv, p->site);
	if (p->kind == SIM_FK_401)
		return sim_http_simple(p, MHD_HTTP_UNAUTHORIZED, NULL, NULL);
	if (p->kind == SIM_FK_503)
		return sim_http_simple(p, MHD_HTTP_SERVICE_UNAVAILABLE, sim_503_body,
		    "text/html; charset=us-ascii");
	if (strcasecmp(url, "/wsman") != 0)
		return sim_http_simple(p, MHD_HTTP_NOT_FOUND, sim_404_body,
		    "text/html; charset=us-ascii");
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
		return sim_http_simple(p, MHD_HTTP_METHOD_NOT_ALLOWED, NULL, NULL);
	if (sim_http_auth(p) != 0)
		return sim_http_simple(p, MHD_HTTP_UNAUTHORIZED, NULL, NULL);
	if (sim_http_content_type(p) != 0)
		return sim_http_simple(p, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, NULL, NULL);
	cl = MHD_lookup_connection_value(p->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && strtoull(cl, NULL, 10) > p->srv->cfg.max_envelope)
		return sim_http_simple(p, 413, NULL, NULL);
	return MHD_YES;
}

/* MHD access handler for a host: checks, body, WS-Man, delivery. */
enum MHD_Result
sim_http_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload, size_t *upload_size,
    void **con_cls)
{
	struct sim_site *site = cls;
	struct sim_pending *p = *con_cls;

	if (p == NULL) {
		p = xcalloc(1, sizeof *p);
		p->srv = site->srv;
		p->site = site;
		p->conn = conn;
		sim_timer_init(&p->timer);
		strbuf_init(&p->body);
		*con_cls = p;
		site->requests++;
		if (!site->listening)
			return MHD_NO;
		return sim_http_begin(p, url, method);
	}
	if (p->drop || !site->listening)
		return MHD_NO;
	switch (p->phase) {
	case SIM_PH_RECEIVING:
		if (*upload_size > 0) {
			if (p->body.len + *upload_size > p->srv->cfg.max_envelope)
				p->too_large = 1;
			else
				strbuf_add(&p->body, upload, *upload_size);
			*upload_size = 0;
			return MHD_YES;
		}
		return sim_http_finish(p);
	case SIM_PH_WAITING: {
		struct MHD_Response *r = p->resp;
		enum MHD_Result ret;

		p->resp = NULL;
		p->phase = SIM_PH_DONE;
		ret = MHD_queue_response(conn, p->status, r);
		MHD_destroy_response(r);
		return ret;
	}
	default:
		return MHD_YES;
	}
}

/* Take p off its site's pending list. */
static void
sim_http_unlink(struct sim_pending *p)
{
	if (p->prev != NULL)
		p->prev->next = p->next;
	else if (p->site->pending == p)
		p->site->pending = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	p->prev = p->next = NULL;
}

/* MHD completion callback: free the request state. */
void
sim_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct sim_pending *p = *con_cls;

	if (p == NULL)
		return;
	sim_timer_cancel(&p->srv->timers, &p->timer);
	sim_http_unlink(p);
	if (p->resp != NULL)
		MHD_destroy_response(p->resp);
	strbuf_done(&p->body);
	free(p);
	*con_cls = NULL;
}

/* MHD connection callback: count accepted connections. */
void
sim_http_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
    enum MHD_ConnectionNotificationCode toe)
{
	struct sim_site *site = cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		site->connections++;
}

/* Resume a suspended request. */
static void
sim_http_resume(struct sim_pending *p)
{
	if (!p->suspended)
		return;
	p->suspended = 0;
	sim_http_unlink(p);
	MHD_resume_connection(p->conn);
}

/* A held-back request whose time has come: resume it; its site runs next. */
struct sim_site *
sim_http_fire(struct sim_timer *t)
{
	struct sim_pending *p = (struct sim_pending *)(void *)((char *)t -
	    offsetof(struct sim_pending, timer));

	sim_http_resume(p);
	return p->site;
}

/* Resume every suspended request of a site so that it is closed. */
void
sim_http_drop_site(struct sim_site *site)
{
	while (site->pending != NULL) {
		struct sim_pending *p = site->pending;

		p->drop = 1;
		sim_timer_cancel(&p->srv->timers, &p->timer);
		sim_http_resume(p);
	}
}
