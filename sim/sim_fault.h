/* sim_fault: fault injection rules and the control interface. */
#ifndef BITSIM_SIM_FAULT_H
#define BITSIM_SIM_FAULT_H

#include "sim/sim.h"
#include "src/strbuf.h"

struct MHD_Connection;

/* The fault to apply to the request that just arrived on site (consumes
 * count and draws prob). */
enum sim_fault_kind sim_fault_pick(struct sim_server *srv, struct sim_site *site);
/* Apply a rule given as "key=value&key=value" (the /fault query syntax), as
 * --fault does at start. Lines naming the hosts changed go to out (may be NULL). */
int sim_fault_apply_spec(struct sim_server *srv, const char *spec, struct strbuf *out,
    char **cause);
/* Answer a control request: path plus query arguments read from conn.
 * Sets *status and fills out with text. */
void sim_control_handle(struct sim_server *srv, struct MHD_Connection *conn,
    const char *path, int *status, struct strbuf *out);

#endif
