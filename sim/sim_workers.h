/* sim_workers: bitsim --workers N, the fleet split over N worker processes. */
#ifndef BITSIM_SIM_WORKERS_H
#define BITSIM_SIM_WORKERS_H

#include "sim/sim.h"

/* What a worker process runs, and how the ready file is written. */
struct sim_worker_hooks {
	/*
	 * Serve the hosts of worker srv->cfg.worker and report them on report_fd
	 * as "host INDEX ADDR:PORT" lines, then "control ADDR:PORT" and "ready";
	 * returns the exit status.
	 */
	int	(*serve)(struct sim_server *srv, void *arg, int report_fd);
	/* Write the ready file from srv->sites[].addrstr and srv->ctl_addrstr. */
	int	(*ready)(const struct sim_server *srv, const char *path);
	void	*arg;
};

/*
 * Fork srv->cfg.workers processes that each serve their share of the
 * srv->nsites hosts (host i belongs to worker i % N), then serve the control
 * interface on control_addr in this process by passing each request on to
 * the workers concerned, and write ready_file (may be NULL) once all listen.
 * Runs until /quit, SIGINT, SIGTERM or a worker's death; returns the exit
 * status.
 */
int sim_workers_main(struct sim_server *srv, const struct sim_worker_hooks *hooks,
    const char *control_addr, const char *ready_file);

#endif
