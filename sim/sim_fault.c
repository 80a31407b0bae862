#include "config.h"

#include "sim/sim_fault.h"
#include "sim/sim_net.h"
#include "sim/sim_render.h"
#include "src/xalloc.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Fault kind names, indexed by enum sim_fault_kind. */
static const char *const sim_fault_names[SIM_FK_COUNT] = {
	[SIM_FK_NONE] = "none",
	[SIM_FK_TIMEOUT] = "timeout",
	[SIM_FK_REFUSED] = "refused",
	[SIM_FK_RESET] = "reset",
	[SIM_FK_500] = "500",
	[SIM_FK_401] = "401",
	[SIM_FK_503] = "503",
	[SIM_FK_NOPROVIDER] = "noprovider",
	[SIM_FK_DENIED] = "denied",
	[SIM_FK_TRUNCATE] = "truncate",
	[SIM_FK_MALFORMED] = "malformed",
	[SIM_FK_TRICKLE] = "trickle",
};

_Static_assert(sizeof sim_fault_names / sizeof sim_fault_names[0] == SIM_FK_COUNT,
    "one name per fault kind");

#define SIM_MAX_ARGS 16

/* Query arguments: from a control connection or from a --fault spec. */
struct sim_args {
	struct MHD_Connection *conn;
	char	*copy;
	const char *keys[SIM_MAX_ARGS];
	const char *vals[SIM_MAX_ARGS];
	int	 n;
};

/* Kind for a name ("latency" is not a kind and gives SIM_FK_NONE); -1 unknown. */
static int
sim_fault_kind_parse(const char *name)
{
	static const struct { const char *alias; int kind; } aliases[] = {
		{ "latency", SIM_FK_NONE }, { "provider-missing", SIM_FK_NOPROVIDER },
		{ "access-denied", SIM_FK_DENIED }, { "truncated", SIM_FK_TRUNCATE },
		{ "slow", SIM_FK_TRICKLE }, { "error", SIM_FK_500 },
	};

	for (int k = 1; k < SIM_FK_COUNT; k++)
		if (strcasecmp(name, sim_fault_names[k]) == 0)
			return k;
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcasecmp(name, aliases[i].alias) == 0)
			return aliases[i].kind;
	return -1;
}

/* Name of a fault kind, as /fault takes it. */
static const char *
sim_fault_kind_name(enum sim_fault_kind kind)
{
	return kind < SIM_FK_COUNT ? sim_fault_names[kind] : "?";
}

/* The fault for the request that just arrived (uses up count, draws prob). */
enum sim_fault_kind
sim_fault_pick(struct sim_server *srv, struct sim_site *site)
{
	struct sim_fault_state *f = &site->fault;

	if (f->kind == SIM_FK_NONE || f->kind == SIM_FK_REFUSED)
		return SIM_FK_NONE;
	if (f->prob < 1.0 &&
	    (double)(sim_rand_next(&srv->rng) >> 11) / 9007199254740992.0 >= f->prob)
		return SIM_FK_NONE;
	if (f->count > 0 && --f->count == 0) {
		enum sim_fault_kind k = f->kind;

		f->kind = SIM_FK_NONE;
		return k;
	}
	return f->kind;
}

/* Value of key, or NULL. */
static const char *
sim_arg(const struct sim_args *a, const char *key)
{
	if (a->conn != NULL)
		return MHD_lookup_connection_value(a->conn, MHD_GET_ARGUMENT_KIND, key);
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->keys[i], key) == 0)
			return a->vals[i];
	return NULL;
}

/* Split "k=v&k=v" into a (a->copy owns the storage). */
static void
sim_args_split(struct sim_args *a, const char *spec)
{
	char *save = NULL;

	memset(a, 0, sizeof *a);
	a->copy = xstrdup(spec);
	for (char *tok = strtok_r(a->copy, "&", &save); tok != NULL && a->n < SIM_MAX_ARGS;
	    tok = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(tok, '=');

		if (eq != NULL)
			*eq++ = '\0';
		a->keys[a->n] = tok;
		a->vals[a->n++] = eq != NULL ? eq : "";
	}
}

/* Parse an unsigned argument; dflt when absent; -1 when malformed. */
static int
sim_arg_uint(const struct sim_args *a, const char *key, unsigned dflt, unsigned *out,
    char **cause)
{
	const char *v = sim_arg(a, key);
	char *end;
	unsigned long n;

	*out = dflt;
	if (v == NULL)
		return 0;
	n = strtoul(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n > 86400000ul) {
		*cause = xasprintf("bad %s=%s", key, v);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

/* The hosts named by host= (N, N,M,..., all) or frac=; a malloc'd list. */
static int *
sim_args_hosts(struct sim_server *srv, const struct sim_args *a, int *count, char **cause)
{
	const char *host = sim_arg(a, "host"), *frac = sim_arg(a, "frac");
	int *list = xcalloc((size_t)srv->nsites + 1, sizeof *list);
	int n = 0;

	if (frac != NULL) {
		char *end;
		double f = strtod(frac, &end);
		int want;

		if (*frac == '\0' || *end != '\0' || f < 0 || f > 1) {
			*cause = xasprintf("bad frac=%s", frac);
			free(list);
			return NULL;
		}
		want = (int)(f * srv->nsites + 0.5);
		if (want == 0 && f > 0)
			want = 1;
		for (int i = 0; i < srv->nsites; i++)
			list[i] = i;
		/* a seeded partial shuffle: the first want entries are the choice */
		for (int i = 0; i < want; i++) {
			int j = i + (int)sim_rand_below(&srv->rng, (uint64_t)(srv->nsites - i));
			int t = list[i];

			list[i] = list[j];
			list[j] = t;
		}
		*count = want;
		return list;
	}
	if (host == NULL) {
		*cause = xstrdup("host= or frac= is required");
		free(list);
		return NULL;
	}
	if (strcmp(host, "all") == 0) {
		for (int i = 0; i < srv->nsites; i++)
			list[n++] = i;
		*count = n;
		return list;
	}
	for (const char *p = host; *p != '\0';) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p || v < 0 || v >= srv->nsites || (*end != ',' && *end != '\0') ||
		    n >= srv->nsites) {
			*cause = xasprintf("bad host=%s (hosts are 0..%d)", host, srv->nsites - 1);
			free(list);
			return NULL;
		}
		list[n++] = (int)v;
		p = *end == ',' ? end + 1 : end;
	}
	*count = n;
	return list;
}

/* Install the rule in a on the hosts it names. */
static int
sim_fault_apply(struct sim_server *srv, const struct sim_args *a, struct strbuf *out,
    char **cause)
{
	const char *kname = sim_arg(a, "kind"), *prob = sim_arg(a, "prob");
	int kind, *hosts, nhosts = 0;
	unsigned ms, bytes, count;
	double p = 1.0;

	if (kname == NULL || (kind = sim_fault_kind_parse(kname)) < 0) {
		*cause = xasprintf("unknown kind=%s", kname != NULL ? kname : "");
		return -1;
	}
	if (sim_arg_uint(a, "ms", 0, &ms, cause) != 0 ||
	    sim_arg_uint(a, "bytes", 0, &bytes, cause) != 0 ||
	    sim_arg_uint(a, "count", 0, &count, cause) != 0)
		return -1;
	if (kind == SIM_FK_NONE && ms == 0) {
		*cause = xstrdup("kind=latency needs ms=");
		return -1;
	}
	if (prob != NULL) {
		char *end;

		p = strtod(prob, &end);
		if (*prob == '\0' || *end != '\0' || p < 0 || p > 1) {
			*cause = xasprintf("bad prob=%s", prob);
			return -1;
		}
	}
	hosts = sim_args_hosts(srv, a, &nhosts, cause);
	if (hosts == NULL)
		return -1;
	for (int i = 0; i < nhosts; i++) {
		struct sim_site *s = &srv->sites[hosts[i]];

		if (kind == SIM_FK_NONE) {
			s->fault.latency_ms = ms;
		} else {
			s->fault.kind = (enum sim_fault_kind)kind;
			s->fault.ms = ms;
			s->fault.bytes = bytes;
			s->fault.prob = p;
			s->fault.count = kind == SIM_FK_REFUSED ? 0 : count;
			if (kind == SIM_FK_REFUSED)
				sim_net_site_close(srv, s);
		}
		if (out != NULL)
			strbuf_addf(out, "host %d %s\n", s->index, kind == SIM_FK_NONE ?
			    "latency" : sim_fault_kind_name((enum sim_fault_kind)kind));
	}
	free(hosts);
	return 0;
}

/* Apply a rule in /fault query syntax (--fault); changed hosts listed in out. */
int
sim_fault_apply_spec(struct sim_server *srv, const char *spec, struct strbuf *out,
    char **cause)
{
	struct sim_args a;
	int rc;

	sim_args_split(&a, spec);
	rc = sim_fault_apply(srv, &a, out, cause);
	free(a.copy);
	return rc;
}

/* /clear: drop every rule on the hosts named, listening again if refused. */
static int
sim_control_clear(struct sim_server *srv, const struct sim_args *a, struct strbuf *out,
    char **cause)
{
	int n = 0, *hosts = sim_args_hosts(srv, a, &n, cause);

	if (hosts == NULL)
		return -1;
	for (int i = 0; i < n; i++) {
		struct sim_site *s = &srv->sites[hosts[i]];

		memset(&s->fault, 0, sizeof s->fault);
		s->fault.prob = 1.0;
		if (!s->listening && sim_net_site_reopen(srv, s, cause) != 0) {
			free(hosts);
			return -1;
		}
		strbuf_addf(out, "host %d clear\n", s->index);
	}
	free(hosts);
	return 0;
}

/* One host index from host=, for /jobs and /stats. */
static struct sim_site *
sim_control_site(struct sim_server *srv, const struct sim_args *a, char **cause)
{
	const char *h = sim_arg(a, "host");
	char *end;
	long v;

	if (h == NULL) {
		*cause = xstrdup("host= is required");
		return NULL;
	}
	v = strtol(h, &end, 10);
	if (*h == '\0' || *end != '\0' || v < 0 || v >= srv->nsites) {
		*cause = xasprintf("bad host=%s (hosts are 0..%d)", h, srv->nsites - 1);
		return NULL;
	}
	return &srv->sites[v];
}

/* /jobs: one TSV line per job of the host. */
static void
sim_control_jobs(struct sim_server *srv, struct sim_site *s, struct strbuf *out)
{
	sim_site_touch(srv, s);
	for (size_t i = 0; i < s->host.njobs; i++) {
		const struct sim_job *j = s->host.jobs[i];

		strbuf_addf(out, "%s\t%d\t%" PRIu32 "\t%" PRIu64 "\t%" PRIu64 "\t", j->job_id,
		    (int)j->state, j->priority, sim_job_bytes_transferred(j),
		    sim_job_bytes_total(j));
		for (const char *c = j->display_name; *c != '\0'; c++)
			strbuf_addc(out, *c == '\t' || *c == '\n' || *c == '\r' ? ' ' : *c);
		strbuf_addc(out, '\n');
	}
}

/* Answer a control request: set *status and put the text answer in out. */
void
sim_control_handle(struct sim_server *srv, struct MHD_Connection *conn,
    const char *path, int *status, struct strbuf *out)
{
	struct sim_args a = { .conn = conn };
	char *cause = NULL;
	int rc = 0;

	*status = 200;
	if (strcmp(path, "/fault") == 0) {
		rc = sim_fault_apply(srv, &a, out, &cause);
	} else if (strcmp(path, "/clear") == 0) {
		rc = sim_control_clear(srv, &a, out, &cause);
	} else if (strcmp(path, "/jobs") == 0 || strcmp(path, "/stats") == 0) {
		struct sim_site *s = sim_control_site(srv, &a, &cause);

		if (s == NULL)
			rc = -1;
		else if (path[1] == 'j')
			sim_control_jobs(srv, s, out);
		else
			strbuf_addf(out, "requests %" PRIu64 "\nconnections %" PRIu64 "\n",
			    s->requests, s->connections);
	} else if (strcmp(path, "/advance") == 0) {
		const char *v = sim_arg(&a, "sec");
		char *end = NULL;
		double sec = v != NULL ? strtod(v, &end) : -1;

		if (v == NULL || *v == '\0' || *end != '\0' || sec < 0) {
			cause = xstrdup("/advance needs sec=N (N >= 0)");
			rc = -1;
		} else {
			srv->time_offset += sec;
			strbuf_addf(out, "advanced %g\n", sec);
		}
	} else if (strcmp(path, "/hosts") == 0) {
		for (int i = 0; i < srv->nsites; i++)
			strbuf_addf(out, "host %d %s %s\n", i, srv->sites[i].addrstr,
			    srv->sites[i].listening ? "up" : "refused");
	} else if (strcmp(path, "/quit") == 0) {
		srv->quit = 1;
		strbuf_adds(out, "bye\n");
	} else {
		*status = 404;
		strbuf_adds(out, "unknown control path; see bitsim(1)\n");
	}
	if (rc != 0) {
		*status = 400;
		strbuf_reset(out);
		strbuf_addf(out, "error: %s\n", cause != NULL ? cause : "failed");
	}
	free(cause);
}
