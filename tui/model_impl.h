/*
 * model_impl: the model's state, shared by tui/model.c (rows from snapshots)
 * and tui/model_view.c (filter, sort, tags over the view). Not for other modules.
 */
#ifndef BITSTOP_TUI_MODEL_IMPL_H
#define BITSTOP_TUI_MODEL_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/model.h"

struct model {
	struct model_host *hosts;	/* owned array of nhosts */
	size_t	 nhosts;
	uint64_t gen;			/* model_apply generation */
	int64_t	 new_ms;
	int64_t	 vanish_ms;
	char	*filter;		/* NULL: none */
	struct filter *compiled;	/* filter, parsed; NULL when none */
	int64_t	 stall_ms;
	int64_t	 now_wall;		/* wall ms of the latest poll applied */
	bool	 paused;
	enum model_col sort;
	bool	 invert;
	struct model_row **view;	/* filtered, sorted; not owning */
	size_t	 nview;
	size_t	 view_cap;
	bool	 view_dirty;
	/* Host indexes in HOST-column order, plain and inverted; built on first
	 * use (names never change), so sorting by host needs no string compare. */
	size_t	*host_order[2];
	struct model_key *keys;		/* scratch for sorting by a number; view_cap */
	/* Each host's part of the header summary, recomputed when its snapshot is
	 * applied (nothing else changes it), so the header need not read every row. */
	struct model_summary *host_sum;
	/* Their sum, kept as each host's part changes (the header reads it at
	 * each repaint: no walk over the hosts). */
	struct model_summary fleet_sum;
	/* Types of jobs created here whose rows have not come yet. */
	struct model_type_note {
		size_t	 host;
		char	*id;
		unsigned type;
	} *notes;
	size_t	 nnotes;
	/* So that per-tick and per-repaint work does not walk every row: */
	size_t	 ntagged;		/* rows tagged and not vanished */
	/* What is failing (tui/model_wrong.c): the groups, an open-addressing
	 * index over them, and each host's contribution. */
	struct model_wrong_group *wrong;
	size_t	 nwrong;
	size_t	*wrong_index;		/* wrong_slots entries: group index + 1, 0 empty */
	size_t	 wrong_slots;
	struct model_wrong_host {
		struct { size_t group, jobs; } *v;
		size_t	 n;
	} *wrong_hosts;			/* nhosts */
	int	 host_width;		/* widest host name in columns; -1 until measured */
	int64_t	 next_expiry;		/* monotonic ms of the next new mark or tombstone
					 * to expire; INT64_MAX when none */
};

/* A set u64 property, or a fallback. */
static inline uint64_t
model_u64_or(const struct bits_u64 *v, uint64_t dflt)
{
	return v->p == BITS_SET ? v->v : dflt;
}

/* Recount host i's part of the failing groups (after its rows changed). */
void model_wrong_host_update(struct model *m, size_t i);
void model_wrong_free(struct model *m);

#endif
