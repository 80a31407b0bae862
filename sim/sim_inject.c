/* sim_inject: fault-injection rules per simulated host, and picking the fault of a request. */
#include "config.h"

#include "sim/sim_inject.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/sim_net.h"
#include "src/xalloc.h"

/* Fault kind names, indexed by enum sim_fault_kind. */
static const char *const sim_inject_names[SIM_FK_COUNT] = {
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

_Static_assert(sizeof sim_inject_names / sizeof sim_inject_names[0] == SIM_FK_COUNT,
    "one name per fault kind");

/* Kind for a name ("latency" is not a kind and gives SIM_FK_NONE); -1 unknown. */
static int
sim_inject_kind_parse(const char *name)
{
	static const struct { const char *alias; int kind; } aliases[] = {
		{ "latency", SIM_FK_NONE }, { "provider-missing", SIM_FK_NOPROVIDER },
		{ "access-denied", SIM_FK_DENIED }, { "truncated", SIM_FK_TRUNCATE },
		{ "slow", SIM_FK_TRICKLE }, { "error", SIM_FK_500 },
	};

	for (int k = 1; k < SIM_FK_COUNT; k++)
		if (strcasecmp(name, sim_inject_names[k]) == 0)
			return k;
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcasecmp(name, aliases[i].alias) == 0)
			return aliases[i].kind;
	return -1;
}

/* Name of a fault kind, as /fault takes it. */
static const char *
sim_inject_kind_name(enum sim_fault_kind kind)
{
	return kind < SIM_FK_COUNT ? sim_inject_names[kind] : "?";
}

/* The fault for the request that just arrived (uses up count, draws prob). */
enum sim_fault_kind
sim_inject_pick(struct sim_server *srv, struct sim_site *site)
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

/* Install the rule in a on the hosts it names. */
int
sim_inject_apply(struct sim_server *srv, const struct sim_args *a, struct strbuf *out,
    char **cause)
{
	const char *kname = sim_args_get(a, "kind"), *prob = sim_args_get(a, "prob");
	int kind, *hosts, nhosts = 0;
	unsigned ms, bytes, count;
	double p = 1.0;

	if (kname == NULL || (kind = sim_inject_kind_parse(kname)) < 0) {
		*cause = xasprintf("unknown kind=%s", kname != NULL ? kname : "");
		return -1;
	}
	if (sim_args_uint(a, "ms", 0, &ms, cause) != 0 ||
	    sim_args_uint(a, "bytes", 0, &bytes, cause) != 0 ||
	    sim_args_uint(a, "count", 0, &count, cause) != 0)
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
			    "latency" : sim_inject_kind_name((enum sim_fault_kind)kind));
	}
	free(hosts);
	return 0;
}

/* Apply a rule in /fault query syntax (--fault); changed hosts listed in out. */
int
sim_inject_apply_spec(struct sim_server *srv, const char *spec, struct strbuf *out,
    char **cause)
{
	struct sim_args a;
	int rc;

	sim_args_split(&a, spec);
	rc = sim_inject_apply(srv, &a, out, cause);
	sim_args_done(&a);
	return rc;
}

void
sim_inject_clear(struct sim_site *site)
{
	memset(&site->fault, 0, sizeof site->fault);
	site->fault.prob = 1.0;
}
