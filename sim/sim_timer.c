/* sim_timer: the heap of timers of the event loop. */
#include "config.h"

#include "sim/sim_timer.h"

#include <stdint.h>
#include <stdlib.h>

#include "src/xalloc.h"

void
sim_timer_init(struct sim_timer *t)
{
	t->due = 0;
	t->heap_idx = SIZE_MAX;
}

/* Heap order: earlier due first. */
static int
sim_timer_less(const struct sim_timers *ts, size_t a, size_t b)
{
	return ts->heap[a]->due < ts->heap[b]->due;
}

/* Swap two heap slots, keeping the back-indexes right. */
static void
sim_timer_swap(struct sim_timers *ts, size_t a, size_t b)
{
	struct sim_timer *t = ts->heap[a];

	ts->heap[a] = ts->heap[b];
	ts->heap[b] = t;
	ts->heap[a]->heap_idx = a;
	ts->heap[b]->heap_idx = b;
}

/* Restore the heap property around slot i. */
static void
sim_timer_fix(struct sim_timers *ts, size_t i)
{
	while (i > 0 && sim_timer_less(ts, i, (i - 1) / 2)) {
		sim_timer_swap(ts, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < ts->n && sim_timer_less(ts, l, m))
			m = l;
		if (r < ts->n && sim_timer_less(ts, r, m))
			m = r;
		if (m == i)
			return;
		sim_timer_swap(ts, i, m);
		i = m;
	}
}

void
sim_timer_schedule(struct sim_timers *ts, struct sim_timer *t, double due)
{
	sim_timer_cancel(ts, t);
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 64;
		ts->heap = xreallocarray(ts->heap, ts->cap, sizeof *ts->heap);
	}
	t->due = due;
	t->heap_idx = ts->n;
	ts->heap[ts->n++] = t;
	sim_timer_fix(ts, t->heap_idx);
}

void
sim_timer_cancel(struct sim_timers *ts, struct sim_timer *t)
{
	size_t i = t->heap_idx;

	if (i == SIZE_MAX)
		return;
	t->heap_idx = SIZE_MAX;
	if (i != --ts->n) {
		ts->heap[i] = ts->heap[ts->n];
		ts->heap[i]->heap_idx = i;
		sim_timer_fix(ts, i);
	}
}

struct sim_timer *
sim_timer_first(const struct sim_timers *ts)
{
	return ts->n > 0 ? ts->heap[0] : NULL;
}

void
sim_timer_done(struct sim_timers *ts)
{
	free(ts->heap);
	ts->heap = NULL;
	ts->n = ts->cap = 0;
}
