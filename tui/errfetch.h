/*
 * errfetch: the error codes of failing jobs, asked with GetError in the
 * background (a few requests at a time, no curses) so that the table's ERROR
 * column, the code: filter, the header's line and the "what's wrong" view
 * know them.
 *
 * A code is asked only when it can have changed: the job entered an error
 * state, or its state, modification time or transient error count differ from
 * when its code was asked; an unchanged failing job is never asked again.
 * Jobs in ERROR are asked as they come (the header counts them by code); jobs
 * in TRANSIENT_ERROR, which BITS retries by itself and whose code changes with
 * each retry, only while their row is on the screen or while a view reads
 * every code (the "what's wrong" view, a code: filter, the order by ERROR).
 * At most 32 requests are in flight; hosts with more to ask wait in a ring.
 */
#ifndef BITSTOP_TUI_ERRFETCH_H
#define BITSTOP_TUI_ERRFETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/actions.h"

struct model;
struct model_row;
struct errfetch;

/* New fetcher sending through submit(arg, req). */
struct errfetch *errfetch_new(actions_submit_fn submit, void *arg);
void errfetch_free(struct errfetch *ef);
/* Ask for the codes due of host's jobs (after its snapshot was applied). */
void errfetch_host(struct errfetch *ef, struct model *m, size_t host);
/* Ask for the codes due of these rows, in any error state (they are on the screen). */
void errfetch_rows(struct errfetch *ef, struct model *m, struct model_row *const *rows, size_t n);
/* Every failing job's code is wanted (true) or only those of jobs in ERROR. */
void errfetch_set_all(struct errfetch *ef, struct model *m, bool all);
/* Fill the free places with the codes of hosts waiting for them. */
void errfetch_pump(struct errfetch *ef, struct model *m);
/* Take a GetError answer to one of ours into the model; false when it is not ours. */
bool errfetch_on_result(struct errfetch *ef, struct model *m, const struct action_result *res);
/* GetError requests sent so far (tests). */
uint64_t errfetch_asked(const struct errfetch *ef);

#endif
