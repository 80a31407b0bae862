/*
 * sim_timer: a heap of timers ordered by due time (monotonic seconds). A timer
 * is embedded in what it times (a held-back request); the heap keeps pointers
 * to the timers and each timer knows its slot, so cancelling is O(log n).
 */
#ifndef BITSIM_SIM_TIMER_H
#define BITSIM_SIM_TIMER_H

#include <stddef.h>

struct sim_timer {
	double	 due;
	size_t	 heap_idx;	/* SIZE_MAX when not scheduled */
};

/* The heap; zeroed is empty. It does not own the timers. */
struct sim_timers {
	struct sim_timer **heap;
	size_t	 n;
	size_t	 cap;
};

/* A timer that is not scheduled. */
void sim_timer_init(struct sim_timer *t);
/* Schedule t (again) at due. */
void sim_timer_schedule(struct sim_timers *ts, struct sim_timer *t, double due);
/* Take t out of the heap if it is there. */
void sim_timer_cancel(struct sim_timers *ts, struct sim_timer *t);
/* The timer due first, or NULL when none is scheduled. */
struct sim_timer *sim_timer_first(const struct sim_timers *ts);
/* Free the heap's storage. */
void sim_timer_done(struct sim_timers *ts);

#endif
