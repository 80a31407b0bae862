/* sim_net: listeners, the one-thread event loop, HTTP checks and delivery. */
#ifndef BITSIM_SIM_NET_H
#define BITSIM_SIM_NET_H

#include "sim/sim.h"

/* Set up epoll, signals and TLS material. */
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
