/*
 * audit: the action log (bitstop(1), FILES), one JSON object per line.
 * The intent line is written and flushed (fsync'd) before the request leaves; the
 * outcome line follows the answer. Thread-safe: pollers call it from their threads.
 */
#ifndef BITSTOP_AUDIT_H
#define BITSTOP_AUDIT_H

#include <stdbool.h>

struct action_req;
struct action_result;

/*
 * Open (create 0600, parent directories 0700) for appending; paths_audit_log()
 * is the default path. NULL with *cause.
 */
struct audit *audit_open(const char *path, char **cause);
void audit_close(struct audit *a);
/* Intent line for req on host (name and URL for the record). -1 when it could not be written. */
int audit_intent(struct audit *a, const struct action_req *req, const char *host, const char *url);
/* Outcome line. -1 when it could not be written. */
int audit_outcome(struct audit *a, const struct action_result *res, const char *host);
/*
 * False once a write failed; actions must then be refused. The log recovers by
 * itself once the cause is fixed: audit_ok() reopens the file (at most once a
 * second) and the next audit_intent() reopens it before writing.
 */
bool audit_ok(struct audit *a);
/*
 * Why the log is not usable (NULL when it is). The string belongs to the log and
 * stays valid until the next audit_intent/audit_outcome call.
 */
const char *audit_error(struct audit *a);

#endif
