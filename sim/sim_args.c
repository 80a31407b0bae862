/* sim_args: the key=value arguments of a control request or a --fault spec. */
#include "config.h"

#include "sim/sim_args.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "src/xalloc.h"

/* Value of key, or NULL. */
const char *
sim_args_get(const struct sim_args *a, const char *key)
{
	if (a->conn != NULL)
		return MHD_lookup_connection_value(a->conn, MHD_GET_ARGUMENT_KIND, key);
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->keys[i], key) == 0)
			return a->vals[i];
	return NULL;
}

/* Split "k=v&k=v" into a (a->copy owns the storage). */
void
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
int
sim_args_uint(const struct sim_args *a, const char *key, unsigned dflt, unsigned *out,
    char **cause)
{
	const char *v = sim_args_get(a, key);
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
int *
sim_args_hosts(struct sim_server *srv, const struct sim_args *a, int *count, char **cause)
{
	const char *host = sim_args_get(a, "host"), *frac = sim_args_get(a, "frac");
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

void
sim_args_done(struct sim_args *a)
{
	free(a->copy);
	a->copy = NULL;
}
