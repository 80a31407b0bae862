/*
 * wrongview: the "what's wrong" view (w): the groups of tui/wrong.h under
 * their section titles, with job and host counts. Enter filters the job table
 * to the group, ready to tag (*) and act.
 */
#ifndef BITSTOP_TUI_WRONGVIEW_H
#define BITSTOP_TUI_WRONGVIEW_H

struct screen;

struct screen *wrongview_new(void);

#endif
