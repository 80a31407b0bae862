/*
 * filter: the job table's filter language (no curses).
 *
 * Words separated by spaces; every word must hold. A word is one of:
 *   field:value    the field equals value, case-insensitively; fields: host,
 *                  state, priority, group, backend, code, owner, name,
 *                  status (the host's status: ok, polling, auth, tls, ...);
 *                  code matches "0x80190194", "HTTP_404" or the full name
 *   field:~regex   the field matches the extended regular expression
 *   age>2d         age, progress (percent) and errors (the transient error
 *                  count) compared with <, <=, >, >= or =; ages take s m h d w
 *   stalled        a transferring job whose bytes have not moved for a while
 *   word           a substring of the host, name, owner or state
 * and a leading '!' negates any of them. Double quotes keep spaces in a
 * value: name:"nightly sync".
 */
#ifndef BITSTOP_TUI_FILTER_H
#define BITSTOP_TUI_FILTER_H

#include <stdbool.h>
#include <stdint.h>

struct model;
struct model_row;
struct filter;

/* Parse text; NULL with *cause (malloc'd, naming the word at fault) when it is not valid. */
struct filter *filter_parse(const char *text, char **cause);
void filter_free(struct filter *f);
/* Does the filter read the error code (a code: word)? */
bool filter_reads_code(const struct filter *f);
/* Does the row pass every word? now_wall_ms is the clock for ages. */
bool filter_match(const struct filter *f, const struct model *m, const struct model_row *row,
    int64_t now_wall_ms);

#endif
