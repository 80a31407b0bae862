/* creds: where passwords come from (bitstop(1), DESCRIPTION); never from argv. */
#ifndef BITSTOP_CREDS_H
#define BITSTOP_CREDS_H

#include <stdbool.h>
#include <stdint.h>

/* How long a password_command may run when no other deadline applies (the screen). */
#define CREDS_COMMAND_TIMEOUT_MS 30000

struct config;

/*
 * Give every host that needs one a password, in order: its password_command (first
 * line of stdout), $BITSTOP_PASSWORD, ~/.netrc (machine = host name), and, when
 * interactive, one prompt per distinct user on the terminal with echo off.
 * Hosts using negotiate need none. -1 with *cause (which never holds a secret).
 * Afterwards $BITSTOP_PASSWORD is gone from the environment, its value overwritten
 * (call it before any thread starts).
 */
int creds_resolve(struct config *cfg, bool interactive, char **cause);
/*
 * The same with a deadline for each password_command (ms): one that runs longer,
 * or is interrupted by SIGINT, SIGTERM or SIGHUP, is killed with its whole process
 * group, and the message names the command.
 */
int creds_resolve_timed(struct config *cfg, bool interactive, int64_t command_timeout_ms,
    char **cause);

/*
 * Refuse a file holding a password that group or others can read, as ssh does:
 * 0 when private enough, -1 with *cause naming the file and its mode.
 */
int creds_check_file_private(const char *path, char **cause);

#endif
