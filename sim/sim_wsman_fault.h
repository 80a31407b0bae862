/*
 * sim_wsman_fault: the SOAP faults bitsim sends (HTTP 500), shaped as Windows
 * shapes them.
 */
#ifndef BITSIM_SIM_WSMAN_FAULT_H
#define BITSIM_SIM_WSMAN_FAULT_H

#include <stdint.h>

#include "sim/sim_render.h"

struct sim_req;
struct sim_reply;

/* Set out to HTTP 500 with fault f. */
void sim_wsman_fault(struct sim_req *rq, struct sim_reply *out, const struct sim_fault *f);
/* Common faults. */
void sim_wsman_fault_not_found(struct sim_req *rq, struct sim_reply *out,
    const char *operation, const char *param);
void sim_wsman_fault_selectors(struct sim_req *rq, struct sim_reply *out, int insufficient);
void sim_wsman_fault_action(struct sim_req *rq, struct sim_reply *out);
void sim_wsman_fault_invalid_param(struct sim_req *rq, struct sim_reply *out,
    const char *what);
void sim_wsman_fault_hresult(struct sim_req *rq, struct sim_reply *out, uint32_t hr,
    const char *method);

/* An a:... header fault with its WSManFault code and message. */
void sim_wsman_fault_header(struct sim_req *rq, struct sim_reply *out, const char *subcode,
    uint32_t code, const char *reason, const char *message);

#endif
