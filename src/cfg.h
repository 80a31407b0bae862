/*
 * cfg (the config module; the file is cfg.h because config.h is autoconf's):
 * bitstop.conf (libconfig syntax, bitstop.conf(5)) plus hosts from the command
 * line and --hosts-file, resolved to one struct host_cfg per host.
 *
 * Every error names the file, the line and what was expected.
 */
#ifndef BITSTOP_CFG_H
#define BITSTOP_CFG_H

#include <stdbool.h>
#include <stddef.h>

enum auth_scheme {
	AUTH_BASIC = 0,
	AUTH_NEGOTIATE
};

/* How a host is reached (`backend`, --backend): decided per host, or forced. */
enum backend_choice {
	BACKEND_AUTO = 0,	/* the BITS WMI provider where it exists, else the shell */
	BACKEND_WMI,		/* BitsClientJob over WS-Man only */
	BACKEND_SHELL		/* PowerShell BitsTransfer in a WinRS shell only */
};

/* Settings a host inherits: built-in, then `defaults`, then its group, then the host. */
struct host_settings {
	char	*user;			/* NULL: none */
	enum auth_scheme auth;		/* default: basic over https (see cfg.c) */
	char	*scheme;		/* "https" or "http" */
	unsigned port;			/* 0: 5986 for https, 5985 for http */
	bool	 verify_tls;
	char	*cacert;		/* NULL: system store */
	double	 timeout;		/* seconds per request */
	char	*password_command;
	char	*password;		/* secret, only from a 0600 config */
	bool	 allow_unencrypted;
	bool	 readonly;
	enum backend_choice backend;
	bool	 system_task;		/* act on LocalSystem's jobs through a SYSTEM task */
};

/* One host to poll: where it is, and the settings it resolved to. */
struct host_cfg {
	char	*name;		/* as the user wrote it ("ws01", "lab1:5985", a URL) */
	char	*hostname;	/* host part only, for netrc and messages */
	char	*url;		/* normalised endpoint, e.g. https://ws01:5986/wsman */
	bool	 https;
	char	*group;		/* NULL when not from a group */
	char	*origin;	/* "file:line" or "command line" or "hosts-file:line", for messages */
	/*
	 * Its own copy of the settings it inherited (url and https above are what
	 * scheme and port resolved to). settings.password is set from the config
	 * or by creds_resolve(); host_cfg_done() frees it with xfree_secret().
	 */
	struct host_settings settings;
};

/* The refresh interval's range, for the config, the command line and the screen alike. */
#define CFG_REFRESH_MIN 0.5
#define CFG_REFRESH_MAX 86400.0
#define CFG_REFRESH_EXPECT "a number of seconds from 0.5 to 86400"

struct config {
	char	*path;		/* file loaded, NULL when none */
	double	 refresh;	/* seconds, >= 0.5 */
	char	*theme;
	bool	 readonly;
	char	*audit_log;	/* expanded path */
	double	 stall_after;	/* seconds a transferring job may not move before it shows STALLED */
	struct host_settings defaults;
	struct host_cfg *hosts;	/* owned array */
	size_t	 nhosts;
	char	**warnings;	/* owned; "file:line: unknown key 'x'" etc. */
	size_t	 nwarnings;
	/* Private to cfg_hosts.c: hosts by URL for the duplicate check (index + 1 per slot). */
	size_t	*url_slots;
	size_t	 url_cap;	/* a power of two, or 0 */
	size_t	 url_count;	/* hosts indexed; rebuilt whenever it is not nhosts */
};

/* Command-line options that override the config for every host. */
struct config_cli {
	const char *user;	/* only for hosts with no user configured */
	int	 auth;		/* -1: keep; else enum auth_scheme */
	bool	 insecure;	/* verify_tls = false everywhere */
	const char *cacert;
	bool	 readonly;
	double	 refresh;	/* 0: keep */
	bool	 set_backend;	/* false: keep each host's backend */
	enum backend_choice backend;
};

/* A config with built-in defaults and no hosts. */
struct config *config_new(void);
void config_free(struct config *cfg);
/*
 * The config file to read: explicit if non-NULL, else $BITSTOP_CONFIG,
 * $XDG_CONFIG_HOME/bitstop/bitstop.conf (~/.config/...), SYSCONFDIR/bitstop.conf.
 * Returns a malloc'd path, or NULL when no file exists (not an error unless explicit).
 */
char *config_find(const char *explicit_path, char **cause);
/* Load a file into cfg (settings, defaults, groups, hosts). -1 with *cause. */
int config_load_file(struct config *cfg, const char *path, char **cause);
/*
 * A copy of a config text in which every integer literal past 32 bits carries
 * libconfig's 64-bit suffix L (libconfig 1.5 wraps it otherwise). NULL with
 * *cause "name:LINE: ..." for one past 64 bits.
 */
char *config_widen_integers(const char *text, const char *name, char **cause);
/* Load from a string (for tests and fuzzing); name is used in messages. */
int config_load_string(struct config *cfg, const char *text, const char *name, char **cause);
/* Add one host given as name, name:port or URL, with the defaults. origin for messages. */
int config_add_host(struct config *cfg, const char *spec, const char *origin, char **cause);
/*
 * The configured host that spec names: the same spelling, else the same endpoint
 * (normalised URL, read with the defaults), or NULL.
 */
struct host_cfg *config_find_host(struct config *cfg, const char *spec);
/* Add hosts from a file (one per line, # comments); "-" is standard input. */
int config_add_hosts_file(struct config *cfg, const char *path, char **cause);
/* Apply command-line overrides to every host. */
void config_apply_cli(struct config *cfg, const struct config_cli *cli);
/* Final checks (e.g. HTTP + basic without allow_unencrypted). -1 with *cause. */
int config_check(const struct config *cfg, char **cause);

/*
 * Parse a host spec into scheme/host/port/path and the normalised URL.
 * A bare name means https://name:5986/wsman; name:5985 means http. One URL per
 * endpoint: scheme and host in lower case, the port always written, no final
 * slash, IP addresses in their canonical form. -1 with *cause.
 */
int host_spec_parse(const char *spec, const struct host_settings *s, char **url, char **hostname,
    bool *https, char **cause);

/* "auto", "wmi", "shell" (any case) as an enum backend_choice; -1 when unknown. */
int config_backend_parse(const char *name);
/* The name of a backend choice ("auto", "wmi", "shell"). */
const char *config_backend_name(enum backend_choice b);

/* Built-in host settings (https, basic, verify TLS, 15 s timeout), into s. */
void host_settings_init(struct host_settings *s);
/* Deep copy of src into dst (dst uninitialised). */
void host_settings_copy(struct host_settings *dst, const struct host_settings *src);
/* Free what s owns (the password with xfree_secret). */
void host_settings_done(struct host_settings *s);
/* Free what one host entry owns, its settings included. */
void host_cfg_done(struct host_cfg *h);
/*
 * Add one host with explicit settings (a group's or a host entry's); group may be
 * NULL. A host whose URL is already listed is dropped with a warning. -1 with *cause.
 */
int config_add_host_with(struct config *cfg, const char *spec, const struct host_settings *s,
    const char *group, const char *origin, char **cause);
/*
 * The keys the config file knows (top level, host settings, group and host entry
 * keys), for documentation checks: i < config_key_count(). A name may appear
 * twice (readonly, hosts).
 */
size_t config_key_count(void);
const char *config_key_name(size_t i);
/* Append a formatted warning to cfg->warnings. */
void config_add_warning(struct config *cfg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#endif
