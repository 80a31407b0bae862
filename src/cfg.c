/* cfg: the config object, its defaults, and where the config file is found. */
#include "config.h"

#include "src/cfg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/paths.h"
#include "src/xalloc.h"

void
host_settings_init(struct host_settings *s)
{
	memset(s, 0, sizeof *s);
	s->auth = AUTH_BASIC;
	s->scheme = xstrdup("https");
	s->verify_tls = true;
	s->timeout = 15.0;
}

/* Backend choice names, indexed by enum backend_choice. */
static const char *const backend_names[] = {
	[BACKEND_AUTO] = "auto", [BACKEND_WMI] = "wmi", [BACKEND_SHELL] = "shell",
};

int
config_backend_parse(const char *name)
{
	for (size_t i = 0; i < sizeof backend_names / sizeof backend_names[0]; i++)
		if (name != NULL && strcasecmp(name, backend_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
config_backend_name(enum backend_choice b)
{
	return (size_t)b < sizeof backend_names / sizeof backend_names[0] ? backend_names[b] : "?";
}

void
host_settings_copy(struct host_settings *dst, const struct host_settings *src)
{
	*dst = *src;
	dst->user = xstrdup_or_null(src->user);
	dst->scheme = xstrdup_or_null(src->scheme);
	dst->cacert = xstrdup_or_null(src->cacert);
	dst->password_command = xstrdup_or_null(src->password_command);
	dst->password = xstrdup_or_null(src->password);
}

void
host_settings_done(struct host_settings *s)
{
	free(s->user);
	free(s->scheme);
	free(s->cacert);
	free(s->password_command);
	xfree_secret(s->password);
	memset(s, 0, sizeof *s);
}

void
host_cfg_done(struct host_cfg *h)
{
	free(h->name);
	free(h->hostname);
	free(h->url);
	free(h->group);
	free(h->origin);
	host_settings_done(&h->settings);
	memset(h, 0, sizeof *h);
}

struct config *
config_new(void)
{
	struct config *cfg = xcalloc(1, sizeof *cfg);

	cfg->refresh = 5.0;
	cfg->stall_after = 600.0;
	cfg->theme = xstrdup("default");
	cfg->audit_log = paths_audit_log();
	host_settings_init(&cfg->defaults);
	return cfg;
}

void
config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	free(cfg->path);
	free(cfg->theme);
	free(cfg->audit_log);
	host_settings_done(&cfg->defaults);
	for (i = 0; i < cfg->nhosts; i++)
		host_cfg_done(&cfg->hosts[i]);
	free(cfg->hosts);
	free(cfg->url_slots);
	for (i = 0; i < cfg->nwarnings; i++)
		free(cfg->warnings[i]);
	free(cfg->warnings);
	free(cfg);
}

void
config_add_warning(struct config *cfg, const char *fmt, ...)
{
	va_list ap;

	cfg->warnings = xreallocarray(cfg->warnings, cfg->nwarnings + 1, sizeof *cfg->warnings);
	va_start(ap, fmt);
	cfg->warnings[cfg->nwarnings++] = xvasprintf(fmt, ap);
	va_end(ap);
}

/* True when path exists, or exists but cannot be examined (loading will say why). */
static bool
path_present(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

/* An explicitly named config file: it must exist. */
static char *
config_find_explicit(const char *path, char **cause)
{
	struct stat st;
	char *full;

	if ((full = paths_expand(path, cause)) == NULL)
		return NULL;
	if (stat(full, &st) != 0) {
		*cause = xasprintf("%s: %s", full, strerror(errno));
		free(full);
		return NULL;
	}
	return full;
}

char *
config_find(const char *explicit_path, char **cause)
{
	const char *env = getenv("BITSTOP_CONFIG");
	char *dir, *path = NULL;

	*cause = NULL;
	if (explicit_path != NULL)
		return config_find_explicit(explicit_path, cause);
	if (env != NULL && env[0] != '\0')
		return config_find_explicit(env, cause);
	if ((dir = paths_config_dir()) != NULL) {
		path = xasprintf("%s/bitstop.conf", dir);
		free(dir);
	}
	if (path != NULL && path_present(path))
		return path;
	free(path);
	path = xstrdup(SYSCONFDIR "/bitstop.conf");
	if (path_present(path))
		return path;
	free(path);
	return NULL;
}
