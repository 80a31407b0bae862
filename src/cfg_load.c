/*
 * cfg_load: bitstop.conf through libconfig into struct config. Each key is
 * checked for type and value; every message names file, line and expectation.
 */
#include "config.h"

#include "src/cfg.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "src/creds.h"
#include "src/paths.h"
#include "src/sanitize.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

/* Stop collecting after this many errors: the rest are usually consequences. */
#define CFG_MAX_ERRORS 20
/* Largest config file read. */
#define CFG_MAX_FILE (16 * 1024 * 1024)
/* Upper bound for any duration, so that conversions to milliseconds cannot overflow. */
#define CFG_MAX_SECONDS 86400.0

/* How a key's value is checked and stored. */
enum key_type {
	KEY_STRING,	/* non-empty string */
	KEY_PATH,	/* non-empty string, "~" expanded */
	KEY_SECRET,	/* non-empty string, never echoed in messages */
	KEY_BOOL,
	KEY_PORT,
	KEY_SECONDS,
	KEY_AUTH,
	KEY_SCHEME,
	KEY_BACKEND
};

/* What each key type expects, for messages. */
static const char *const key_type_expect[] = {
	[KEY_STRING] = "a non-empty string",
	[KEY_PATH] = "a file name (a non-empty string)",
	[KEY_SECRET] = "a non-empty string",
	[KEY_BOOL] = "true or false",
	[KEY_PORT] = "a port number from 1 to 65535",
	[KEY_SECONDS] = "a number of seconds greater than 0",
	[KEY_AUTH] = "\"basic\" or \"negotiate\"",
	[KEY_SCHEME] = "\"https\" or \"http\"",
	[KEY_BACKEND] = "\"auto\", \"wmi\" or \"shell\"",
};

/*
 * The keys a host inherits (in `defaults`, a group or a host entry), declared
 * once: the key name is also the field of struct host_settings.
 */
#define SETTINGS_KEYS(X) \
	X(user, KEY_STRING) \
	X(auth, KEY_AUTH) \
	X(scheme, KEY_SCHEME) \
	X(port, KEY_PORT) \
	X(verify_tls, KEY_BOOL) \
	X(cacert, KEY_PATH) \
	X(timeout, KEY_SECONDS) \
	X(password_command, KEY_STRING) \
	X(password, KEY_SECRET) \
	X(allow_unencrypted, KEY_BOOL) \
	X(readonly, KEY_BOOL) \
	X(backend, KEY_BACKEND) \
	X(system_task, KEY_BOOL)

struct settings_key {
	const char *name;
	enum key_type type;
	size_t	 off;
};

static const struct settings_key settings_keys[] = {
#define X(k, t) { #k, t, offsetof(struct host_settings, k) },
	SETTINGS_KEYS(X)
#undef X
};
#define NSETTINGS_KEYS (sizeof settings_keys / sizeof settings_keys[0])

/* Top-level keys, in the order the documentation lists them. */
static const char *const top_keys[] = {
	"version", "refresh", "theme", "readonly", "audit_log", "stall_after", "defaults", "groups",
	"hosts"
};
#define NTOP_KEYS (sizeof top_keys / sizeof top_keys[0])

/* The keys of a group besides the host settings. */
static const char *const group_keys[] = { "name", "hosts" };
#define NGROUP_KEYS (sizeof group_keys / sizeof group_keys[0])

/* The keys of a host entry ({ host = ...; }) besides the host settings. */
static const char *const host_entry_keys[] = { "host" };
#define NHOST_ENTRY_KEYS (sizeof host_entry_keys / sizeof host_entry_keys[0])

/* Parsing state for one file: where messages point and what went wrong. */
struct cfg_ctx {
	struct config *cfg;
	const char *name;	/* file name for messages */
	struct strbuf errors;	/* messages, one per line */
	unsigned nerrors;
	bool	 has_password;
};

/* The file a setting came from (an @include'd one, or the file being loaded). */
static const char *
ctx_file(const struct cfg_ctx *ctx, const config_setting_t *s)
{
	const char *f = config_setting_source_file(s);

	return f != NULL ? f : ctx->name;
}

/* Record an error "FILE:LINE: message" about setting s. */
static void ctx_error(struct cfg_ctx *ctx, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
ctx_error(struct cfg_ctx *ctx, const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (ctx->nerrors++ >= CFG_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (ctx->errors.len > 0)
		strbuf_addc(&ctx->errors, '\n');
	strbuf_addf(&ctx->errors, "%s:%u: %s", ctx_file(ctx, s), config_setting_source_line(s), msg);
	free(msg);
}

/* Warn about a key that is not allowed here, listing those that are. */
static void
ctx_unknown_key(struct cfg_ctx *ctx, const config_setting_t *s, const char *const *extra,
    size_t nextra, bool settings)
{
	struct strbuf sb;
	const char *name = config_setting_name(s);
	char *safe = sanitize_terminal(name != NULL ? name : "");
	size_t i;

	strbuf_init(&sb);
	for (i = 0; i < nextra; i++)
		strbuf_addf(&sb, "%s%s", sb.len > 0 ? ", " : "", extra[i]);
	for (i = 0; settings && i < NSETTINGS_KEYS; i++)
		strbuf_addf(&sb, "%s%s", sb.len > 0 ? ", " : "", settings_keys[i].name);
	config_add_warning(ctx->cfg, "%s:%u: unknown key '%s' (expected one of %s)",
	    ctx_file(ctx, s), config_setting_source_line(s), safe, sb.s);
	free(safe);
	strbuf_done(&sb);
}

/* A short description of a value for messages; secrets show only their type. */
static char *
value_text(const config_setting_t *s, bool secret)
{
	struct strbuf sb;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_STRING:
		if (secret)
			return xstrdup("a string");
		strbuf_init(&sb);
		sanitize_json_append(&sb, config_setting_get_string(s));
		return strbuf_detach(&sb, NULL);
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return secret ? xstrdup("a number") :
		    xasprintf("%lld", config_setting_get_int64(s));
	case CONFIG_TYPE_FLOAT:
		return secret ? xstrdup("a number") : xasprintf("%g", config_setting_get_float(s));
	case CONFIG_TYPE_BOOL:
		return xstrdup(config_setting_get_bool(s) ? "true" : "false");
	case CONFIG_TYPE_GROUP:
		return xstrdup("a group { ... }");
	case CONFIG_TYPE_LIST:
		return xstrdup("a list ( ... )");
	case CONFIG_TYPE_ARRAY:
		return xstrdup("an array [ ... ]");
	default:
		return xstrdup("an unknown value");
	}
}

/* Record "'key' must be EXPECT (got VALUE)". */
static void
ctx_bad_value(struct cfg_ctx *ctx, const config_setting_t *s, const char *expect, bool secret)
{
	char *got = value_text(s, secret);
	const char *name = config_setting_name(s);

	ctx_error(ctx, s, "'%s' must be %s (got %s)", name != NULL ? name : "value", expect, got);
	free(got);
}

/* A number setting as a double; false (and an error) when it is not a number. */
static bool
get_number(struct cfg_ctx *ctx, const config_setting_t *s, const char *expect, double *out)
{
	if (!config_setting_is_number(s)) {
		ctx_bad_value(ctx, s, expect, false);
		return false;
	}
	if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
		*out = config_setting_get_float(s);
	else
		*out = (double)config_setting_get_int64(s);
	return true;
}

/* A duration in (min, CFG_MAX_SECONDS], min itself allowed when inclusive. */
static bool
get_seconds(struct cfg_ctx *ctx, const config_setting_t *s, const char *expect, double min,
    bool inclusive, double *out)
{
	double v;

	if (!get_number(ctx, s, expect, &v))
		return false;
	if (!(inclusive ? v >= min : v > min)) {
		ctx_bad_value(ctx, s, expect, false);
		return false;
	}
	if (v > CFG_MAX_SECONDS) {
		ctx_error(ctx, s, "'%s' must be at most %.0f seconds (got %g)",
		    config_setting_name(s), CFG_MAX_SECONDS, v);
		return false;
	}
	*out = v;
	return true;
}

/* A non-empty string setting; false (and an error) otherwise. */
static bool
get_string(struct cfg_ctx *ctx, const config_setting_t *s, const char *expect, bool secret,
    const char **out)
{
	const char *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    (v = config_setting_get_string(s)) == NULL || v[0] == '\0') {
		ctx_bad_value(ctx, s, expect, secret);
		return false;
	}
	*out = v;
	return true;
}

/* A boolean setting; false (and an error) otherwise. */
static bool
get_bool(struct cfg_ctx *ctx, const config_setting_t *s, bool *out)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		ctx_bad_value(ctx, s, key_type_expect[KEY_BOOL], false);
		return false;
	}
	*out = config_setting_get_bool(s) != 0;
	return true;
}

/* Replace a string field, freeing the old value (as a secret when asked). */
static void
set_string(char **field, const char *v, bool secret)
{
	if (secret)
		xfree_secret(*field);
	else
		free(*field);
	*field = v != NULL ? xstrdup(v) : NULL;
}

/* Check one settings key and store it into hs. */
static void
apply_setting(struct cfg_ctx *ctx, const config_setting_t *s, const struct settings_key *k,
    struct host_settings *hs)
{
	void *field = (char *)hs + k->off;
	const char *expect = key_type_expect[k->type], *str;
	char *path, *cause = NULL;
	double d;

	switch (k->type) {
	case KEY_STRING:
	case KEY_SECRET:
		if (get_string(ctx, s, expect, k->type == KEY_SECRET, &str))
			set_string(field, str, k->type == KEY_SECRET);
		if (k->type == KEY_SECRET)
			ctx->has_password = true;
		break;
	case KEY_PATH:
		if (!get_string(ctx, s, expect, false, &str))
			break;
		if ((path = paths_expand(str, &cause)) == NULL) {
			ctx_error(ctx, s, "'%s': %s", k->name, cause);
			free(cause);
			break;
		}
		free(*(char **)field);
		*(char **)field = path;
		break;
	case KEY_BOOL:
		get_bool(ctx, s, field);
		break;
	case KEY_PORT:
		if (!config_setting_is_number(s) || config_setting_type(s) == CONFIG_TYPE_FLOAT ||
		    config_setting_get_int64(s) < 1 || config_setting_get_int64(s) > 65535)
			ctx_bad_value(ctx, s, expect, false);
		else
			*(unsigned *)field = (unsigned)config_setting_get_int64(s);
		break;
	case KEY_SECONDS:
		if (get_seconds(ctx, s, expect, 0.0, false, &d))
			*(double *)field = d;
		break;
	case KEY_AUTH:
		if (config_setting_type(s) == CONFIG_TYPE_STRING &&
		    strcasecmp(config_setting_get_string(s), "basic") == 0)
			*(enum auth_scheme *)field = AUTH_BASIC;
		else if (config_setting_type(s) == CONFIG_TYPE_STRING &&
		    strcasecmp(config_setting_get_string(s), "negotiate") == 0)
			*(enum auth_scheme *)field = AUTH_NEGOTIATE;
		else
			ctx_bad_value(ctx, s, expect, false);
		break;
	case KEY_SCHEME:
		if (config_setting_type(s) == CONFIG_TYPE_STRING &&
		    (strcasecmp(config_setting_get_string(s), "https") == 0 ||
		    strcasecmp(config_setting_get_string(s), "http") == 0)) {
			free(*(char **)field);
			*(char **)field = xstrdup(strcasecmp(config_setting_get_string(s),
			    "https") == 0 ? "https" : "http");
		} else
			ctx_bad_value(ctx, s, expect, false);
		break;
	case KEY_BACKEND: {
		int b = config_setting_type(s) == CONFIG_TYPE_STRING ?
		    config_backend_parse(config_setting_get_string(s)) : -1;

		if (b < 0)
			ctx_bad_value(ctx, s, expect, false);
		else
			*(enum backend_choice *)field = (enum backend_choice)b;
		break;
	}
	}
}

/* The settings key called name, or NULL. */
static const struct settings_key *
settings_key_find(const char *name)
{
	size_t i;

	for (i = 0; i < NSETTINGS_KEYS; i++)
		if (strcmp(settings_keys[i].name, name) == 0)
			return &settings_keys[i];
	return NULL;
}

/* True when name is one of the n names. */
static bool
name_in(const char *name, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/*
 * Apply the settings keys of group g onto hs (a copy of what it inherits).
 * Keys in extra are the caller's; anything else is an unknown-key warning. The
 * most specific of password and password_command wins over an inherited one.
 */
static void
apply_settings(struct cfg_ctx *ctx, const config_setting_t *g, const char *const *extra,
    size_t nextra, struct host_settings *hs)
{
	const config_setting_t *pw = config_setting_get_member(g, "password");
	const config_setting_t *cmd = config_setting_get_member(g, "password_command");
	const struct settings_key *k;
	int i, n = config_setting_length(g);

	if (pw != NULL && cmd != NULL)
		ctx_error(ctx, pw, "'password' and 'password_command' cannot both be set in "
		    "the same place (the command at line %u)", config_setting_source_line(cmd));
	else if (pw != NULL)
		set_string(&hs->password_command, NULL, false);
	else if (cmd != NULL)
		set_string(&hs->password, NULL, true);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);

		if (name_in(name, extra, nextra))
			continue;
		if ((k = settings_key_find(name)) != NULL)
			apply_setting(ctx, s, k, hs);
		else
			ctx_unknown_key(ctx, s, extra, nextra, true);
	}
}

/* Add one host named by spec (a string setting) with settings hs. */
static void
load_host_spec(struct cfg_ctx *ctx, const config_setting_t *s, const char *spec,
    const struct host_settings *hs, const char *group)
{
	char *origin = xasprintf("%s:%u", ctx_file(ctx, s), config_setting_source_line(s));
	char *cause = NULL;

	if (config_add_host_with(ctx->cfg, spec, hs, group, origin, &cause) != 0) {
		ctx_error(ctx, s, "%s", cause);
		free(cause);
	}
	free(origin);
}

/* Add the hosts of a `hosts` list: strings, or { host = ...; overrides } groups. */
static void
load_host_list(struct cfg_ctx *ctx, const config_setting_t *list, const struct host_settings *base,
    const char *group)
{
	static const char *const expect =
	    "a list of host names or { host = \"...\"; } groups, e.g. [ \"ws01\", \"ws02:5985\" ]";
	struct host_settings hs;
	const config_setting_t *h;
	const char *spec;
	int i, n;

	if (!config_setting_is_array(list) && !config_setting_is_list(list)) {
		ctx_bad_value(ctx, list, expect, false);
		return;
	}
	n = config_setting_length(list);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);

		if (config_setting_type(e) == CONFIG_TYPE_STRING) {
			load_host_spec(ctx, e, config_setting_get_string(e), base, group);
			continue;
		}
		if (!config_setting_is_group(e)) {
			char *got = value_text(e, false);

			ctx_error(ctx, e, "'hosts' entries must be host names or { host = \"...\"; } "
			    "groups (got %s)", got);
			free(got);
			continue;
		}
		if ((h = config_setting_get_member(e, "host")) == NULL) {
			ctx_error(ctx, e, "host entry has no 'host' (expected { host = \"ws01\"; ... })");
			continue;
		}
		if (!get_string(ctx, h, "a host name, name:port or URL", false, &spec))
			continue;
		host_settings_copy(&hs, base);
		apply_settings(ctx, e, host_entry_keys, NHOST_ENTRY_KEYS, &hs);
		load_host_spec(ctx, h, spec, &hs, group);
		host_settings_done(&hs);
	}
}

/* One element of `groups`: name, hosts and overrides of the defaults. */
static void
load_group(struct cfg_ctx *ctx, const config_setting_t *g)
{
	const config_setting_t *name = config_setting_get_member(g, "name");
	const config_setting_t *hosts = config_setting_get_member(g, "hosts");
	struct host_settings hs;
	const char *gname = NULL;

	if (!config_setting_is_group(g)) {
		char *got = value_text(g, false);

		ctx_error(ctx, g, "'groups' entries must be groups { name = \"...\"; hosts = "
		    "[ ... ]; } (got %s)", got);
		free(got);
		return;
	}
	if (name != NULL && !get_string(ctx, name, "a non-empty string", false, &gname))
		return;
	if (hosts == NULL) {
		ctx_error(ctx, g, "group%s%s has no 'hosts' (expected hosts = [ \"ws01\", ... ];)",
		    gname != NULL ? " " : "", gname != NULL ? gname : "");
		return;
	}
	host_settings_copy(&hs, &ctx->cfg->defaults);
	apply_settings(ctx, g, group_keys, NGROUP_KEYS, &hs);
	load_host_list(ctx, hosts, &hs, gname);
	host_settings_done(&hs);
}

/* The top-level scalar key s (version, refresh, theme, readonly, audit_log, stall_after). */
static void
load_top_scalar(struct cfg_ctx *ctx, const config_setting_t *s)
{
	struct config *cfg = ctx->cfg;
	const char *name = config_setting_name(s), *str;
	char *path, *cause = NULL;
	double d;

	if (strcmp(name, "version") == 0) {
		if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
			ctx_bad_value(ctx, s, "1", false);
		else if (config_setting_get_int64(s) != 1)
			ctx_bad_value(ctx, s, "1 (this bitstop reads version 1 files)", false);
	} else if (strcmp(name, "refresh") == 0) {
		if (get_seconds(ctx, s, CFG_REFRESH_EXPECT, CFG_REFRESH_MIN, true, &d))
			cfg->refresh = d;
	} else if (strcmp(name, "stall_after") == 0) {
		if (get_seconds(ctx, s, "a number of seconds, at least 1", 1.0, true, &d))
			cfg->stall_after = d;
	} else if (strcmp(name, "theme") == 0) {
		if (get_string(ctx, s, "a theme name (a non-empty string)", false, &str))
			set_string(&cfg->theme, str, false);
	} else if (strcmp(name, "readonly") == 0) {
		get_bool(ctx, s, &cfg->readonly);
	} else if (strcmp(name, "audit_log") == 0) {
		if (!get_string(ctx, s, key_type_expect[KEY_PATH], false, &str))
			return;
		if ((path = paths_expand(str, &cause)) == NULL) {
			ctx_error(ctx, s, "'audit_log': %s", cause);
			free(cause);
			return;
		}
		free(cfg->audit_log);
		cfg->audit_log = path;
	}
}

/*
 * The whole file: scalars and `defaults` first (hosts inherit them wherever they
 * appear), then `groups` and `hosts` in file order, which is the hosts' order.
 */
static void
load_root(struct cfg_ctx *ctx, const config_setting_t *root)
{
	const config_setting_t *defaults = config_setting_get_member(root, "defaults");
	int i, n = config_setting_length(root);

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);

		if (!name_in(name, top_keys, NTOP_KEYS))
			ctx_unknown_key(ctx, s, top_keys, NTOP_KEYS, false);
		else
			load_top_scalar(ctx, s);
	}
	if (defaults != NULL) {
		if (config_setting_is_group(defaults))
			apply_settings(ctx, defaults, NULL, 0, &ctx->cfg->defaults);
		else
			ctx_bad_value(ctx, defaults, "a group { user = \"...\"; ... }", false);
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);
		int j, m;

		if (strcmp(name, "hosts") == 0) {
			load_host_list(ctx, s, &ctx->cfg->defaults, NULL);
		} else if (strcmp(name, "groups") == 0) {
			if (!config_setting_is_list(s)) {
				ctx_bad_value(ctx, s, "a list of groups ( { name = \"...\"; hosts = "
				    "[ ... ]; }, ... )", false);
				continue;
			}
			m = config_setting_length(s);
			for (j = 0; j < m; j++)
				load_group(ctx, config_setting_get_elem(s, (unsigned)j));
		}
	}
}

/* Turn a parsed (or failed) libconfig tree into cfg; path is set for files. */
static int
config_load_parsed(struct config *cfg, config_t *lc, int rc, const char *name, const char *path,
    char **cause)
{
	struct cfg_ctx ctx = { .cfg = cfg, .name = name };
	char *pcause = NULL;

	if (rc != CONFIG_TRUE) {
		if (config_error_type(lc) == CONFIG_ERR_FILE_IO)
			*cause = xasprintf("%s: cannot read the file", config_error_file(lc) != NULL ?
			    config_error_file(lc) : name);
		else
			*cause = xasprintf("%s:%d: %s", config_error_file(lc) != NULL ?
			    config_error_file(lc) : name, config_error_line(lc),
			    config_error_text(lc) != NULL ? config_error_text(lc) : "syntax error");
		return -1;
	}
	strbuf_init(&ctx.errors);
	load_root(&ctx, config_root_setting(lc));
	if (ctx.has_password && path != NULL && creds_check_file_private(path, &pcause) != 0) {
		if (ctx.errors.len > 0)
			strbuf_addc(&ctx.errors, '\n');
		strbuf_adds(&ctx.errors, pcause);
		free(pcause);
		ctx.nerrors++;
	}
	if (ctx.nerrors > CFG_MAX_ERRORS)
		strbuf_addf(&ctx.errors, "\n%s: %u more errors not shown", name,
		    ctx.nerrors - CFG_MAX_ERRORS);
	if (ctx.nerrors > 0) {
		*cause = strbuf_detach(&ctx.errors, NULL);
		return -1;
	}
	strbuf_done(&ctx.errors);
	return 0;
}

int
config_load_string(struct config *cfg, const char *text, const char *name, char **cause)
{
	config_t lc;
	char *wide;
	int rc;

	if ((wide = config_widen_integers(text, name, cause)) == NULL)
		return -1;
	config_init(&lc);
	rc = config_read_string(&lc, wide);
	rc = config_load_parsed(cfg, &lc, rc, name, NULL, cause);
	config_destroy(&lc);
	free(wide);
	return rc;
}

int
config_load_file(struct config *cfg, const char *path, char **cause)
{
	struct stat st;
	config_t lc;
	char *dir, *slash, *text, *wide;
	size_t len;
	FILE *f;
	int rc;

	if ((f = fopen(path, "r")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		*cause = xasprintf("%s: not a regular file", path);
		return -1;
	}
	if (st.st_size > CFG_MAX_FILE) {
		fclose(f);
		*cause = xasprintf("%s: larger than %d MiB", path, CFG_MAX_FILE / (1024 * 1024));
		return -1;
	}
	/* Read here rather than by libconfig: integers past 32 bits get widened first. */
	text = xmalloc(CFG_MAX_FILE + 1);
	len = fread(text, 1, CFG_MAX_FILE, f);
	text[len] = '\0';
	if (ferror(f)) {
		fclose(f);
		free(text);
		*cause = xasprintf("%s: cannot read the file", path);
		return -1;
	}
	fclose(f);
	wide = config_widen_integers(text, path, cause);
	free(text);
	if (wide == NULL)
		return -1;
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir ? 1 : 0] = '\0';
	else
		strcpy(dir, ".");
	config_init(&lc);
	config_set_include_dir(&lc, dir);
	rc = config_read_string(&lc, wide);
	rc = config_load_parsed(cfg, &lc, rc, path, path, cause);
	config_destroy(&lc);
	free(wide);
	free(dir);
	if (rc == 0) {
		free(cfg->path);
		cfg->path = xstrdup(path);
	}
	return rc;
}

size_t
config_key_count(void)
{
	return NTOP_KEYS + NSETTINGS_KEYS + NGROUP_KEYS + NHOST_ENTRY_KEYS;
}

const char *
config_key_name(size_t i)
{
	if (i < NTOP_KEYS)
		return top_keys[i];
	i -= NTOP_KEYS;
	if (i < NSETTINGS_KEYS)
		return settings_keys[i].name;
	i -= NSETTINGS_KEYS;
	if (i < NGROUP_KEYS)
		return group_keys[i];
	i -= NGROUP_KEYS;
	return i < NHOST_ENTRY_KEYS ? host_entry_keys[i] : NULL;
}
