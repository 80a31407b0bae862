/*
 * snapshot: everything the screen needs about one host after one poll.
 *
 * Built by a poller thread, never modified once queued; the receiver (UI or
 * --once) owns it and frees it with host_snapshot_free() when it is replaced.
 */
#ifndef BITSTOP_SNAPSHOT_H
#define BITSTOP_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "src/bits_job.h"
#include "src/hosterr.h"

enum host_state {
	HOST_STATE_PENDING = 0,	/* not polled successfully or unsuccessfully yet */
	HOST_STATE_OK,
	HOST_STATE_ERROR
};

/* Which way a host was reached: the BITS WMI provider over WS-Man, or the
 * BitsTransfer cmdlets in a WinRS shell. NONE until a poll reached the host. */
enum host_backend {
	HOST_BACKEND_NONE = 0,
	HOST_BACKEND_WMI,
	HOST_BACKEND_SHELL
};

struct host_snapshot {
	size_t	 host;		/* index into config->hosts */
	uint64_t seq;		/* poll number for this host, from 1 */
	enum host_state state;
	struct hosterr error;	/* kind != HOSTERR_NONE exactly when state == HOST_STATE_ERROR */
	unsigned latency_ms;	/* wall time of this poll's requests */
	unsigned requests;	/* HTTP requests this poll took */
	unsigned connects;	/* new TCP connections this poll opened */
	int64_t	 polled_at_ms;	/* wall clock (ms since epoch) when the poll finished */
	int64_t	 last_ok_ms;	/* wall clock of the last successful poll; 0 = never */
	unsigned failures;	/* consecutive failed polls (0 when ok) */
	enum host_backend backend; /* how this poll reached the host */
	int64_t	 next_poll_ms;	/* wall clock of the next scheduled poll (backoff shown to users) */
	struct bits_job *jobs;	/* owned; sorted by creation time; empty on error */
	size_t	 njobs;
	char	*warning;	/* owned; what was wrong with the jobs listed (NULL: nothing) */
};

struct host_snapshot *host_snapshot_new(size_t host);
/* Free the snapshot and everything in it; NULL is a no-op. */
void host_snapshot_free(struct host_snapshot *snap);
/*
 * Drop the jobs --once and the screen cannot show (no JobId; a JobId listed
 * before, the first being kept), saying so in snap->warning, then sort them by
 * creation time (then JobId), the order of bitstop(1), OUTPUT.
 */
void host_snapshot_sort_jobs(struct host_snapshot *snap);

/* "wmi", "shell", or NULL for HOST_BACKEND_NONE. */
const char *host_backend_name(enum host_backend b);

/* Wall clock in milliseconds since the epoch; monotonic clock in milliseconds. */
int64_t time_wall_ms(void);
int64_t time_mono_ms(void);

#endif
