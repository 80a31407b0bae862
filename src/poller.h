/*
 * poller: background threads that poll every host and run actions.
 *
 * Thread rules: a small pool of threads, each owning one curl multi handle and a
 * share of the hosts (host i belongs to thread i % nthreads). Results (host
 * snapshots, action results) are queued and signalled with one byte on a wake
 * fd; the consumer (the UI thread, or --once) poll()s that fd and drains the
 * queue with poller_next_event(). Every other function here may be called from
 * the consumer thread at any time and never blocks on the network.
 */
#ifndef BITSTOP_POLLER_H
#define BITSTOP_POLLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "src/action.h"
#include "src/snapshot.h"

struct config;
struct audit;

/*
 * Open files bitstop needs besides one connection per host (wake pipes, the
 * terminal, the audit log, CA bundles, resolver threads).
 */
#define POLLER_FD_RESERVE	64
/*
 * Requests in flight per thread for a one-shot poll of the fleet (--once): as
 * many as the hosts, up to this, since a host's answer waits on its latency
 * and nothing is polled again (the TUI keeps the default budget, which bounds
 * the easy handles it keeps).
 */
#define POLLER_ONCE_PARALLEL	512

struct poller_opts {
	unsigned interval_ms;	/* refresh interval */
	unsigned nthreads;	/* 0: choose from the host count */
	unsigned max_parallel;	/* requests in flight per thread; 0: default */
	bool	 verbose;	/* log each request and status to stderr (--once/--action) */
	/*
	 * Items byte-identical to the host's last good poll are not parsed again:
	 * such a job comes as a placeholder (wire_reused), for a consumer that keeps
	 * the last snapshot to take it from (see bits_job.wire_hash).
	 */
	bool	 reuse_jobs;
	struct audit *audit;	/* not owned; may be NULL (then actions are not logged) */
};

enum poller_event_type {
	POLLER_EV_SNAPSHOT,
	POLLER_EV_ACTION
};

struct poller_event {
	enum poller_event_type type;
	struct host_snapshot *snap;	/* POLLER_EV_SNAPSHOT; owned by the event until taken */
	struct action_result *result;	/* POLLER_EV_ACTION; owned by the event until taken */
};

/* New poller over cfg's hosts (cfg must outlive it). Threads start in poller_start(). */
struct poller *poller_new(const struct config *cfg, const struct poller_opts *opts);
/* Start the threads; every host is polled at once. -1 with *cause on failure. */
int poller_start(struct poller *p, char **cause);
/* Read end of the wake fd (non-blocking). */
int poller_wake_fd(const struct poller *p);
/* Next queued event, or NULL when none is left (the wake fd is drained too). */
struct poller_event *poller_next_event(struct poller *p);
/* Free an event and whatever it still owns. */
void poller_event_free(struct poller_event *ev);
/* Poll one host (or every host when host < 0) now. */
void poller_refresh(struct poller *p, ssize_t host);
/* Pause or resume scheduled polling (actions still run). */
void poller_set_paused(struct poller *p, bool paused);
void poller_set_interval(struct poller *p, unsigned interval_ms);
/* Queue an action for its host's thread; takes ownership of req. Returns req's id. */
uint64_t poller_submit(struct poller *p, struct action_req *req);
/* Stop and join the threads, free everything still queued. NULL is a no-op. */
void poller_free(struct poller *p);

#endif
