/* sim_wsman: WS-Management request checks and routing, and the operations. */
#ifndef BITSIM_SIM_WSMAN_H
#define BITSIM_SIM_WSMAN_H

#include <libxml/tree.h>

#include "sim/sim.h"
#include "sim/sim_render.h"
#include "sim/sim_wsman_fault.h"
#include "sim/sim_xml.h"
#include "src/strbuf.h"

/* What goes back over HTTP. */
struct sim_reply {
	int		 status;	/* HTTP status */
	struct strbuf	 body;
	unsigned	 delay_ms;	/* hold the answer this long (TimedOut) */
};

struct sim_selector {
	char		*name;
	char		*value;
};

#define SIM_MAX_SELECTORS 8

/* One parsed request; strings are owned and freed by sim_wsman_handle. */
struct sim_req {
	struct sim_server *srv;
	struct sim_site	*site;
	const char	*user;
	xmlDocPtr	 doc;
	xmlNodePtr	 header;
	xmlNodePtr	 body;
	char		*action;
	char		*message_id;
	char		*resource_uri;
	size_t		 max_envelope;	/* response size cap */
	size_t		 req_len;	/* bytes in the request */
	double		 timeout;	/* OperationTimeout in seconds */
	struct sim_selector sel[SIM_MAX_SELECTORS];
	int		 nsel;
	int		 bad_selectors;	/* more than SIM_MAX_SELECTORS */
};

/* Handle one POSTed envelope for site; inject is the fault chosen for this
 * request (only kinds answered in SOAP matter here). */
void sim_wsman_handle(struct sim_server *srv, struct sim_site *site, const char *user,
    const char *data, size_t len, const char *encoding, enum sim_fault_kind inject,
    struct sim_reply *out);

/* Operations (sim_enum.c, sim_ops.c). */
void sim_op_enumerate(struct sim_req *rq, struct sim_reply *out);
void sim_op_pull(struct sim_req *rq, struct sim_reply *out);
void sim_op_release(struct sim_req *rq, struct sim_reply *out);
void sim_op_get(struct sim_req *rq, struct sim_reply *out);
void sim_op_put(struct sim_req *rq, struct sim_reply *out);
void sim_op_invoke(struct sim_req *rq, struct sim_reply *out, const char *method);
/* Drop every enumeration of a site (all of them when expired_only is 0). */
void sim_enum_sweep(struct sim_site *site, double now, int expired_only);

#endif
