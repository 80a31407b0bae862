#include "config.h"

#include "sim/sim_gss.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/gssauth.h"
#include "src/wsman_crypt.h"
#include "src/xalloc.h"

/* The channel binding data of the server's certificate (bitsim is one thread). */
static unsigned char *sim_gss_cb;
static size_t sim_gss_cb_len;

int
sim_gss_setup_tls(const char *cert_pem)
{
	free(sim_gss_cb);
	sim_gss_cb = NULL;
	return gssauth_tls_endpoint(cert_pem, strlen(cert_pem), &sim_gss_cb, &sim_gss_cb_len);
}

void *
sim_gss_conn_new(void)
{
	struct gssauth *g = gssauth_server_new();

	gssauth_set_channel_binding(g, sim_gss_cb, sim_gss_cb_len);
	return g;
}

void
sim_gss_conn_free(void *ctx)
{
	gssauth_free(ctx);
}

/* The security context of p's connection, or NULL. */
static struct gssauth *
sim_gss_ctx(struct sim_pending *p)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(p->conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

int
sim_gss_auth(struct sim_pending *p)
{
	struct gssauth *g = sim_gss_ctx(p);
	const char *h = MHD_lookup_connection_value(p->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	struct hosterr err = { 0 };
	char *out = NULL;
	int rc;

	if (g == NULL)
		return -1;
	if (h == NULL) {
		if (!gssauth_ready(g))
			return -1;
		snprintf(p->user, sizeof p->user, "%s", gssauth_peer(g) ? gssauth_peer(g) : "?");
		return 0;
	}
	if (strncasecmp(h, "Negotiate ", 10) == 0)
		h += 10;
	else if (strncasecmp(h, "Kerberos ", 9) == 0)
		h += 9;
	else
		return -1;
	while (*h == ' ')
		h++;
	if (gssauth_ready(g))
		gssauth_reset(g);	/* a new handshake on the same connection */
	rc = gssauth_step(g, h, &out, &err);
	if (rc < 0) {
		fprintf(stderr, "bitsim: %s: authentication refused: %s\n", p->site->machine,
		    err.message);
		hosterr_clear(&err);
		gssauth_reset(g);
		p->challenge = out;	/* an error token (KRB-ERROR), as Windows sends */
		return -1;
	}
	if (rc > 0) {
		p->challenge = out;
		return -1;
	}
	if (out != NULL && p->kind == SIM_FK_MALFORMED && strlen(out) > 24) {
		/* a corrupted answer: the mutual authentication token does not verify */
		out[strlen(out) - 20] = out[strlen(out) - 20] == 'A' ? 'B' : 'A';
	}
	p->mutual = out;
	p->handshake = 1;
	p->site->handshakes++;
	snprintf(p->user, sizeof p->user, "%s", gssauth_peer(g) ? gssauth_peer(g) : "?");
	return 0;
}

int
sim_gss_unseal(struct sim_pending *p)
{
	struct gssauth *g = sim_gss_ctx(p);
	struct hosterr err = { 0 };
	const char *plain;
	size_t n;
	bool utf16 = false;

	if (g == NULL || !gssauth_ready(g))
		return -1;
	if (gssauth_unseal(g, p->body.s, p->body.len, &plain, &n, &utf16, &err) != 0) {
		fprintf(stderr, "bitsim: %s: encrypted request refused: %s\n", p->site->machine,
		    err.message);
		hosterr_clear(&err);
		gssauth_reset(g);
		return -1;
	}
	/* the plain text sits inside the body: move it to the front */
	memmove(p->body.s, plain, n + 1);
	p->body.len = n;
	p->encoding = utf16 ? "UTF-16" : "UTF-8";
	p->site->encrypted++;
	return 0;
}

int
sim_gss_seal(struct sim_pending *p, struct strbuf *body)
{
	struct gssauth *g = sim_gss_ctx(p);
	struct hosterr err = { 0 };
	struct strbuf sealed;

	if (g == NULL || !gssauth_ready(g))
		return -1;
	strbuf_init(&sealed);
	if (gssauth_seal(g, body->s, body->len, "UTF-8", &sealed, &err) != 0) {
		fprintf(stderr, "bitsim: %s: cannot encrypt the answer: %s\n", p->site->machine,
		    err.message);
		hosterr_clear(&err);
		strbuf_done(&sealed);
		return -1;
	}
	strbuf_done(body);
	*body = sealed;
	return 0;
}

void
sim_gss_headers(struct sim_pending *p, struct MHD_Response *r, int status)
{
	char *v;

	if (status == MHD_HTTP_UNAUTHORIZED) {
		if (p->challenge != NULL) {
			v = xasprintf("Negotiate %s", p->challenge);
			MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, v);
			free(v);
			return;
		}
		/* what a default WinRM listener offers: no Basic */
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Negotiate");
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Kerberos");
		return;
	}
	if (p->mutual != NULL) {
		v = xasprintf("Negotiate %s", p->mutual);
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, v);
		free(v);
	}
}
