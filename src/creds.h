/* creds: where passwords come from (bitstop(1), DESCRIPTION); never from argv. */
#ifndef BITSTOP_CREDS_H
#define BITSTOP_CREDS_H

#include <stdbool.h>

struct config;

/*
 * Give every host that needs one a password, in order: its password_command (first
 * line of stdout), $BITSTOP_PASSWORD, ~/.netrc (machine = host name), and, when
 * interactive, one prompt per distinct user on the terminal with echo off.
 * Hosts using negotiate need none. -1 with *cause (which never holds a secret).
 */
int creds_resolve(struct config *cfg, bool interactive, char **cause);

/*
 * Refuse a file holding a password that group or others can read, as ssh does:
 * 0 when private enough, -1 with *cause naming the file and its mode.
 */
int creds_check_file_private(const char *path, char **cause);

#endif
