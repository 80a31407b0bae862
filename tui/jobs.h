/*
 * jobs: the job table screen, the bottom of the screen stack. The cursor
 * follows its job (host, id) across refreshes; moving it repaints two rows.
 */
#ifndef BITSTOP_TUI_JOBS_H
#define BITSTOP_TUI_JOBS_H

#include <stddef.h>

struct screen;
struct ui;
struct model_row;

struct screen *jobs_new(void);
/* The row under the cursor, or NULL (the view must be current). */
struct model_row *jobs_selected(struct screen *s, struct ui *ui);

#endif
