/*
 * backend: the seam between "a host" and "how to talk to it".
 *
 * Two ways reach a host's BITS jobs: the BITS WMI provider (BitsClientJob over
 * WS-Man, backend_wmi) and the BitsTransfer cmdlets run by a long-lived
 * PowerShell in a WinRS shell (backend_shell). A struct backend_host keeps what
 * one host needs across operations (which backend answers it, the open shell);
 * a struct backend_op is one operation on it (list the jobs, act on one, create
 * one, read one's error) and, like wsman_op, a sans-I/O state machine: send
 * backend_op_request(), report the answer with backend_op_feed() (or
 * backend_op_fail()), and repeat until backend_op_request() returns NULL.
 *
 * With BACKEND_AUTO a host is first asked through the provider; when the
 * provider is absent (the faults of wsman_fault_is_provider_missing) the same
 * operation continues through the shell, and the host stays on the shell for
 * the session. Nothing above this module knows which backend answered except
 * through backend_op_backend().
 *
 * Thread rules: a backend_host and its ops belong to the poller thread that
 * owns the host; at most one op of a host exists at a time.
 */
#ifndef BITSTOP_BACKEND_H
#define BITSTOP_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/action.h"
#include "src/bits_job.h"
#include "src/cfg.h"
#include "src/hosterr.h"
#include "src/snapshot.h"
#include "src/wsman_op.h"

struct backend_host;
struct backend_op;

/* One implementation of an operation (backend_wmi.c, backend_shell.c). */
struct backend_impl {
	const char *(*request)(void *impl, size_t *len);
	void	 (*feed)(void *impl, long status, const char *ct, const char *body, size_t len);
	void	 (*fail)(void *impl, const struct hosterr *err, bool sent);
	bool	 (*ok)(const void *impl);
	const struct hosterr *(*error)(const void *impl);
	struct bits_job *(*take_jobs)(void *impl, size_t *n);
	const char *(*job_id)(const void *impl);
	bool	 (*already_gone)(const void *impl);
	bool	 (*outcome_unknown)(const void *impl);
	bool	 (*take_error_info)(void *impl, struct bits_error_info *out);
	unsigned (*requests)(const void *impl);
	bool	 (*via_system_task)(const void *impl);
	void	 (*free)(void *impl);
};

/* A host's backend state for choice (BACKEND_AUTO, _WMI, _SHELL); t is copied. */
struct backend_host *backend_host_new(const struct wsman_target *t, enum backend_choice choice,
    bool system_task);
void backend_host_free(struct backend_host *b);
/* The backend the host is known to answer through (NONE while auto has not decided). */
enum host_backend backend_host_current(const struct backend_host *b);
/* True while the host holds a remote shell that must be deleted before exit. */
bool backend_host_has_shell(const struct backend_host *b);

/* List every job. */
struct backend_op *backend_op_list(struct backend_host *b);
/*
 * A list through the provider reuses the items byte-identical to the host's
 * last good poll (wsman_op_set_reuse; seen is read while the op lives). No-op
 * for other ops and for the shell.
 */
void backend_op_set_reuse(struct backend_op *op, const uint64_t *seen, size_t n);
/* Get one job (job_id is copied); NULL when it is. */
struct backend_op *backend_op_get(struct backend_host *b, const char *job_id);
/* Perform an action (req must outlive the op); NULL when req is malformed. */
struct backend_op *backend_op_action(struct backend_host *b, const struct action_req *req);
/* Delete the host's shell (bounded, best effort); NULL when there is none. */
struct backend_op *backend_op_close(struct backend_host *b);
void backend_op_free(struct backend_op *op);

/* The request to send now, or NULL when the operation is finished. */
const char *backend_op_request(struct backend_op *op, size_t *len);
/* The answer to the request just sent. */
void backend_op_feed(struct backend_op *op, long status, const char *content_type,
    const char *body, size_t len);
/* The request just sent got no answer (transport error); sent: it left completely. */
void backend_op_fail(struct backend_op *op, const struct hosterr *err, bool sent);

bool backend_op_ok(const struct backend_op *op);
const struct hosterr *backend_op_error(const struct backend_op *op);
struct bits_job *backend_op_take_jobs(struct backend_op *op, size_t *n);
const char *backend_op_job_id(const struct backend_op *op);
bool backend_op_already_gone(const struct backend_op *op);
/* A change left and its answer was lost: its effect is unknown until the next poll. */
bool backend_op_outcome_unknown(const struct backend_op *op);
bool backend_op_take_error_info(struct backend_op *op, struct bits_error_info *out);
/* The action was done as SYSTEM through a one-shot scheduled task (system_task). */
bool backend_op_via_system_task(const struct backend_op *op);
/* HTTP exchanges so far, across a switch from the provider to the shell. */
unsigned backend_op_requests(const struct backend_op *op);
/* The backend that answered (or is answering) this op. */
enum host_backend backend_op_backend(const struct backend_op *op);

/* The wsman_op implementation (backend_wmi.c). */
extern const struct backend_impl backend_wmi_impl;
/* The wsman_op for an action request on t; NULL when malformed. */
struct wsman_op *backend_wmi_action(const struct wsman_target *t, const struct action_req *req);

#endif
