/* sim_clock: monotonic seconds and the simulated present. */
#include "config.h"

#include "sim/sim_clock.h"

#include <time.h>

double
sim_clock_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Simulated Unix time now. */
static double
sim_clock_now(const struct sim_server *srv)
{
	return srv->cfg.epoch + (sim_clock_mono() - srv->mono_start) * srv->cfg.speed +
	    srv->time_offset;
}

void
sim_clock_touch(struct sim_server *srv, struct sim_site *site)
{
	sim_host_advance(&site->host, sim_clock_now(srv));
}
