/*
 * errfetch: the error code of every job in ERROR or TRANSIENT_ERROR, asked
 * with GetError in the background (a few requests at a time) so that the
 * table's ERROR column, the code: filter and the "what's wrong" view know it
 * (no curses). A job's code is asked again once it leaves the error state and
 * enters one anew.
 */
#ifndef BITSTOP_TUI_ERRFETCH_H
#define BITSTOP_TUI_ERRFETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/actions.h"

struct model;
struct errfetch;

/* New fetcher sending through submit(arg, req). */
struct errfetch *errfetch_new(actions_submit_fn submit, void *arg);
void errfetch_free(struct errfetch *ef);
/* Ask for the codes of host's jobs in an error state not known yet (within the in-flight cap). */
void errfetch_host(struct errfetch *ef, struct model *m, size_t host);
/* Fill the free places with jobs of any host, going round the hosts. */
void errfetch_pump(struct errfetch *ef, struct model *m);
/* Take a GetError answer to one of ours into the model; false when it is not ours. */
bool errfetch_on_result(struct errfetch *ef, struct model *m, const struct action_result *res);

#endif
