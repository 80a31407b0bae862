/*
 * fmt: compact human formatting for table cells and the header (no curses):
 * sizes in binary units, rates, durations, clock times and HRESULT names.
 */
#ifndef BITSTOP_TUI_FMT_H
#define BITSTOP_TUI_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Buffer size every fmt_* function is happy with. */
#define FMT_BUFSZ 32

/* Size with a binary suffix in at most 5 columns: "512B", "1.5K", "12.3M", "999G". */
char *fmt_size(char *buf, size_t len, uint64_t bytes);
/* Bytes per second: "12.3M/s"; "-" when rate < 0 (unknown). */
char *fmt_rate(char *buf, size_t len, double rate);
/* Remaining time, two units at most: "45s", "12m03s", "3h12m", "2d04h". */
char *fmt_eta(char *buf, size_t len, uint64_t secs);
/* Age, one unit: "45s", "12m", "3h", "5d", "2y". */
char *fmt_age(char *buf, size_t len, uint64_t secs);
/* Local clock time of a wall-clock millisecond stamp: "10:42:05"; "never" for 0. */
char *fmt_clock(char *buf, size_t len, int64_t wall_ms);
/* Local date and time of Unix seconds: "2026-11-21 10:42:05". */
char *fmt_datetime(char *buf, size_t len, int64_t unix_secs);

/* Short name of an HRESULT ("HTTP_404", "NETWORK_DISCONNECTED"), or "0x80070002" when unknown. */
char *fmt_hresult_short(char *buf, size_t len, uint32_t code);
/* A configured duration: "14d", "2h", "10m", "45s", or two units ("1h30m"). */
char *fmt_duration(char *buf, size_t len, uint64_t secs);

#endif
