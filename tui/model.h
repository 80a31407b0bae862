/*
 * model: the rows the job table shows, built from the latest snapshot of each
 * host (no curses, so it is unit-tested without a terminal).
 *
 * Rows are keyed by (host, job id) and keep their identity across refreshes:
 * a job seen for the first time after a host's first good poll is marked new
 * for a grace period; a job that left the queue stays as a dimmed tombstone
 * for another; the rows of a host whose last poll failed stay, marked stale.
 * Rate and ETA are derived between consecutive polls of the same job.
 *
 * Ownership: the model owns every snapshot given to model_apply() and every
 * row. Row pointers stay valid until the next model_apply()/model_tick(); keep
 * (host, id) keys across loop iterations, not pointers.
 */
#ifndef BITSTOP_TUI_MODEL_H
#define BITSTOP_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/action.h"
#include "src/bits_job.h"
#include "src/snapshot.h"
#include "tui/column.h"

/* What the model knows of a job's error code (GetError, fetched in the background). */
enum model_err {
	MODEL_ERR_NONE = 0,	/* not asked (or the job is not in error) */
	MODEL_ERR_FETCHING,
	MODEL_ERR_KNOWN,	/* err_code holds the HRESULT */
	MODEL_ERR_UNAVAILABLE	/* the host did not say */
};

struct model_row {
	size_t	 host;		/* index into the configured hosts */
	char	*id;		/* JobId as the server sent it (for actions), owned */
	char	*name;		/* sanitized DisplayName, owned */
	char	*owner;		/* sanitized owner, owned */
	const struct bits_job *job;	/* in the host's last good snapshot, or tomb */
	struct bits_job *tomb;	/* own copy once the job has vanished, else NULL */
	bool	 vanished;
	int64_t	 vanished_ms;	/* monotonic ms when it vanished */
	bool	 is_new;
	int64_t	 seen_ms;	/* monotonic ms when it first appeared */
	uint64_t bytes;		/* BytesTransferred at the last poll */
	int64_t	 bytes_at_ms;	/* wall ms of that poll */
	double	 rate;		/* bytes per second; < 0 while unknown */
	bool	 tagged;
	unsigned pending;	/* actions in flight on this job */
	enum action_kind pending_kind;	/* the latest of them */
	bool	 drop_when_gone;	/* cancelled or completed by us: no tombstone */
	int64_t	 moved_ms;	/* wall ms of the poll where its bytes last moved (or first seen) */
	int64_t	 err_since_ms;	/* wall ms of the poll that first showed it in an error state */
	enum model_err err;	/* what is known of its error code (GetError) */
	uint32_t err_code;	/* HRESULT, when err == MODEL_ERR_KNOWN */
	uint64_t err_mod;	/* the job's modification time when err was asked */
	uint64_t err_tec;	/* ... its transient error count */
	unsigned err_state;	/* ... and its state: the code is asked again when one differs */
	int	 type;		/* enum bits_job_type when known (created here), else -1 */
	uint64_t mark;		/* model_apply generation that last saw it */
	size_t	 view_index;	/* position in the view; SIZE_MAX when filtered out */
};

struct model_host {
	char	*name;		/* sanitized display name */
	char	*group;		/* config group, sanitized; NULL when none */
	struct host_snapshot *last;	/* latest snapshot of any state; NULL before the first */
	struct host_snapshot *good;	/* latest OK snapshot (may be last); NULL before one */
	struct model_row **rows;	/* this host's rows, sorted by id; owned */
	size_t	 nrows;
};

struct model_summary {
	size_t	 hosts_ok;
	size_t	 hosts_failing;
	size_t	 hosts_polling;	/* no answer yet */
	size_t	 jobs;		/* rows that have not vanished */
	size_t	 per_state[BITS_STATE_COUNT];
	double	 rate;		/* sum over the rows that show a rate */
	size_t	 stalled;	/* transferring rows whose bytes have not moved for the stall time */
};

/* What is failing, in groups kept up to date host by host (tui/wrong.h shows them). */
enum model_wrong_kind {
	MODEL_WRONG_CODE,	/* failing jobs by sub (enum model_err) and code (when known) */
	MODEL_WRONG_NAME,	/* failing jobs by text (their sanitized name) */
	MODEL_WRONG_OWNER,	/* failing jobs by text (their sanitized owner) */
	MODEL_WRONG_HOST,	/* failing hosts by sub (enum hosterr_kind); jobs: their rows */
	MODEL_WRONG_HEAD	/* jobs in ERROR by sub (code known) and code, for the header */
};

struct model_wrong_group {
	enum model_wrong_kind kind;
	int	 sub;
	uint32_t code;
	char	*text;		/* "" unless by name or owner */
	size_t	 jobs;
	size_t	 hosts;		/* hosts with at least one job in it (or failing, MODEL_WRONG_HOST) */
	uint64_t hash;
};

/* New model over nhosts hosts with these display names (copied and sanitized). */
struct model *model_new(size_t nhosts, const char *const *names);
void model_free(struct model *m);
/* Grace periods: how long new rows stay highlighted and vanished rows stay. */
void model_set_grace(struct model *m, int64_t new_ms, int64_t vanish_ms);

/* A transferring job whose bytes have not moved for stall_ms is stalled. */
void model_set_stall(struct model *m, int64_t stall_ms);
/* Polling is paused: no rate or ETA is current. */
void model_set_paused(struct model *m, bool paused);
/* The config group of host (copied, sanitized); NULL for none. */
void model_set_host_group(struct model *m, size_t host, const char *group);
/* The error code of (host, id) from GetError: known (code), unavailable, or being fetched. */
void model_set_row_error(struct model *m, size_t host, const char *id, enum model_err err,
    uint32_t code);

/* The type of a job created here (the BITS provider does not list it); kept until its row comes. */
void model_note_type(struct model *m, size_t host, const char *id, unsigned type);

/* err holds the code of the job as it is now (its state, modification time and
 * transient error count are those of when the code was asked). */
bool model_row_err_current(const struct model_row *row);
/* Does the order or the filter read every failing job's error code? */
bool model_reads_codes(const struct model *m);

/* Take ownership of a host snapshot and update that host's rows. False when ignored. */
bool model_apply(struct model *m, struct host_snapshot *snap, int64_t now_mono);
/* Expire new marks and tombstones. True when anything visible changed. */
bool model_tick(struct model *m, int64_t now_mono);

size_t model_nhosts(const struct model *m);
/* The widest host name as measured by width(), measured once (names never change). */
int model_host_name_width(const struct model *m, int (*width)(const char *s));
const struct model_host *model_host(const struct model *m, size_t host);
/* Row of (host, id), or NULL. */
struct model_row *model_find(const struct model *m, size_t host, const char *id);

/*
 * Filter (tui/filter.h gives the language); NULL or "" for none. -1 with
 * *cause (malloc'd) when it does not parse: the filter in force stays.
 */
int model_set_filter(struct model *m, const char *filter, char **cause);
const char *model_filter(const struct model *m);
void model_set_sort(struct model *m, enum model_col col, bool invert);
enum model_col model_sort_col(const struct model *m);
bool model_sort_invert(const struct model *m);

/* The filtered, sorted rows (rebuilt when stale). The array belongs to the model. */
struct model_row *const *model_view(struct model *m, size_t *n);

/* A row whose host's latest poll failed (its data is from the last good poll). */
bool model_row_stale(const struct model *m, const struct model_row *row);
/* Wall ms of the host's last good poll. */
int64_t model_row_stale_since(const struct model *m, const struct model_row *row);
/* Percent done (0-100) when the size is known. */
bool model_row_percent(const struct model_row *row, double *pct);
/* Seconds left at the current rate, when the size and a positive rate are known. */
bool model_row_eta(const struct model_row *row, uint64_t *secs);
/* A transferring job whose bytes have not moved for the stall time (fresh rows only). */
bool model_row_stalled(const struct model *m, const struct model_row *row);
/* The row's host name, config group ("" for none), status ("ok", "polling", "auth", ...). */
const char *model_row_host_name(const struct model *m, const struct model_row *row);
const char *model_row_group(const struct model *m, const struct model_row *row);
const char *model_row_host_status(const struct model *m, const struct model_row *row);
/* The host's backend name ("wmi", "shell"), or "" before it was reached. */
const char *model_row_backend(const struct model *m, const struct model_row *row);
/* Seconds since creation at wall time now_wall_ms. */
bool model_row_age(const struct model_row *row, int64_t now_wall_ms, uint64_t *secs);
/* Job state as a number (BITS_STATE_COUNT when absent). */
unsigned model_row_state(const struct model_row *row);
/* A fresh row (not stale, not gone) of a job that is transferring. */
bool model_row_transferring(const struct model *m, const struct model_row *row);
/* The rate the table shows for the row, when it shows one. */
bool model_row_rate(const struct model *m, const struct model_row *row, double *rate);
/* The ETA the table shows for the row, when it shows one. */
bool model_row_eta_shown(const struct model *m, const struct model_row *row, uint64_t *secs);

/* Tags. Returns the number of rows affected. */
void model_tag_toggle(struct model *m, struct model_row *row);
size_t model_untag_all(struct model *m);
size_t model_tag_shown(struct model *m);
/* Number of tagged rows still present (not vanished). */
size_t model_tagged_count(const struct model *m);
/* Tagged rows still present (not vanished), in view order then the rest. */
size_t model_tagged(struct model *m, struct model_row ***rows);

/* An action on (host, id) was sent / answered. drop_when_gone: it left the queue. */
void model_pending_begin(struct model *m, size_t host, const char *id, enum action_kind kind);
void model_pending_end(struct model *m, size_t host, const char *id, bool drop_when_gone);

void model_summary(const struct model *m, struct model_summary *sum);
/* The failing groups (those with jobs == 0 and hosts == 0 count nothing now). */
size_t model_wrong_groups(const struct model *m, const struct model_wrong_group **v);

#endif
