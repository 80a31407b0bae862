/*
 * backend_shell: the BitsTransfer cmdlets run by one long-lived PowerShell in
 * a WinRS shell, behind the backend interface.
 *
 * A shell_session is one host's remote shell and the agent running in it: it
 * is created on the first operation, kept for the session, fed one request
 * line per operation (steady state: one Send and one Receive), and replaced
 * when it expired or the PowerShell died. Every operation is a sans-I/O state
 * machine driven through backend_shell_impl.
 */
#ifndef BITSTOP_BACKEND_SHELL_H
#define BITSTOP_BACKEND_SHELL_H

#include <stdbool.h>

#include "src/action.h"
#include "src/backend.h"
#include "src/wsman_op.h"

struct shell_session;

/* A host's session (nothing is sent until the first op); t must outlive it. */
struct shell_session *shell_session_new(const struct wsman_target *t, bool system_task);
void shell_session_free(struct shell_session *s);
/* True while a remote shell is open (it must be deleted before exit). */
bool shell_session_open(const struct shell_session *s);

/* Operations; the returned state is driven through backend_shell_impl. */
void *shell_op_list(struct shell_session *s);
/* One job (job_id copied); NULL when job_id is. */
void *shell_op_get(struct shell_session *s, const char *job_id);
/* NULL when req is malformed. */
void *shell_op_action(struct shell_session *s, const struct action_req *req);
/* Signal the agent to end and delete the shell; NULL when no shell is open. */
void *shell_op_close(struct shell_session *s);

extern const struct backend_impl backend_shell_impl;

#endif
