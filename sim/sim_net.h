/* sim_net: listeners and the one-thread event loop (epoll over the MHD daemons). */
#ifndef BITSIM_SIM_NET_H
#define BITSIM_SIM_NET_H

#include <microhttpd.h>

#include "sim/sim.h"
#include "sim/sim_timer.h"

/*
 * What the event loop calls, handed to it by main (srv->ops) so that the loop
 * knows nothing of HTTP requests, enumerations or the control interface.
 */
struct sim_net_ops {
	/* MHD callbacks of a site's daemon (cls: the site; completed: the server). */
	MHD_AccessHandlerCallback site_access;
	MHD_RequestCompletedCallback site_completed;
	MHD_NotifyConnectionCallback site_connection;
	/* MHD access handler of the control daemon (cls: the server). */
	MHD_AccessHandlerCallback control_access;
	/* A timer is due: resume what it holds back; returns the site to run. */
	struct sim_site *(*fire)(struct sim_timer *t);
	/* Resume every held-back request of site so that it is closed. */
	void (*drop_site)(struct sim_site *site);
	/* The once-a-second pass over a site (expired enumerations). */
	void (*sweep)(struct sim_site *site, double now);
};

/* Set up epoll, signals and TLS material; srv->ops must be set. */
int sim_net_init(struct sim_server *srv, char **cause);
/* Parse "ADDR:PORT" ("[v6]:PORT" too) into addr. */
int sim_net_parse_addr(const char *s, struct sockaddr_storage *addr, socklen_t *len,
    char **cause);
/* Bind site->addr (port 0: a free port) and start its daemon. */
int sim_net_listen_site(struct sim_server *srv, struct sim_site *site, char **cause);
/* Bind the control listener. */
int sim_net_listen_control(struct sim_server *srv, char **cause);
/* Stop accepting on a site (connections are then refused). */
void sim_net_site_close(struct sim_server *srv, struct sim_site *site);
/* Listen again on the same address after sim_net_site_close. */
int sim_net_site_reopen(struct sim_server *srv, struct sim_site *site, char **cause);
/* Run until /quit or a signal; returns the exit status. */
int sim_net_run(struct sim_server *srv);
/* Stop every daemon and close the loop. */
void sim_net_done(struct sim_server *srv);

#endif
