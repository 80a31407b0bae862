/*
 * paths: where bitstop's files live for this user. The home directory ($HOME,
 * else the password database), "~" and "~user" expansion, and the XDG base
 * directories: the per-user configuration directory ($XDG_CONFIG_HOME/bitstop,
 * else ~/.config/bitstop) and the default audit log ($XDG_STATE_HOME/bitstop/
 * audit.log, else ~/.local/state/bitstop/audit.log). A relative XDG variable is
 * ignored, as the XDG base directory specification says.
 *
 * Every result is malloc'd and owned by the caller.
 */
#ifndef BITSTOP_PATHS_H
#define BITSTOP_PATHS_H

/* The user's home directory ($HOME when absolute, else the password database); NULL if unknown. */
char *paths_home(void);
/* Expand a leading "~" or "~user" in path. NULL with *cause when the user or home is unknown. */
char *paths_expand(const char *path, char **cause);
/* The per-user configuration directory ($XDG_CONFIG_HOME/bitstop or ~/.config/bitstop); NULL if no home. */
char *paths_config_dir(void);
/* The default audit log ($XDG_STATE_HOME/bitstop/audit.log or ~/.local/...); NULL if no home. */
char *paths_audit_log(void);

#endif
