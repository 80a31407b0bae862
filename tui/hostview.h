/*
 * hostview: one row per host with its status words (ok, auth failed, TLS
 * error, unreachable, ...), config group, backend, last successful poll,
 * latency, job count, failures, next retry and last error text. Hosts are
 * filtered (/) and sorted (>); tagged hosts (Space, *) make r, s, x, c, + and -
 * act on all their jobs; f jumps to the next failing host; Enter shows exactly
 * that host's jobs; n creates a job on it; R polls it now.
 */
#ifndef BITSTOP_TUI_HOSTVIEW_H
#define BITSTOP_TUI_HOSTVIEW_H

#include <stdint.h>

#include <curses.h>

struct screen;
struct model;
struct theme;

struct ui;

struct screen *hostview_new(struct ui *ui);
/* Draw the host table into w from host `top`, `cursor` selected (exposed for tests). */
void hostview_draw_table(WINDOW *w, const struct model *m, size_t top, size_t cursor,
    const struct theme *t, int64_t now_wall_ms);

#endif
