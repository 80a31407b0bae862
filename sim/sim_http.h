/* sim_http: one HTTP request on a simulated host, from headers to delivery. */
#ifndef BITSIM_SIM_HTTP_H
#define BITSIM_SIM_HTTP_H

#include <microhttpd.h>

#include "sim/sim.h"
#include "src/strbuf.h"

/*
 * Per-request state (MHD's con_cls). A request that must wait (latency,
 * TimedOut, a trickling body) suspends its connection, sits in the server's
 * timer heap and in its site's pending list, and is resumed when due.
 */
struct sim_pending {
	struct sim_server	*srv;
	struct sim_site		*site;
	struct MHD_Connection	*conn;
	struct sim_pending	*prev, *next;	/* site->pending while suspended */
	struct strbuf		 body;
	int			 phase;
	int			 too_large;
	int			 drop;		/* close instead of answering */
	int			 suspended;
	enum sim_fault_kind	 kind;
	struct MHD_Response	*resp;		/* answer held back until due */
	unsigned		 status;
	struct sim_timer	 timer;		/* in the server's heap while held back */
	const char		*encoding;
	char			 user[128];
};

/* MHD callbacks for site daemons (cls is the site). */
enum MHD_Result sim_http_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload, size_t *upload_size,
    void **con_cls);
void sim_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe);
void sim_http_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
    enum MHD_ConnectionNotificationCode toe);
/* A held-back request's timer is due: resume its connection; returns its site. */
struct sim_site *sim_http_fire(struct sim_timer *t);
/* Resume every suspended request of site so that they are closed. */
void sim_http_drop_site(struct sim_site *site);

#endif
