/* paths: the home directory, "~" expansion and the XDG base directories. */
#include "config.h"

#include "src/paths.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/xalloc.h"

char *
paths_home(void)
{
	const char *home = getenv("HOME");
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (home != NULL && home[0] == '/')
		return xstrdup(home);
	if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) != 0 || res == NULL ||
	    pw.pw_dir == NULL || pw.pw_dir[0] != '/')
		return NULL;
	return xstrdup(pw.pw_dir);
}

char *
paths_expand(const char *path, char **cause)
{
	const char *rest;
	char *user, *home, *out;
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (path[0] != '~')
		return xstrdup(path);
	rest = strchr(path, '/');
	if (rest == NULL)
		rest = path + strlen(path);
	if (rest == path + 1) {
		if ((home = paths_home()) == NULL) {
			*cause = xasprintf("cannot expand '%s': no home directory", path);
			return NULL;
		}
	} else {
		user = xstrndup(path + 1, (size_t)(rest - path - 1));
		if (getpwnam_r(user, &pw, buf, sizeof buf, &res) != 0 || res == NULL) {
			*cause = xasprintf("cannot expand '%s': no user '%s'", path, user);
			free(user);
			return NULL;
		}
		free(user);
		home = xstrdup(pw.pw_dir);
	}
	out = xasprintf("%s%s", home, rest);
	free(home);
	return out;
}

/* $VAR/bitstop/leaf when VAR is absolute, else ~/fallback/bitstop/leaf; NULL if no home. */
static char *
paths_xdg(const char *var, const char *fallback, const char *leaf)
{
	const char *base = getenv(var);
	char *home, *path;

	if (base != NULL && base[0] == '/')
		return xasprintf("%s/bitstop%s", base, leaf);
	if ((home = paths_home()) == NULL)
		return NULL;
	path = xasprintf("%s/%s/bitstop%s", home, fallback, leaf);
	free(home);
	return path;
}

char *
paths_config_dir(void)
{
	return paths_xdg("XDG_CONFIG_HOME", ".config", "");
}

char *
paths_audit_log(void)
{
	return paths_xdg("XDG_STATE_HOME", ".local/state", "/audit.log");
}
