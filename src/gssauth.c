#include "config.h"

#include "src/gssauth.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5/krb5.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "src/cfx.h"
#include "src/wsman_crypt.h"
#include "src/xalloc.h"

/* Mechanism OIDs: SPNEGO 1.3.6.1.5.5.2, NTLM (gss-ntlmssp) 1.3.6.1.4.1.311.2.2.10. */
static gss_OID_desc gssauth_oid_spnego = { 6, (void *)"\x2b\x06\x01\x05\x05\x02" };
static gss_OID_desc gssauth_oid_ntlm = { 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" };
static gss_OID_desc gssauth_oid_krb5 = { 9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" };

/* Largest padding a sealed message may carry past its OriginalContent Length. */
#define GSSAUTH_MAX_PAD	16
/* Supplementary statuses that mean a replayed, reordered or missing message. */
#define GSSAUTH_OUT_OF_SEQUENCE \
	(GSS_S_DUPLICATE_TOKEN | GSS_S_OLD_TOKEN | GSS_S_UNSEQ_TOKEN | GSS_S_GAP_TOKEN)
/* NTLM's message signature, first in gss_wrap's output (gss-ntlmssp has no wrap_iov). */
#define GSSAUTH_NTLM_SIG 16

struct gssauth {
	bool	 server;
	enum gssauth_mech mech;	/* asked for (initiator) */
	char	*host;
	char	*spn;
	char	*user;
	char	*password;	/* secret; xfree_secret */
	unsigned char *cb;
	size_t	 cb_len;
	gss_ctx_id_t ctx;
	gss_cred_id_t cred;
	gss_name_t target;
	bool	 started;
	bool	 complete;
	bool	 ntlm;		/* the context's mechanism is NTLM */
	bool	 known;		/* ntlm is known */
	bool	 used_password;	/* credentials came from the password */
	bool	 final;		/* the token being read is the final (mutual) one */
	struct cfx_key *cfx;	/* AES keys for unsealing with OpenSSL, or NULL */
	bool	 cfx_tried;	/* set up (or found impossible) after the first message */
	uint64_t cfx_next;	/* sequence number the next sealed answer must carry */
	struct cfx_key *cfx_tx;	/* AES keys for sealing with OpenSSL, or NULL */
	bool	 cfx_tx_tried;
	uint64_t cfx_tx_next;	/* sequence number of our next sealed request */
	unsigned char cfx_tx_flags; /* token flags as GSS-API set them */
	const char *unseal_path; /* how the last answer was unsealed, for -v */
	size_t	 unseal_header;	/* and the length of its security header */
	char	*peer;
};

static struct cfx_key *gssauth_cfx_key(struct gssauth *g, unsigned usage);

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of data, malloc'd. */
static char *
gssauth_b64_encode(const unsigned char *d, size_t n)
{
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)d[i + 1] << 8;
		if (i + 2 < n)
			v |= d[i + 2];
		*o++ = b64chars[(v >> 18) & 63];
		*o++ = b64chars[(v >> 12) & 63];
		*o++ = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
		*o++ = i + 2 < n ? b64chars[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

/* Decode base64 (no whitespace inside); -1 when malformed. */
static int
gssauth_b64_decode(const char *s, unsigned char **out, size_t *outlen)
{
	size_t n = strlen(s), o = 0;
	uint32_t acc = 0;
	int bits = 0;
	unsigned char *buf;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	buf = xmalloc(n / 4 * 3 + 3);
	for (size_t i = 0; i < n; i++) {
		const char *p;

		if (s[i] == '=') {
			for (size_t j = i; j < n; j++)
				if (s[j] != '=')
					goto bad;
			break;
		}
		if ((p = strchr(b64chars, s[i])) == NULL || s[i] == '\0')
			goto bad;
		acc = acc << 6 | (uint32_t)(p - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (unsigned char)(acc >> bits);
		}
	}
	*out = buf;
	*outlen = o;
	return 0;
bad:
	free(buf);
	return -1;
}

/* The text GSS-API gives for a status code of one type, malloc'd. */
static char *
gssauth_status_text(OM_uint32 code, int type, gss_OID mech)
{
	struct strbuf sb;
	OM_uint32 min, ctx = 0;

	strbuf_init(&sb);
	do {
		gss_buffer_desc b = GSS_C_EMPTY_BUFFER;

		if (GSS_ERROR(gss_display_status(&min, code, type, mech, &ctx, &b)))
			break;
		if (sb.len > 0)
			strbuf_adds(&sb, "; ");
		strbuf_add(&sb, b.value, b.length);
		gss_release_buffer(&min, &b);
	} while (ctx != 0);
	return strbuf_detach(&sb, NULL);
}

/* True when the minor code is one of the krb5 codes or its text contains needle. */
static bool
gssauth_minor_is(OM_uint32 min, const char *text, long code, const char *needle)
{
	return (int32_t)min == (int32_t)code || (text != NULL && strcasestr(text, needle) != NULL);
}

/* Turn a failed GSS-API call into one sentence naming the fix. */
static void
gssauth_explain(struct gssauth *g, const char *stage, OM_uint32 maj, OM_uint32 min,
    struct hosterr *err)
{
	char *mtxt = gssauth_status_text(maj, GSS_C_GSS_CODE, GSS_C_NO_OID);
	char *ntxt = gssauth_status_text(min, GSS_C_MECH_CODE, GSS_C_NO_OID);
	const char *who = g->user != NULL ? g->user : "the current user";
	const char *detail;

	if (strcmp(ntxt, "Unknown error") == 0)
		ntxt[0] = '\0';	/* no minor code: the major status says it all */
	detail = ntxt[0] != '\0' ? ntxt : mtxt;

	if (strcmp(stage, "mutual") == 0)
		hosterr_set(err, HOSTERR_AUTH, "the server's mutual authentication token does not "
		    "verify (%s): the host may not hold the key of %s (check spn), or someone is in "
		    "between", detail, g->spn);
	else if (gssauth_minor_is(min, ntxt, KRB5_KDC_UNREACH, "Cannot contact any KDC") ||
	    gssauth_minor_is(min, ntxt, KRB5_REALM_UNKNOWN, "Cannot find KDC"))
		hosterr_set(err, HOSTERR_AUTH, "cannot reach a Kerberos KDC (%s): check the kdc "
		    "entries of krb5.conf or the DNS SRV records, and the network", detail);
	else if (gssauth_minor_is(min, ntxt, KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN,
	    "Server not found in Kerberos database"))
		hosterr_set(err, HOSTERR_AUTH, "the KDC does not know the service principal %s: "
		    "use the host's DNS name (not an alias or an IP address) or set spn to the "
		    "name the host registered (e.g. HTTP/host.domain or WSMAN/host.domain)", g->spn);
	else if (gssauth_minor_is(min, ntxt, KRB5KRB_AP_ERR_SKEW, "Clock skew too great") ||
	    gssauth_minor_is(min, ntxt, KRB5_KDCREP_SKEW, "Clock skew too great"))
		hosterr_set(err, HOSTERR_AUTH, "clock skew: the clocks of this machine, the KDC and the "
		    "host differ by more than Kerberos allows (5 minutes by default); synchronise "
		    "them with NTP");
	else if (maj == GSS_S_BAD_BINDINGS)
		hosterr_set(err, HOSTERR_AUTH, "the channel binding does not match the TLS "
		    "certificate: something between this machine and the host (a TLS inspecting "
		    "proxy) presents another certificate");
	else if (maj == GSS_S_CREDENTIALS_EXPIRED ||
	    gssauth_minor_is(min, ntxt, KRB5KRB_AP_ERR_TKT_EXPIRED, "Ticket expired"))
		hosterr_set(err, HOSTERR_AUTH, "the Kerberos ticket has expired: run kinit%s",
		    g->password == NULL ? " (or configure a password, then bitstop gets new tickets "
		    "itself)" : "");
	else if (gssauth_minor_is(min, ntxt, KRB5KDC_ERR_PREAUTH_FAILED, "Preauthentication failed") ||
	    gssauth_minor_is(min, ntxt, KRB5KRB_AP_ERR_BAD_INTEGRITY, "Decrypt integrity check failed"))
		hosterr_set(err, HOSTERR_AUTH, "the KDC refused the password of %s: check the password "
		    "(and that the account is not locked)", who);
	else if (gssauth_minor_is(min, ntxt, KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN,
	    "Client not found in Kerberos database") ||
	    gssauth_minor_is(min, ntxt, KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN, "not found in Kerberos database"))
		hosterr_set(err, HOSTERR_AUTH, "the KDC does not know the user %s: write it as "
		    "user@REALM", who);
	else if (maj == GSS_S_NO_CRED || gssauth_minor_is(min, ntxt, KRB5_FCC_NOFILE,
	    "No credentials cache found") || gssauth_minor_is(min, ntxt, KRB5_CC_NOTFOUND,
	    "No Kerberos credentials available") || strcasestr(ntxt, "credentials cache") != NULL)
	{
		if (g->password != NULL)
			hosterr_set(err, HOSTERR_AUTH, "no %s credentials for %s from its password (%s): "
			    "check the user name (DOMAIN\\user or user@REALM) and the password",
			    g->mech == GSSAUTH_NTLM ? "NTLM" : "Kerberos", who, detail);
		else if (g->mech == GSSAUTH_NTLM)
			hosterr_set(err, HOSTERR_AUTH, "NTLM needs a user and a password: give them "
			    "(-u DOMAIN\\user, and password_command, $BITSTOP_PASSWORD or ~/.netrc)");
		else
			hosterr_set(err, HOSTERR_AUTH, "no Kerberos ticket for %s and no password: run "
			    "kinit, or give a user and a password (password_command, $BITSTOP_PASSWORD "
			    "or ~/.netrc)", who);
	}
	else if (!g->server && g->mech == GSSAUTH_NTLM && g->password == NULL &&
	    strcmp(stage, "start") == 0)
		hosterr_set(err, HOSTERR_AUTH, "NTLM needs a user and a password: give them "
		    "(-u DOMAIN\\user, and password_command, $BITSTOP_PASSWORD or ~/.netrc)");
	else if (!g->server && strcmp(stage, "the server's challenge") == 0)
		hosterr_set(err, HOSTERR_AUTH, "the server refused the %s authentication (%s): check "
		    "the user name (DOMAIN\\user or user@REALM) and the password, and for Kerberos "
		    "the host's service principal (spn)", gssauth_mech_name(g), detail);
	else
		hosterr_set(err, HOSTERR_AUTH, "%s authentication failed at %s: %s%s%s",
		    gssauth_mech_name(g), stage, mtxt, ntxt[0] != '\0' ? ": " : "", ntxt);
	free(mtxt);
	free(ntxt);
}

const char *
gssauth_mech_option(enum gssauth_mech m)
{
	switch (m) {
	case GSSAUTH_KERBEROS:
		return "kerberos";
	case GSSAUTH_NTLM:
		return "ntlm";
	case GSSAUTH_NEGOTIATE:
		break;
	}
	return "negotiate";
}

bool
gssauth_is_ip(const char *s)
{
	unsigned char buf[16];
	char tmp[64];
	size_t n;

	if (s == NULL)
		return false;
	if (s[0] == '[') {
		n = strcspn(s + 1, "]");
		if (n >= sizeof tmp)
			return false;
		memcpy(tmp, s + 1, n);
		tmp[n] = '\0';
		return inet_pton(AF_INET6, tmp, buf) == 1;
	}
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

struct gssauth *
gssauth_client_new(const struct gssauth_opts *o)
{
	struct gssauth *g = xcalloc(1, sizeof *g);
	const char *h = o->host != NULL ? o->host : "localhost";

	g->mech = o->mech;
	g->host = xstrdup(h);
	if (g->host[0] == '[') {
		memmove(g->host, g->host + 1, strlen(g->host));
		g->host[strcspn(g->host, "]")] = '\0';
	}
	g->spn = o->spn != NULL ? xstrdup(o->spn) : xasprintf("HTTP/%s", g->host);
	g->user = o->user != NULL ? xstrdup(o->user) : NULL;
	g->password = o->password != NULL ? xstrdup(o->password) : NULL;
	g->ctx = GSS_C_NO_CONTEXT;
	g->cred = GSS_C_NO_CREDENTIAL;
	g->target = GSS_C_NO_NAME;
	gssauth_set_channel_binding(g, o->cb, o->cb_len);
	return g;
}

struct gssauth *
gssauth_server_new(void)
{
	struct gssauth *g = xcalloc(1, sizeof *g);

	g->server = true;
	g->ctx = GSS_C_NO_CONTEXT;
	g->cred = GSS_C_NO_CREDENTIAL;
	g->target = GSS_C_NO_NAME;
	return g;
}

void
gssauth_set_channel_binding(struct gssauth *g, const void *cb, size_t len)
{
	free(g->cb);
	g->cb = NULL;
	g->cb_len = 0;
	if (cb != NULL && len > 0) {
		g->cb = xmalloc(len);
		memcpy(g->cb, cb, len);
		g->cb_len = len;
	}
}

void
gssauth_reset(struct gssauth *g)
{
	OM_uint32 min;

	if (g == NULL)
		return;
	if (g->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&min, &g->ctx, GSS_C_NO_BUFFER);
	g->ctx = GSS_C_NO_CONTEXT;
	g->started = g->complete = g->known = g->ntlm = false;
	cfx_key_free(g->cfx);
	g->cfx = NULL;
	g->cfx_tried = false;
	cfx_key_free(g->cfx_tx);
	g->cfx_tx = NULL;
	g->cfx_tx_tried = false;
	free(g->peer);
	g->peer = NULL;
}

void
gssauth_free(struct gssauth *g)
{
	OM_uint32 min;

	if (g == NULL)
		return;
	gssauth_reset(g);
	if (g->cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&min, &g->cred);
	if (g->target != GSS_C_NO_NAME)
		gss_release_name(&min, &g->target);
	free(g->host);
	free(g->spn);
	free(g->user);
	xfree_secret(g->password);
	free(g->cb);
	free(g);
}

bool
gssauth_ready(const struct gssauth *g)
{
	return g != NULL && g->complete;
}

bool
gssauth_started(const struct gssauth *g)
{
	return g != NULL && g->started;
}

const char *
gssauth_mech_name(const struct gssauth *g)
{
	if (g->known)
		return g->ntlm ? "NTLM" : "Kerberos";
	switch (g->mech) {
	case GSSAUTH_KERBEROS:
		return "Kerberos";
	case GSSAUTH_NTLM:
		return "NTLM";
	case GSSAUTH_NEGOTIATE:
		break;
	}
	return "Negotiate";
}

const char *
gssauth_unseal_path(const struct gssauth *g, size_t *header_len)
{
	*header_len = g->unseal_header;
	return g->unseal_path != NULL ? g->unseal_path : "GSS-API";
}

const char *
gssauth_peer(const struct gssauth *g)
{
	return g->peer;
}

int
gssauth_tls_endpoint(const char *pem, size_t pem_len, unsigned char **out, size_t *out_len)
{
	static const char prefix[] = "tls-server-end-point:";
	BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
	X509 *cert = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	int md_nid = NID_undef, pk_nid = NID_undef;
	const EVP_MD *md;
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int rc = -1;

	if (cert != NULL && OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid, &pk_nid) == 1) {
		if (md_nid == NID_md5 || md_nid == NID_sha1 || md_nid == NID_undef)
			md_nid = NID_sha256;
		md = EVP_get_digestbynid(md_nid);
		if (md != NULL && X509_digest(cert, md, hash, &n) == 1) {
			*out_len = sizeof prefix - 1 + n;
			*out = xmalloc(*out_len);
			memcpy(*out, prefix, sizeof prefix - 1);
			memcpy(*out + sizeof prefix - 1, hash, n);
			rc = 0;
		}
	}
	X509_free(cert);
	BIO_free(bio);
	return rc;
}

bool
gssauth_have_ticket(void)
{
	OM_uint32 maj, min, life = 0;
	gss_OID_set_desc set = { 1, &gssauth_oid_krb5 };
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;

	maj = gss_acquire_cred(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE, &set, GSS_C_INITIATE, &cred,
	    NULL, &life);
	if (cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&min, &cred);
	return !GSS_ERROR(maj) && life > 0;
}

/* The mechanism actually used: NEGOTIATE with an IP address and no spn means NTLM. */
static enum gssauth_mech
gssauth_effective(const struct gssauth *g)
{
	if (g->mech == GSSAUTH_NEGOTIATE && gssauth_is_ip(g->host) &&
	    strncmp(g->spn, "HTTP/", 5) == 0 && strcmp(g->spn + 5, g->host) == 0)
		return GSSAUTH_NTLM;
	return g->mech;
}

/* The name to acquire Kerberos credentials for: DOMAIN\user becomes user (default realm). */
static const char *
gssauth_krb5_user(const char *user)
{
	const char *bs = strchr(user, '\\');

	return bs != NULL ? bs + 1 : user;
}

/* Import the target name and acquire credentials before the first token. */
static int
gssauth_client_prepare(struct gssauth *g, enum gssauth_mech eff, struct hosterr *err)
{
	OM_uint32 maj, min, rmin;
	gss_buffer_desc nb;
	gss_OID_set_desc set;
	char *svc;
	const char *slash = strchr(g->spn, '/');

	if (g->target == GSS_C_NO_NAME) {
		if (slash != NULL && strchr(slash, '@') == NULL) {
			svc = xasprintf("%.*s@%s", (int)(slash - g->spn), g->spn, slash + 1);
			nb.value = svc;
			nb.length = strlen(svc);
			maj = gss_import_name(&min, &nb, GSS_C_NT_HOSTBASED_SERVICE, &g->target);
		} else {
			svc = xstrdup(g->spn);
			nb.value = svc;
			nb.length = strlen(svc);
			maj = gss_import_name(&min, &nb, slash != NULL ? GSS_KRB5_NT_PRINCIPAL_NAME :
			    GSS_C_NT_HOSTBASED_SERVICE, &g->target);
		}
		free(svc);
		if (GSS_ERROR(maj)) {
			g->target = GSS_C_NO_NAME;
			hosterr_set(err, HOSTERR_AUTH, "the service principal name '%s' is not usable: "
			    "write it as HTTP/host.domain", g->spn);
			return -1;
		}
	}
	if (g->cred != GSS_C_NO_CREDENTIAL) {
		/* credentials from a password are acquired again for each context: a
		 * ticket they produced may have expired since */
		if (!g->used_password)
			return 0;
		gss_release_cred(&min, &g->cred);
		g->cred = GSS_C_NO_CREDENTIAL;
	}
	g->used_password = false;
	set.count = 1;
	set.elements = eff == GSSAUTH_KERBEROS ? &gssauth_oid_krb5 :
	    eff == GSSAUTH_NTLM ? &gssauth_oid_ntlm : &gssauth_oid_spnego;
	if (g->password != NULL && g->user != NULL &&
	    (eff == GSSAUTH_NTLM || !gssauth_have_ticket())) {
		gss_name_t uname = GSS_C_NO_NAME;
		gss_buffer_desc pw = { strlen(g->password), g->password };
		const char *u = eff == GSSAUTH_KERBEROS ? gssauth_krb5_user(g->user) : g->user;

		nb.value = (void *)u;
		nb.length = strlen(u);
		maj = gss_import_name(&min, &nb, GSS_C_NT_USER_NAME, &uname);
		if (GSS_ERROR(maj)) {
			hosterr_set(err, HOSTERR_AUTH, "the user name '%s' is not usable: write it as "
			    "DOMAIN\\user or user@REALM", g->user);
			return -1;
		}
		if (eff == GSSAUTH_NEGOTIATE)
			maj = gss_acquire_cred_with_password(&min, uname, &pw, GSS_C_INDEFINITE, &set,
			    GSS_C_INITIATE, &g->cred, NULL, NULL);
		else	/* one mechanism: its own minor code reaches the message */
			maj = gss_add_cred_with_password(&min, GSS_C_NO_CREDENTIAL, uname,
			    set.elements, &pw, GSS_C_INITIATE, GSS_C_INDEFINITE, 0, &g->cred, NULL,
			    NULL, NULL);
		gss_release_name(&rmin, &uname);
		if (GSS_ERROR(maj)) {
			g->cred = GSS_C_NO_CREDENTIAL;
			gssauth_explain(g, "acquiring credentials", maj, min, err);
			return -1;
		}
		g->used_password = true;
		return 0;
	}
	if (eff == GSSAUTH_KERBEROS) {
		/* the ticket cache: a clear message now rather than a vague one later */
		maj = gss_acquire_cred(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE, &set, GSS_C_INITIATE,
		    &g->cred, NULL, NULL);
		if (GSS_ERROR(maj)) {
			g->cred = GSS_C_NO_CREDENTIAL;
			gssauth_explain(g, "acquiring credentials", maj, min, err);
			return -1;
		}
	}
	return 0;
}

/* Record which mechanism the complete context uses. */
static void
gssauth_learn_mech(struct gssauth *g, gss_OID mech)
{
	OM_uint32 min;
	gss_OID m = mech;

	if (m == GSS_C_NO_OID || (m->length == gssauth_oid_spnego.length &&
	    memcmp(m->elements, gssauth_oid_spnego.elements, m->length) == 0))
		gss_inquire_context(&min, g->ctx, NULL, NULL, NULL, &m, NULL, NULL, NULL);
	g->ntlm = m != GSS_C_NO_OID && m->length == gssauth_oid_ntlm.length &&
	    memcmp(m->elements, gssauth_oid_ntlm.elements, m->length) == 0;
	g->known = true;
}

/* Acceptor: remember the authenticated client's name. */
static void
gssauth_learn_peer(struct gssauth *g, gss_name_t src)
{
	OM_uint32 min;
	gss_buffer_desc b = GSS_C_EMPTY_BUFFER;

	free(g->peer);
	g->peer = NULL;
	if (src != GSS_C_NO_NAME && !GSS_ERROR(gss_display_name(&min, src, &b, NULL))) {
		g->peer = xstrndup(b.value, b.length);
		gss_release_buffer(&min, &b);
	}
}

int
gssauth_step(struct gssauth *g, const char *in_b64, char **out_b64, struct hosterr *err)
{
	OM_uint32 maj, min, rmin, flags = 0;
	gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
	unsigned char *tok = NULL;
	size_t toklen = 0;
	gss_OID mech = GSS_C_NO_OID;
	struct gss_channel_bindings_struct cbs;
	const char *stage = g->final ? "mutual" : g->started ? "the server's challenge" : "start";

	*out_b64 = NULL;
	if (in_b64 != NULL && in_b64[0] != '\0') {
		if (gssauth_b64_decode(in_b64, &tok, &toklen) != 0) {
			hosterr_set(err, g->server ? HOSTERR_AUTH : HOSTERR_PROTOCOL,
			    "the Negotiate token is not valid base64");
			return -1;
		}
		in.value = tok;
		in.length = toklen;
	}
	if (g->server) {
		gss_name_t src = GSS_C_NO_NAME;

		if (in.length == 0) {
			hosterr_set(err, HOSTERR_AUTH, "no Negotiate token");
			return -1;
		}
		memset(&cbs, 0, sizeof cbs);
		if (g->cb != NULL) {
			cbs.application_data.value = g->cb;
			cbs.application_data.length = g->cb_len;
		}
		maj = gss_accept_sec_context(&min, &g->ctx, GSS_C_NO_CREDENTIAL, &in,
		    g->cb != NULL ? &cbs : GSS_C_NO_CHANNEL_BINDINGS, &src, &mech, &out, &flags,
		    NULL, NULL);
		free(tok);
		g->started = true;
		if (out.length > 0)
			*out_b64 = gssauth_b64_encode(out.value, out.length);
		gss_release_buffer(&rmin, &out);
		if (GSS_ERROR(maj)) {
			if (src != GSS_C_NO_NAME)
				gss_release_name(&rmin, &src);
			gssauth_explain(g, "accepting the client's token", maj, min, err);
			return -1;
		}
		if (maj & GSS_S_CONTINUE_NEEDED) {
			if (src != GSS_C_NO_NAME)
				gss_release_name(&min, &src);
			return 1;
		}
		gssauth_learn_peer(g, src);
		gss_release_name(&min, &src);
		gssauth_learn_mech(g, mech);
		g->complete = true;
		return 0;
	}
	if (!g->started) {
		enum gssauth_mech eff = gssauth_effective(g);

		if (eff == GSSAUTH_KERBEROS && gssauth_is_ip(g->host) &&
		    strncmp(g->spn, "HTTP/", 5) == 0 && strcmp(g->spn + 5, g->host) == 0) {
			free(tok);
			hosterr_set(err, HOSTERR_AUTH, "Kerberos cannot work with an IP address (no "
			    "service principal exists for one): use the host's DNS name, set spn, or "
			    "use --auth ntlm");
			return -1;
		}
		if (gssauth_client_prepare(g, eff, err) != 0) {
			free(tok);
			return -1;
		}
		g->mech = g->mech == GSSAUTH_NEGOTIATE && eff == GSSAUTH_NTLM ? GSSAUTH_NTLM : g->mech;
	}
	memset(&cbs, 0, sizeof cbs);
	if (g->cb != NULL) {
		cbs.application_data.value = g->cb;
		cbs.application_data.length = g->cb_len;
	}
	maj = gss_init_sec_context(&min, g->cred, &g->ctx, g->target,
	    g->mech == GSSAUTH_KERBEROS ? &gssauth_oid_krb5 :
	    g->mech == GSSAUTH_NTLM ? &gssauth_oid_ntlm : &gssauth_oid_spnego,
	    GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG |
	    GSS_C_INTEG_FLAG, 0, g->cb != NULL ? &cbs : GSS_C_NO_CHANNEL_BINDINGS,
	    in.length > 0 ? &in : GSS_C_NO_BUFFER, &mech, &out, &flags, NULL);
	free(tok);
	g->started = true;
	if (GSS_ERROR(maj)) {
		gss_release_buffer(&rmin, &out);
		gssauth_explain(g, stage, maj, min, err);
		return -1;
	}
	if (out.length > 0)
		*out_b64 = gssauth_b64_encode(out.value, out.length);
	gss_release_buffer(&min, &out);
	if (maj & GSS_S_CONTINUE_NEEDED)
		return 1;
	if (!(flags & GSS_C_CONF_FLAG) || !(flags & GSS_C_INTEG_FLAG)) {
		free(*out_b64);
		*out_b64 = NULL;
		hosterr_set(err, HOSTERR_AUTH, "the %s context offers no encryption, which WinRM "
		    "needs on plain HTTP: use another scheme or HTTPS", gssauth_mech_name(g));
		return -1;
	}
	gssauth_learn_mech(g, mech);
	g->complete = true;
	return 0;
}

int
gssauth_step_final(struct gssauth *g, const char *in_b64, struct hosterr *err)
{
	char *out = NULL;
	int rc;

	g->final = true;
	rc = gssauth_step(g, in_b64, &out, err);
	g->final = false;
	free(out);
	if (rc > 0) {
		hosterr_set(err, HOSTERR_AUTH, "the server's mutual authentication token does not "
		    "complete the %s handshake", gssauth_mech_name(g));
		return -1;
	}
	return rc;
}

/*
 * After GSS-API sealed our first request (its token header in hdr): seal the next
 * ones with OpenSSL when the layout is the one cfx writes (AES, RRC 28, no
 * padding), from the next sequence number on.
 */
static void
gssauth_cfx_tx_setup(struct gssauth *g, const unsigned char *hdr, size_t hlen, size_t padlen)
{
	uint64_t seq = 0;

	g->cfx_tx_tried = true;
	if (hlen != CFX_SEAL_HEADER || padlen != 0 || hdr[0] != 0x05 || hdr[1] != 0x04 ||
	    hdr[4] != 0 || hdr[5] != 0 || hdr[6] != 0 || hdr[7] != CFX_SEAL_RRC)
		return;
	for (size_t i = 8; i < 16; i++)
		seq = seq << 8 | hdr[i];
	g->cfx_tx = gssauth_cfx_key(g, CFX_USAGE_INITIATOR_SEAL);
	g->cfx_tx_next = seq + 1;
	g->cfx_tx_flags = hdr[2];
}

int
gssauth_seal(struct gssauth *g, const void *plain, size_t len, const char *charset,
    struct strbuf *out, struct hosterr *err)
{
	OM_uint32 maj, min, rmin;
	int conf = 0;

	if (!g->complete) {
		hosterr_set(err, HOSTERR_LOCAL, "no security context to encrypt with");
		return -1;
	}
	if (!g->ntlm && g->cfx_tx != NULL && !g->server) {
		unsigned char hdr[CFX_SEAL_HEADER], *data = xmalloc(len ? len : 1);

		if (cfx_seal(g->cfx_tx, g->cfx_tx_flags, g->cfx_tx_next, plain, len, hdr, data) == 0) {
			g->cfx_tx_next++;
			wsman_crypt_frame(out, len, charset, hdr, sizeof hdr, data, len);
			free(data);
			return 0;
		}
		free(data);
		hosterr_set(err, HOSTERR_LOCAL, "cannot encrypt the request (OpenSSL failed)");
		return -1;
	}
	if (!g->ntlm) {
		gss_iov_buffer_desc iov[3];
		unsigned char *data = xmalloc(len ? len : 1);

		memcpy(data, plain, len);
		memset(iov, 0, sizeof iov);
		iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER | GSS_IOV_BUFFER_FLAG_ALLOCATE;
		iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
		iov[1].buffer.value = data;
		iov[1].buffer.length = len;
		iov[2].type = GSS_IOV_BUFFER_TYPE_PADDING | GSS_IOV_BUFFER_FLAG_ALLOCATE;
		/* Kerberos: DCE style, header then data, no trailer buffer (Windows' layout) */
		maj = gss_wrap_iov(&min, g->ctx, 1, GSS_C_QOP_DEFAULT, &conf, iov, 3);
		if (!GSS_ERROR(maj) && conf) {
			struct strbuf sealed;

			strbuf_init(&sealed);
			strbuf_add(&sealed, data, len);
			strbuf_add(&sealed, iov[2].buffer.value, iov[2].buffer.length);
			wsman_crypt_frame(out, len, charset, iov[0].buffer.value, iov[0].buffer.length,
			    sealed.s, sealed.len);
			if (!g->server && !g->cfx_tx_tried)
				gssauth_cfx_tx_setup(g, iov[0].buffer.value, iov[0].buffer.length,
				    iov[2].buffer.length);
			strbuf_done(&sealed);
			gss_release_iov_buffer(&min, iov, 3);
			free(data);
			return 0;
		}
		gss_release_iov_buffer(&rmin, iov, 3);
		free(data);
		if (maj != GSS_S_UNAVAILABLE) {
			gssauth_explain(g, "encrypting", GSS_ERROR(maj) ? maj : GSS_S_FAILURE, min, err);
			return -1;
		}
		g->ntlm = true;	/* gss-ntlmssp has no wrap_iov */
	}
	{
		gss_buffer_desc in = { len, (void *)plain }, w = GSS_C_EMPTY_BUFFER;

		maj = gss_wrap(&min, g->ctx, 1, GSS_C_QOP_DEFAULT, &in, &conf, &w);
		if (GSS_ERROR(maj) || !conf || w.length < GSSAUTH_NTLM_SIG) {
			gss_release_buffer(&rmin, &w);
			gssauth_explain(g, "encrypting", GSS_ERROR(maj) ? maj : GSS_S_FAILURE, min, err);
			return -1;
		}
		wsman_crypt_frame(out, len, charset, w.value, GSSAUTH_NTLM_SIG,
		    (unsigned char *)w.value + GSSAUTH_NTLM_SIG, w.length - GSSAUTH_NTLM_SIG);
		gss_release_buffer(&min, &w);
	}
	return 0;
}

/* The sealed message does not decrypt: say so (protocol error). */
static int
gssauth_unseal_failed(OM_uint32 maj, struct hosterr *err)
{
	char *t = gssauth_status_text(GSS_ERROR(maj) ? maj : GSS_S_BAD_SIG, GSS_C_GSS_CODE,
	    GSS_C_NO_OID);

	hosterr_set(err, HOSTERR_PROTOCOL, "the encrypted message does not decrypt (%s): "
	    "it was altered, or the security context is out of step", t);
	free(t);
	return -1;
}

/*
 * Kerberos: decrypt the sealed data in place (gss_unwrap_iov, HEADER then DATA:
 * the layout Windows and we send), no copy. 1 when the mechanism has no IOV
 * unwrap (NTLM), 0 with *n the decrypted length, -1 with err.
 */
static int
gssauth_unseal_iov(struct gssauth *g, const struct wsman_crypt_msg *m, size_t *n,
    struct hosterr *err)
{
	gss_iov_buffer_desc iov[3];
	OM_uint32 maj, min;
	int conf = 0;

	memset(iov, 0, sizeof iov);
	iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER;
	iov[0].buffer.value = (void *)m->header;
	iov[0].buffer.length = m->header_len;
	iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
	iov[1].buffer.value = (void *)m->data;
	iov[1].buffer.length = m->data_len;
	iov[2].type = GSS_IOV_BUFFER_TYPE_DATA;
	maj = gss_unwrap_iov(&min, g->ctx, &conf, NULL, iov, 3);
	if (maj == GSS_S_UNAVAILABLE)
		return 1;
	if (GSS_ERROR(maj) || !conf || (maj & GSSAUTH_OUT_OF_SEQUENCE))
		return gssauth_unseal_failed(GSS_ERROR(maj) ? maj : GSS_S_FAILURE, err);
	*n = iov[1].buffer.length;
	return 0;
}

/*
 * After the first answer GSS-API unsealed (sequence number seq): take the session
 * key for the OpenSSL path when it is AES with HMAC-SHA1 (enctypes 17 and 18).
 */
/* Keys for the OpenSSL path from the context's session key when it is AES-SHA1, else NULL. */
static struct cfx_key *
gssauth_cfx_key(struct gssauth *g, unsigned usage)
{
	OM_uint32 min;
	gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
	struct cfx_key *k = NULL;

	if (GSS_ERROR(gss_inquire_sec_context_by_oid(&min, g->ctx, GSS_C_INQ_SSPI_SESSION_KEY,
	    &set)) || set == GSS_C_NO_BUFFER_SET)
		return NULL;
	if (set->count >= 2 && set->elements[1].length > 0) {
		const unsigned char *oid = set->elements[1].value;
		unsigned etype = oid[set->elements[1].length - 1];

		if (etype == 17 || etype == 18)
			k = cfx_key_new(set->elements[0].value, set->elements[0].length, usage);
	}
	gss_release_buffer_set(&min, &set);
	return k;
}

/* After the first answer GSS-API unsealed (sequence number seq): the OpenSSL path. */
static void
gssauth_cfx_setup(struct gssauth *g, uint64_t seq)
{
	g->cfx_tried = true;
	g->cfx = gssauth_cfx_key(g, CFX_USAGE_ACCEPTOR_SEAL);
	g->cfx_next = seq + 1;
}

int
gssauth_unseal(struct gssauth *g, void *body, size_t len, const char **plain, size_t *plain_len,
    bool *utf16, struct hosterr *err)
{
	struct wsman_crypt_msg m;
	char *cause = NULL;
	size_t n = 0;
	int rc = 1;

	if (!g->complete) {
		hosterr_set(err, HOSTERR_PROTOCOL, "an encrypted message arrived before the "
		    "security context was complete");
		return -1;
	}
	if (wsman_crypt_parse(body, len, &m, &cause) != 0) {
		hosterr_set(err, HOSTERR_PROTOCOL, "%s", cause);
		free(cause);
		return -1;
	}
	g->unseal_path = "GSS-API";
	g->unseal_header = m.header_len;
	if (!g->server && g->cfx != NULL && m.header_len >= 16) {
		uint64_t seq = 0;

		/* the OpenSSL path; a token it does not verify goes to GSS-API, which then
		 * refuses it (or finds it in sequence when this path is what failed) */
		if (cfx_unseal(g->cfx, m.header, m.header_len, (unsigned char *)m.data, m.data_len,
		    &n, &seq) == 0 && seq == g->cfx_next) {
			g->cfx_next++;
			g->unseal_path = "OpenSSL";
			rc = 0;
		} else {
			cfx_key_free(g->cfx);
			g->cfx = NULL;
		}
	}
	if (rc > 0 && !g->ntlm) {
		uint64_t seq = 0;

		for (size_t i = 8; i < 16 && m.header_len >= 16; i++)
			seq = seq << 8 | m.header[i];
		if ((rc = gssauth_unseal_iov(g, &m, &n, err)) < 0)
			return -1;
		if (rc == 0 && !g->server && !g->cfx_tried && m.header_len >= 16 &&
		    m.header[0] == 0x05 && m.header[1] == 0x04)
			gssauth_cfx_setup(g, seq);
	}
	if (rc > 0) {
		/* NTLM (gss-ntlmssp has no IOV unwrap): signature || sealed data is the
		 * token, decrypted into a new buffer, copied back over the sealed data */
		OM_uint32 maj, min;
		gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
		unsigned char *tok = xmalloc(m.header_len + m.data_len);
		int conf = 0;

		g->ntlm = true;
		memcpy(tok, m.header, m.header_len);
		memcpy(tok + m.header_len, m.data, m.data_len);
		in.value = tok;
		in.length = m.header_len + m.data_len;
		maj = gss_unwrap(&min, g->ctx, &in, &out, &conf, NULL);
		free(tok);
		if (GSS_ERROR(maj) || !conf || (maj & GSSAUTH_OUT_OF_SEQUENCE) ||
		    out.length > m.data_len) {
			gss_release_buffer(&min, &out);
			return gssauth_unseal_failed(GSS_ERROR(maj) ? maj : GSS_S_BAD_SIG, err);
		}
		n = out.length;
		memcpy((void *)m.data, out.value, n);
		gss_release_buffer(&min, &out);
	}
	if (n < m.plain_len || n - m.plain_len > GSSAUTH_MAX_PAD) {
		hosterr_set(err, HOSTERR_PROTOCOL, "the decrypted message has %zu bytes where its "
		    "header announced %zu: refused", n, m.plain_len);
		return -1;
	}
	/* RC4 padding is cut here; the text ends with a NUL inside the body buffer */
	((char *)m.data)[m.plain_len] = '\0';
	*plain = (const char *)m.data;
	*plain_len = m.plain_len;
	*utf16 = m.utf16;
	return 0;
}
