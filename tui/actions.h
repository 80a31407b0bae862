/*
 * actions: turning a key press on one row or on the tagged rows into action
 * requests, deciding whether they need confirmation and with what words,
 * refusing them (read-only, unusable audit log), submitting them, and folding
 * their results back into one status message per batch (no curses).
 *
 * Ownership: a plan owns its requests until actions_submit() hands each one to
 * the submit function (the poller); results are borrowed.
 */
#ifndef BITSTOP_TUI_ACTIONS_H
#define BITSTOP_TUI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/action.h"

struct config;
struct model;
struct model_row;
struct ops;

/* What may be sent: the refusal rules of bitstop(1) (--readonly, the audit log). */
struct actions_policy {
	const struct config *cfg;	/* host names and per-host readonly */
	bool	 readonly;		/* --readonly or readonly = true */
	bool	 audit_ok;		/* the audit log can be written */
	const char *audit_why;		/* why not, when !audit_ok */
};

/* How a priority action picks the new priority. */
enum actions_pri {
	ACTIONS_PRI_SET,	/* to the given priority */
	ACTIONS_PRI_RAISE,	/* one step towards FOREGROUND */
	ACTIONS_PRI_LOWER	/* one step towards LOW */
};

struct actions_plan {
	enum action_kind kind;
	enum actions_pri how;
	unsigned pri;
	struct action_req **reqs;	/* owned until submitted */
	size_t	 nreqs;
	size_t	 nhosts;		/* distinct hosts among reqs */
	struct action_req **stale;	/* left out: rows of failing hosts (owned) */
	size_t	 nstale;
	bool	 all_stale;		/* every row is stale: they are in reqs */
	bool	 early_complete;	/* complete before TRANSFERRED */
	size_t	 nreadonly;		/* rows skipped on read-only hosts */
	bool	 confirm;		/* destructive or bulk: ask first, No by default */
	char	*question;		/* "cancel 37 jobs on 12 hosts?" */
	char	*what;			/* "cancel 37 jobs on 12 hosts" (for the status line) */
};

/* The submit seam: the poller in the program, a fake in tests. Takes ownership of req. */
typedef uint64_t (*actions_submit_fn)(void *arg, struct action_req *req);

struct actions;

struct actions *actions_new(actions_submit_fn submit, void *arg);
void actions_free(struct actions *a);

/* Why no action may be sent at all (malloc'd), or NULL when actions are allowed. */
char *actions_refusal(const struct actions_policy *pol);
/*
 * Plan kind on rows (the tagged rows, or the cursor row). pri/how for
 * ACTION_PRIORITY. NULL with *cause when nothing can be sent (refused, or
 * every row skipped).
 */
struct actions_plan *actions_plan_new(const struct actions_policy *pol, const struct model *m,
    enum action_kind kind, enum actions_pri how, unsigned pri, struct model_row *const *rows,
    size_t n, char **cause);
void actions_plan_free(struct actions_plan *plan);
/* Add the left-out requests of stale rows (the user said to include them). */
void actions_plan_include_stale(struct actions_plan *plan, const struct model *m);
/* Submit every request of the plan as one operation, mark the rows pending, free the plan. */
void actions_submit(struct actions *a, struct model *m, struct actions_plan *plan, int64_t now_wall);
/* What to do once a created job exists: its priority (NORMAL: nothing). */
struct actions_create_then {
	unsigned priority;	/* enum bits_priority */
};

/*
 * Submit a new-job request (the poller's create resumes the job after
 * CreateJob unless req->suspended asks for it to be created suspended); once
 * the job exists, `then` (may be NULL) sets its priority, as a child of the
 * same operation. Takes req.
 */
void actions_submit_create(struct actions *a, const struct model *m, struct action_req *req,
    const struct actions_create_then *then, int64_t now_wall);
/* The operations sent from the screen (and read back from the audit log); the tracker's. */
struct ops *actions_ops(struct actions *a);
/*
 * Fold one result into its operation (GetError results are not this module's:
 * false). When it ends the operation, *msg is the status line (malloc'd) and
 * *failed tells its tone.
 */
bool actions_on_result(struct actions *a, struct model *m, const struct action_result *res,
    char **msg, bool *failed);
/* Requests submitted and not answered yet. */
size_t actions_in_flight(const struct actions *a);

#endif
