/*
 * tui_fixture: canned host snapshots for the TUI tests (model and render).
 * Header-only helpers; every test program includes it once.
 */
#ifndef BITSTOP_TESTS_TUI_FIXTURE_H
#define BITSTOP_TESTS_TUI_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/bits_job.h"
#include "src/snapshot.h"
#include "src/xalloc.h"

/* Unix seconds of the fixtures' "now": 2026-11-21T10:00:00Z. */
#define FIX_NOW_UNIX 1795255200LL

struct fix_job {
	const char *id;
	const char *name;
	const char *owner;
	unsigned state;
	unsigned priority;
	uint64_t total;		/* BITS_SIZE_UNKNOWN for unknown */
	uint64_t done;
	unsigned files_total;
	unsigned files_done;
	unsigned errors;
	int64_t	 age_s;		/* seconds before FIX_NOW_UNIX */
};

/* Set a text property. */
static inline void
fix_text(struct bits_text *t, const char *s)
{
	t->p = BITS_SET;
	t->s = xstrdup(s);
}

/* Set a number property. */
static inline void
fix_u64(struct bits_u64 *u, uint64_t v)
{
	u->p = BITS_SET;
	u->v = v;
}

/* Fill one job from its description. */
static inline void
fix_fill_job(struct bits_job *j, const struct fix_job *f)
{
	memset(j, 0, sizeof *j);
	fix_text(&j->job_id, f->id);
	fix_text(&j->display_name, f->name);
	fix_text(&j->description, "");
	fix_text(&j->owner, f->owner != NULL ? f->owner : "CONTOSO\\ops");
	fix_u64(&j->state, f->state);
	fix_u64(&j->priority, f->priority);
	fix_u64(&j->bytes_total, f->total);
	fix_u64(&j->bytes_transferred, f->done);
	fix_u64(&j->files_total, f->files_total);
	fix_u64(&j->files_transferred, f->files_done);
	fix_u64(&j->transient_error_count, f->errors);
	fix_u64(&j->creation_time, bits_unix_to_filetime((time_t)(FIX_NOW_UNIX - f->age_s)));
	fix_u64(&j->modification_time, bits_unix_to_filetime((time_t)FIX_NOW_UNIX));
	fix_u64(&j->completion_time, 0);
	fix_u64(&j->minimum_retry_delay, 600);
	fix_u64(&j->no_progress_timeout, 1209600);
}

/* An OK snapshot of host with n jobs, polled at wall ms polled_ms. */
static inline struct host_snapshot *
fix_snap(size_t host, uint64_t seq, int64_t polled_ms, const struct fix_job *jobs, size_t n)
{
	struct host_snapshot *s = host_snapshot_new(host);

	s->seq = seq;
	s->state = HOST_STATE_OK;
	s->latency_ms = 12;
	s->requests = 2;
	s->polled_at_ms = polled_ms;
	s->last_ok_ms = polled_ms;
	s->next_poll_ms = polled_ms + 5000;
	s->jobs = xcalloc(n ? n : 1, sizeof *s->jobs);
	s->njobs = n;
	for (size_t i = 0; i < n; i++)
		fix_fill_job(&s->jobs[i], &jobs[i]);
	return s;
}

/* A failed snapshot of host (kind, message) after a good poll at last_ok_ms. */
static inline struct host_snapshot *
fix_snap_err(size_t host, uint64_t seq, int64_t polled_ms, int64_t last_ok_ms,
    enum hosterr_kind kind, const char *msg)
{
	struct host_snapshot *s = host_snapshot_new(host);

	s->seq = seq;
	s->state = HOST_STATE_ERROR;
	s->polled_at_ms = polled_ms;
	s->last_ok_ms = last_ok_ms;
	s->failures = 1;
	s->next_poll_ms = polled_ms + 10000;
	s->latency_ms = 3000;
	hosterr_set(&s->error, kind, "%s", msg);
	return s;
}

#endif
