/*
 * newjob: the new-job form (CreateJob on one host, then resume), opened from
 * the job table and from the host view.
 */
#ifndef BITSTOP_TUI_NEWJOB_H
#define BITSTOP_TUI_NEWJOB_H

#include <stddef.h>

struct ui;

/* Open the new-job form for host, unless actions are refused there. */
void newjob_open(struct ui *ui, size_t host);

#endif
