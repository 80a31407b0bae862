/*
 * demo: the embedded simulated fleet of `bitstop --demo`. Starts bitsim as a child
 * on free loopback ports with a random password (passed in its environment, never
 * argv), adds its hosts to the config, and stops it on exit.
 */
#ifndef BITSTOP_DEMO_H
#define BITSTOP_DEMO_H

#include <stdbool.h>

struct config;

/* Start bitsim with n hosts. NULL with *cause. */
struct demo *demo_start(unsigned n, char **cause);
/* Add the simulated hosts (sim-01 ...) to cfg with their credentials. */
void demo_add_hosts(struct demo *d, struct config *cfg);
/* Stop the simulator and remove its files. NULL is a no-op. */
void demo_stop(struct demo *d);

#endif
