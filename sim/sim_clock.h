/*
 * sim_clock: bitsim's two clocks. Monotonic seconds time requests, timers and
 * enumeration expiry; the simulated Unix time (the start epoch, plus elapsed
 * time times --speed, plus what /advance added) is the time jobs live in.
 */
#ifndef BITSIM_SIM_CLOCK_H
#define BITSIM_SIM_CLOCK_H

#include "sim/sim.h"

/* Monotonic seconds. */
double sim_clock_mono(void);
/* Bring a site's jobs up to the simulated present. */
void sim_clock_touch(struct sim_server *srv, struct sim_site *site);

#endif
