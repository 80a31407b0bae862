/*
 * action: a request to act on one job (or create one) on one host, and its outcome.
 * Requests go from the UI (or --action) to the poller that owns the host; results
 * come back through the same event queue as snapshots.
 */
#ifndef BITSTOP_ACTION_H
#define BITSTOP_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/bits_job.h"
#include "src/hosterr.h"

/* Declared once: enum, name used in the audit log and on the command line. */
#define ACTION_KINDS(X) \
	X(ACTION_CANCEL, "cancel") \
	X(ACTION_COMPLETE, "complete") \
	X(ACTION_RESUME, "resume") \
	X(ACTION_SUSPEND, "suspend") \
	X(ACTION_PRIORITY, "priority") \
	X(ACTION_CREATE, "create") \
	X(ACTION_GET_ERROR, "geterror")

enum action_kind {
#define X(e, n) e,
	ACTION_KINDS(X)
#undef X
	ACTION_COUNT
};

struct action_req {
	uint64_t id;		/* assigned by poller_submit() */
	size_t	 host;		/* index into config->hosts */
	enum action_kind kind;
	char	*job_id;	/* owned; NULL for ACTION_CREATE */
	char	*job_name;	/* owned; display name for the audit log, may be NULL */
	char	*op;		/* owned; the operation it belongs to (audit log "op"), may be NULL */
	unsigned priority;	/* ACTION_PRIORITY: enum bits_priority */
	/* ACTION_CREATE */
	char	*display_name;
	char	*remote_url;
	char	*local_file;
	unsigned type;		/* enum bits_job_type */
	bool	 suspended;	/* create it suspended: no resume after CreateJob */
};

struct action_result {
	uint64_t id;		/* the request's id */
	size_t	 host;
	enum action_kind kind;
	char	*job_id;	/* owned; for ACTION_CREATE the new job's id when known */
	char	*job_name;	/* owned copy of the request's */
	char	*op;		/* owned copy of the request's, may be NULL */
	bool	 ok;
	bool	 already_gone;	/* cancel/complete: the job had already left the queue */
	bool	 via_system_task; /* done as SYSTEM through a scheduled task (shell backend) */
	bool	 unknown;	/* !ok: the request left but its answer was lost */
	struct hosterr error;	/* when !ok */
	bool	 has_error_info;
	struct bits_error_info error_info;	/* ACTION_GET_ERROR */
};

const char *action_kind_name(enum action_kind kind);
/* New request with the common fields set; strings are copied. */
struct action_req *action_req_new(enum action_kind kind, size_t host, const char *job_id,
    const char *job_name);
void action_req_free(struct action_req *req);
/* New result for a request (copies id, host, kind, job id and name). */
struct action_result *action_result_new(const struct action_req *req);
void action_result_free(struct action_result *res);

#endif
