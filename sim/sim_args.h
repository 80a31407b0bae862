/*
 * sim_args: the arguments of a fault-injection rule or a control request,
 * read from a control connection's query string or split from a --fault spec
 * ("kind=timeout&host=3").
 */
#ifndef BITSIM_SIM_ARGS_H
#define BITSIM_SIM_ARGS_H

#include "sim/sim.h"

#define SIM_MAX_ARGS 16

struct MHD_Connection;

/* Query arguments: from a control connection or from a --fault spec. */
struct sim_args {
	struct MHD_Connection *conn;
	char	*copy;
	const char *keys[SIM_MAX_ARGS];
	const char *vals[SIM_MAX_ARGS];
	int	 n;
};

/* Value of key, or NULL. */
const char *sim_args_get(const struct sim_args *a, const char *key);
/* Split "k=v&k=v" into a; sim_args_done frees it. */
void sim_args_split(struct sim_args *a, const char *spec);
/* Free what sim_args_split kept. */
void sim_args_done(struct sim_args *a);
/* An unsigned argument (at most 86400000); dflt when absent; -1 with *cause when malformed. */
int sim_args_uint(const struct sim_args *a, const char *key, unsigned dflt, unsigned *out,
    char **cause);
/* The hosts named by host= (N, N,M,..., all) or frac= (a seeded random share):
 * a malloc'd list of *count site indexes, or NULL with *cause. */
int *sim_args_hosts(struct sim_server *srv, const struct sim_args *a, int *count, char **cause);

#endif
