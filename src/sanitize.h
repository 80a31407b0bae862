/*
 * sanitize: make server text safe before it reaches a terminal, TSV or JSON.
 *
 * Server strings are hostile until proven otherwise: they may hold invalid UTF-8,
 * C0/C1 control characters and complete escape sequences.
 */
#ifndef BITSTOP_SANITIZE_H
#define BITSTOP_SANITIZE_H

#include <stddef.h>

struct strbuf;

/*
 * Copy for the terminal: invalid UTF-8 becomes U+FFFD; C0 controls (tab, newline
 * included), DEL and C1 controls (U+0080..U+009F) become U+FFFD, so no escape
 * sequence survives; so do bidi controls and invisible characters (zero-width,
 * U+FEFF, the tag block, U+2028/U+2029). Returns a malloc'd string; NULL maps to "".
 */
char *sanitize_terminal(const char *s);
/* Same, appended to a buffer. */
void sanitize_terminal_append(struct strbuf *sb, const char *s);
/* Append s as a JSON string literal (quotes included): U+FFFD for invalid UTF-8, \uXXXX for controls. */
void sanitize_json_append(struct strbuf *sb, const char *s);
/* Append s as a TSV field: invalid UTF-8 to U+FFFD, \t \n \\ escaped, other controls to U+FFFD. */
void sanitize_tsv_append(struct strbuf *sb, const char *s);
/* Trim Windows' trailing ". " / ".  " whitespace in place (keeps the final dot). */
void sanitize_trim_right(char *s);

#endif
