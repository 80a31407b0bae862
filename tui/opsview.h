/*
 * opsview: the operations view (o). Every action sent from the screen, in the
 * manner of Get-Job: Id, Name, State, HasMoreData, Location, started and
 * ended, past operations of earlier runs marked as such. Enter opens an
 * operation's children, one per host and job with its outcome and decoded
 * error; there r retries the failed children and * tags their jobs in the job
 * table.
 */
#ifndef BITSTOP_TUI_OPSVIEW_H
#define BITSTOP_TUI_OPSVIEW_H

struct screen;

struct screen *opsview_new(void);

#endif
