/*
 * opslog: the operations of earlier runs, read back from the audit log (one
 * JSON object per line: an intent line per request before it leaves, an
 * outcome line after the answer, both carrying the operation's "op" id).
 * Lines without an op id (written by --action, or by an older bitstop) are
 * not operations of the screen and are skipped; so are lines that do not
 * parse. Uses json-c; no curses.
 */
#ifndef BITSTOP_TUI_OPSLOG_H
#define BITSTOP_TUI_OPSLOG_H

#include <stddef.h>

struct ops;

/*
 * Add the last `keep` operations found in the log at path to o, oldest first,
 * marked past (requests never answered make an operation Stopped). Only the
 * log's last few megabytes are read. -1 with *cause when the file cannot be
 * read; a missing file is no operations.
 */
int opslog_load(struct ops *o, const char *path, size_t keep, char **cause);

#endif
