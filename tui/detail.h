/*
 * detail: every property of one job, its files, and its error (GetError,
 * fetched on demand: HRESULT in hex with its name and meaning, the error
 * context). Action keys act on this job.
 */
#ifndef BITSTOP_TUI_DETAIL_H
#define BITSTOP_TUI_DETAIL_H

#include <stdbool.h>
#include <stddef.h>

struct screen;
struct ui;

/* Detail of (host, id); fetch_error sends GetError at once (as does a job in error). */
struct screen *detail_new(struct ui *ui, size_t host, const char *id, bool fetch_error);

#endif
