/*
 * sim_inject: fault injection. Each simulated host has at most one rule (a
 * kind, with a probability, a count, a delay) plus an added latency; the rule
 * is set by --fault or the control interface's /fault and consulted once per
 * request. bitsim(1) lists the kinds.
 */
#ifndef BITSIM_SIM_INJECT_H
#define BITSIM_SIM_INJECT_H

#include "sim/sim.h"
#include "sim/sim_args.h"
#include "src/strbuf.h"

/* The fault to apply to the request that just arrived on site (consumes
 * count and draws prob). */
enum sim_fault_kind sim_inject_pick(struct sim_server *srv, struct sim_site *site);
/* Install the rule in a on the hosts it names; lines naming the hosts changed go
 * to out (may be NULL). -1 with *cause. */
int sim_inject_apply(struct sim_server *srv, const struct sim_args *a, struct strbuf *out,
    char **cause);
/* The same from a rule in /fault query syntax ("kind=timeout&host=3"), as --fault gives it. */
int sim_inject_apply_spec(struct sim_server *srv, const char *spec, struct strbuf *out,
    char **cause);
/* Drop the rule and the latency of site (a refused listener is reopened by the caller). */
void sim_inject_clear(struct sim_site *site);

#endif
