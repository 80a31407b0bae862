/*
 * sim_control: the control interface, plain-text HTTP on its own listener
 * (/fault, /clear, /jobs, /stats, /advance, /hosts, /quit; bitsim(1) describes
 * them). The event loop is handed its request handler.
 */
#ifndef BITSIM_SIM_CONTROL_H
#define BITSIM_SIM_CONTROL_H

#include <microhttpd.h>

#include "sim/sim.h"

struct strbuf;

/* Queue out (taken over) as a plain-text answer with this status; also for
 * the worker forwarder's control listener. */
enum MHD_Result sim_control_reply(struct MHD_Connection *conn, int status, struct strbuf *out);

/* MHD access handler of the control daemon (cls is the server). */
enum MHD_Result sim_control_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload, size_t *upload_size,
    void **con_cls);

#endif
