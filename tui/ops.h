/*
 * ops: the operations view's data (no curses). Every action sent from the
 * screen, on one job or many, is one operation, listed the way PowerShell's
 * Get-Job lists background jobs: an Id, a Name ("cancel 37 jobs on 12
 * hosts"), a State (Running, Completed, Failed, Stopped), HasMoreData (results
 * not yet looked at), the Location (hosts), when it started and ended, and
 * one child per host and job with its outcome. Operations of earlier runs
 * are read back from the audit log (tui/opslog.c) and marked past.
 *
 * Ownership: the list owns its operations and their children.
 */
#ifndef BITSTOP_TUI_OPS_H
#define BITSTOP_TUI_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/action.h"

/* Declared once: state and the word the view shows. */
#define OPS_STATES(X) \
	X(OPS_RUNNING, "Running") \
	X(OPS_COMPLETED, "Completed") \
	X(OPS_FAILED, "Failed") \
	X(OPS_STOPPED, "Stopped")

enum ops_state {
#define X(e, n) e,
	OPS_STATES(X)
#undef X
	OPS_STATE_COUNT
};

enum ops_outcome {
	OPS_WAITING = 0,
	OPS_OK,
	OPS_GONE,	/* ok: the job had already left the queue */
	OPS_FAILED_CHILD
};

struct ops_child {
	size_t	 host;		/* SIZE_MAX for a past operation's host not configured now */
	char	*host_name;	/* sanitized */
	char	*job_id;	/* NULL for a create */
	char	*job_name;	/* sanitized, may be NULL */
	uint64_t req;		/* request id while waiting */
	enum ops_outcome outcome;
	bool	 has_code;
	uint32_t code;
	char	*error;		/* sanitized message when failed */
	bool	 unknown;	/* failed: the request left but its answer was lost */
};

struct ops_op {
	unsigned id;
	char	*name;		/* "cancel 37 jobs on 12 hosts" */
	char	*audit_op;	/* the "op" of its audit lines */
	enum action_kind kind;
	unsigned priority;	/* ACTION_PRIORITY: the priority set (how == 0) */
	unsigned how;		/* ACTION_PRIORITY: enum actions_pri */
	unsigned type;		/* ACTION_CREATE: enum bits_job_type */
	unsigned then_priority;	/* ACTION_CREATE: priority to set once created */
	enum ops_state state;
	bool	 has_more_data;	/* ended, and its results were not looked at */
	bool	 past;		/* read back from the audit log */
	int64_t	 started_ms;	/* wall */
	int64_t	 ended_ms;	/* 0 while running */
	struct ops_child *children;	/* owned */
	size_t	 nchildren;
	size_t	 nwaiting, nok, nfailed, ngone;
	char	*location;	/* cache of ops_location() for nchildren children */
	size_t	 location_n;
	size_t	 nhosts;
};

struct ops {
	struct ops_op **v;	/* owned, oldest first */
	size_t	 n;
	unsigned next_id;
	char	*run;		/* prefix of this run's audit "op" values */
	unsigned seq;
};

struct ops *ops_new(void);
void ops_free(struct ops *o);
/* Start an operation (running, no children yet); the list keeps it. */
struct ops_op *ops_begin(struct ops *o, enum action_kind kind, const char *name, int64_t now_wall);
/* A new audit "op" value for this run's next operation (malloc'd). */
char *ops_audit_id(struct ops *o);
/* Add a child waiting for request req. */
void ops_add_child(struct ops_op *op, size_t host, const char *host_name, const char *job_id,
    const char *job_name, uint64_t req);
/* Add a child already answered (past operations). */
struct ops_child *ops_add_done(struct ops_op *op, const char *host_name, const char *job_id,
    const char *job_name, enum ops_outcome outcome);
/* The operation and child waiting for request id, or NULL. */
struct ops_op *ops_find_req(struct ops *o, uint64_t req, struct ops_child **child);
/* Record a result on its child; true when it ended the operation. */
bool ops_on_result(struct ops_op *op, struct ops_child *c, const struct action_result *res,
    int64_t now_wall);
/* Settle the state of an operation whose children are all known (Completed/Failed/Stopped). */
void ops_settle(struct ops_op *op, int64_t ended_ms);
/* "Running", "Completed" ... */
const char *ops_state_name(enum ops_state s);
/* The distinct hosts of an operation, comma-separated (owned by the operation). */
const char *ops_location(struct ops_op *op);
/* Number of distinct hosts of an operation. */
size_t ops_nhosts(struct ops_op *op);

#endif
