#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "tui/app.h"
#include "src/audit.h"
#include "src/paths.h"
#include "cli/batch.h"
#include "src/cfg.h"
#include "src/creds.h"
#include "cli/demo.h"
#include "src/poller.h"
#include "src/xalloc.h"

#define DEMO_DEFAULT_HOSTS 8
#define DEMO_MAX_HOSTS 2000

enum {
	OPT_CACERT = 256,
	OPT_THEME,
	OPT_NO_COLOR,
	OPT_DEMO,
	OPT_ONCE,
	OPT_FORMAT,
	OPT_ACTION,
	OPT_JOB,
	OPT_BACKEND
};

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "hosts-file", required_argument, NULL, 'f' },
	{ "user", required_argument, NULL, 'u' },
	{ "auth", required_argument, NULL, 'a' },
	{ "delay", required_argument, NULL, 'd' },
	{ "readonly", no_argument, NULL, 'r' },
	{ "insecure", no_argument, NULL, 'k' },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "demo", optional_argument, NULL, OPT_DEMO },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "action", required_argument, NULL, OPT_ACTION },
	{ "job", required_argument, NULL, OPT_JOB },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct options {
	const char *config;
	const char **hosts_files;
	size_t	 nhosts_files;
	const char *user;
	int	 auth;
	int	 backend;	/* -1: as configured */
	double	 delay;
	bool	 readonly;
	bool	 insecure;
	const char *cacert;
	const char *theme;
	bool	 no_color;
	unsigned demo;		/* 0: off */
	bool	 once;
	int	 format;
	const char *action;
	char	**jobs;
	size_t	 njobs;
	bool	 verbose;
};

/* --help text. */
static void
usage(FILE *f)
{
	fputs(
"Usage: bitstop [OPTIONS] [HOST...]\n"
"Watch and control the BITS transfer jobs of many Windows hosts over WinRM.\n"
"\n"
"HOST is name, name:port, or http[s]://name[:port][/wsman]; a bare name means\n"
"http://name:5985/wsman, WinRM's default listener, every message encrypted\n"
"(https://name:5986/wsman with --auth basic). Hosts also come from the config\n"
"file and --hosts-file.\n"
"\n"
"Options:\n"
"  -c, --config FILE      config file (default: $BITSTOP_CONFIG,\n"
"                         $XDG_CONFIG_HOME/bitstop/bitstop.conf, " SYSCONFDIR "/bitstop.conf)\n"
"  -f, --hosts-file FILE  one host per line, # comments; - is standard input\n"
"  -u, --user USER        user for hosts that have none configured\n"
"                         (DOMAIN\\user or user@REALM)\n"
"  -a, --auth SCHEME      negotiate (default: Kerberos when a ticket can be had,\n"
"                         else NTLM), kerberos, ntlm, or basic\n"
"      --backend KIND     auto (default: the BITS WMI provider where it exists,\n"
"                         else PowerShell in a WinRS shell), wmi or shell\n"
"  -d, --delay SECONDS    refresh interval (default 5, from 0.5 to 86400)\n"
"  -r, --readonly         send no action; action keys explain why\n"
"  -k, --insecure         do not verify TLS certificates\n"
"      --cacert FILE      CA bundle for TLS verification\n"
"      --theme NAME       colour theme (default, light, mono, solarized-dark, ...)\n"
"      --no-color         monochrome (NO_COLOR in the environment does the same)\n"
"      --demo[=N]         monitor an embedded simulated fleet of N hosts (default 8)\n"
"      --once             poll every host once, print, exit\n"
"      --format FORMAT    output of --once: table (default), json or tsv\n"
"      --action ACTION    act on the --job jobs of exactly one HOST: cancel, complete,\n"
"                         resume, suspend, priority=foreground|high|normal|low\n"
"      --job GUID         job for --action; may repeat\n"
"  -v, --verbose          with --once/--action: log each request to stderr\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"Passwords never come from the command line: password_command in the config,\n"
"$BITSTOP_PASSWORD, ~/.netrc, or a prompt.\n"
"\n"
"Exit status: 0 success; 1 a host or job failed; 2 usage or configuration error;\n"
"3 authentication failed on every host; 130 interrupted.\n", f);
}

/* Print a usage error and exit 2. */
static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("bitstop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'bitstop --help'.\n", stderr);
	exit(EXIT_USAGE);
}

/* The config whose warnings print_warnings() shows, and how many it has shown. */
static const struct config *warn_cfg;
static size_t warn_shown;

/* Print the config's warnings not shown yet: before any error, so that none is lost. */
static void
print_warnings(void)
{
	for (; warn_cfg != NULL && warn_shown < warn_cfg->nwarnings; warn_shown++)
		fprintf(stderr, "bitstop: warning: %s\n", warn_cfg->warnings[warn_shown]);
}

/* Print a configuration error (consuming cause) and exit 2. */
static void __attribute__((noreturn))
config_error(char *cause)
{
	print_warnings();
	fprintf(stderr, "bitstop: %s\n", cause);
	free(cause);
	exit(EXIT_USAGE);
}

/* Parse a refresh interval in seconds (the config's range) or exit with a usage error. */
static double
parse_seconds(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= CFG_REFRESH_MIN) || v > CFG_REFRESH_MAX)
		usage_error("%s: '%s': expected %s", what, s, CFG_REFRESH_EXPECT);
	return v;
}

/* --demo[=N]: the number of simulated hosts. */
static unsigned
parse_demo_hosts(const char *arg)
{
	char *end;
	unsigned long n;

	if (arg == NULL)
		return DEMO_DEFAULT_HOSTS;
	n = strtoul(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || n < 1 || n > DEMO_MAX_HOSTS)
		usage_error("--demo: '%s' is not a host count from 1 to %d", arg, DEMO_MAX_HOSTS);
	return (unsigned)n;
}

/* --version: ours and the libraries'. */
static void __attribute__((noreturn))
print_version(void)
{
	printf("bitstop %s\n", PACKAGE_VERSION);
	printf("libcurl %s, libxml2 %s\n", curl_version_info(CURLVERSION_NOW)->version,
	    LIBXML_DOTTED_VERSION);
	exit(EXIT_OK);
}

/* An option about which hosts to reach and how (config, user, TLS...); false if not one. */
static bool
parse_host_option(int c, const char *arg, struct options *o)
{
	switch (c) {
	case 'c':
		o->config = arg;
		return true;
	case 'f':
		o->hosts_files = xreallocarray(o->hosts_files, o->nhosts_files + 1,
		    sizeof *o->hosts_files);
		o->hosts_files[o->nhosts_files++] = arg;
		return true;
	case 'u':
		if (arg[0] == '\0')
			usage_error("-u: the user name is empty");
		o->user = arg;
		return true;
	case 'a':
		if (strcasecmp(arg, "basic") == 0)
			o->auth = AUTH_BASIC;
		else if (strcasecmp(arg, "negotiate") == 0)
			o->auth = AUTH_NEGOTIATE;
		else if (strcasecmp(arg, "kerberos") == 0)
			o->auth = AUTH_KERBEROS;
		else if (strcasecmp(arg, "ntlm") == 0)
			o->auth = AUTH_NTLM;
		else
			usage_error("--auth: '%s' is not negotiate, kerberos, ntlm or basic", arg);
		return true;
	case OPT_BACKEND:
		if ((o->backend = config_backend_parse(arg)) < 0)
			usage_error("--backend: '%s' is not auto, wmi or shell", arg);
		return true;
	case 'd':
		o->delay = parse_seconds(arg, "--delay");
		return true;
	case 'r':
		o->readonly = true;
		return true;
	case 'k':
		o->insecure = true;
		return true;
	case OPT_CACERT:
		o->cacert = arg;
		return true;
	default:
		return false;
	}
}

/* An option about what to do and show (mode, format, theme, help); exits on an unknown one. */
static void
parse_mode_option(int c, char *arg, struct options *o)
{
	switch (c) {
	case OPT_THEME:
		o->theme = arg;
		break;
	case OPT_NO_COLOR:
		o->no_color = true;
		break;
	case OPT_DEMO:
		o->demo = parse_demo_hosts(arg);
		break;
	case OPT_ONCE:
		o->once = true;
		break;
	case OPT_FORMAT:
		o->format = output_format_from_name(arg);
		if (o->format < 0)
			usage_error("--format: '%s' is not table, json or tsv", arg);
		break;
	case OPT_ACTION:
		o->action = arg;
		break;
	case OPT_JOB:
		o->jobs = xreallocarray(o->jobs, o->njobs + 1, sizeof *o->jobs);
		o->jobs[o->njobs++] = arg;
		break;
	case 'v':
		o->verbose = true;
		break;
	case 'h':
		usage(stdout);
		exit(EXIT_OK);
	case 'V':
		print_version();
	default:
		fputs("Try 'bitstop --help'.\n", stderr);
		exit(EXIT_USAGE);
	}
}

/* Command line into opts; returns the index of the first HOST argument. */
static int
parse_options(int argc, char **argv, struct options *o)
{
	int c;

	o->auth = -1;
	o->backend = -1;
	o->format = OUTPUT_TABLE;
	while ((c = getopt_long(argc, argv, "c:f:u:a:d:rkvhV", long_options, NULL)) != -1)
		if (!parse_host_option(c, optarg, o))
			parse_mode_option(c, optarg, o);
	return optind;
}

/* Turn --action ACTION into a batch action; exits on a bad name. */
static void
parse_action(const char *s, struct batch_action *act)
{
	if (strncasecmp(s, "priority=", 9) == 0) {
		int prio = bits_priority_from_name(s + 9);

		if (prio < 0)
			usage_error("--action: '%s' is not foreground, high, normal or low", s + 9);
		act->kind = ACTION_PRIORITY;
		act->priority = (unsigned)prio;
		return;
	}
	if (strcasecmp(s, "cancel") == 0)
		act->kind = ACTION_CANCEL;
	else if (strcasecmp(s, "complete") == 0)
		act->kind = ACTION_COMPLETE;
	else if (strcasecmp(s, "resume") == 0)
		act->kind = ACTION_RESUME;
	else if (strcasecmp(s, "suspend") == 0)
		act->kind = ACTION_SUSPEND;
	else
		usage_error("--action: '%s' is not cancel, complete, resume, suspend or "
		    "priority=foreground|high|normal|low", s);
}

/* A job id must look like {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}. */
static bool
valid_job_id(const char *s)
{
	static const char shape[] = "{........-....-....-....-............}";

	if (strlen(s) != sizeof shape - 1)
		return false;
	for (size_t i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == '.') {
			if (strchr("0123456789abcdefABCDEF", s[i]) == NULL || s[i] == '\0')
				return false;
		} else if (s[i] != shape[i]) {
			return false;
		}
	}
	return true;
}

/* Keep only the host spec names, in any spelling of its URL (adding it when not configured). */
static void
keep_one_host(struct config *cfg, const char *spec)
{
	struct host_cfg *h = config_find_host(cfg, spec);
	size_t keep = h != NULL ? (size_t)(h - cfg->hosts) : cfg->nhosts;
	char *cause = NULL;

	if (keep == cfg->nhosts) {
		if (config_add_host(cfg, spec, "command line", &cause) != 0)
			config_error(cause);
		keep = cfg->nhosts - 1;
	}
	for (size_t i = 0; i < cfg->nhosts; i++)
		if (i != keep)
			host_cfg_done(&cfg->hosts[i]);
	if (keep != 0)
		cfg->hosts[0] = cfg->hosts[keep];
	cfg->nhosts = 1;
}

/* Open the audit log; NULL with *why (malloc'd) when it cannot be written. */
static struct audit *
open_audit(const struct config *cfg, char **why)
{
	char *path = cfg->audit_log != NULL ? xstrdup(cfg->audit_log) : paths_audit_log();
	char *cause = NULL;
	struct audit *a = audit_open(path, &cause);

	if (a == NULL)
		*why = cause;	/* already names the log: "audit log PATH: ..." */
	else
		free(cause);
	free(path);
	return a;
}

/*
 * Raise the soft limit on open files to what the fleet needs (every host keeps
 * one keep-alive connection open; a sixteenth more and a reserve for the rest),
 * up to the hard limit. When the hard limit is
 * lower, the poller keeps fewer connections (hosts wait their turn rather than
 * fail to connect): say so once, with how to raise it.
 */
static void
raise_nofile_limit(struct config *cfg)
{
	rlim_t need = (rlim_t)cfg->nhosts + cfg->nhosts / 16 + POLLER_FD_RESERVE;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need :
		    rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		uintmax_t at_once = rl.rlim_max > POLLER_FD_RESERVE + 8 ?
		    (uintmax_t)(rl.rlim_max - POLLER_FD_RESERVE) : 8;

		config_add_warning(cfg, "the open-file limit (hard limit %ju) is too low for %zu "
		    "hosts (about %ju needed): at most %ju are polled at once, the others wait "
		    "their turn; raise it with 'ulimit -Hn %ju' (as root), LimitNOFILE= in a "
		    "systemd unit or 'nofile' in /etc/security/limits.conf",
		    (uintmax_t)rl.rlim_max, cfg->nhosts, (uintmax_t)need, at_once,
		    (uintmax_t)need);
	}
}

/* The combinations of options that make no sense; exits with a usage error. */
static void
check_options(const struct options *o, int nhosts)
{
	if (o->action != NULL && o->once)
		usage_error("--once and --action cannot be combined");
	if (o->action != NULL && nhosts != 1)
		usage_error("--action needs exactly one HOST (got %d)", nhosts);
	if (o->action != NULL && o->njobs == 0)
		usage_error("--action needs at least one --job GUID");
	if (o->action == NULL && o->njobs > 0)
		usage_error("--job is only used with --action");
	for (size_t i = 0; i < o->njobs; i++)
		if (!valid_job_id(o->jobs[i]))
			usage_error("--job: '%s' is not a job id like "
			    "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}", o->jobs[i]);
}

/*
 * Process-wide set-up, before any thread exists (libcurl and libxml2 must be
 * initialised once, single-threaded). Only the character type comes from the
 * environment (wide characters on the screen); numbers stay in the C locale.
 */
static void
process_init(void)
{
	setlocale(LC_CTYPE, "");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	signal(SIGPIPE, SIG_IGN);
}

/* The config file (not for --demo), the hosts files and HOST arguments, the overrides. */
static struct config *
load_config(const struct options *o, char **hosts, int nhosts)
{
	struct config_cli cli = { 0 };
	struct config *cfg = config_new();
	char *cause = NULL, *path;

	warn_cfg = cfg;
	if (!o->demo) {
		path = config_find(o->config, &cause);
		if (path == NULL && cause != NULL)
			config_error(cause);
		if (path != NULL && config_load_file(cfg, path, &cause) != 0) {
			free(path);
			config_error(cause);
		}
		free(path);
	}
	/* before hosts are added: the scheme decides what a bare name means */
	if (o->auth >= 0)
		cfg->defaults.auth = (enum auth_scheme)o->auth;
	for (size_t i = 0; i < o->nhosts_files; i++)
		if (config_add_hosts_file(cfg, o->hosts_files[i], &cause) != 0)
			config_error(cause);
	if (o->action != NULL) {
		keep_one_host(cfg, hosts[0]);
	} else {
		for (int i = 0; i < nhosts; i++)
			if (config_add_host(cfg, hosts[i], "command line", &cause) != 0)
				config_error(cause);
	}
	cli.user = o->user;
	cli.auth = o->auth;
	cli.set_backend = o->backend >= 0;
	cli.backend = o->backend >= 0 ? (enum backend_choice)o->backend : BACKEND_AUTO;
	cli.insecure = o->insecure;
	cli.cacert = o->cacert;
	cli.readonly = o->readonly;
	cli.refresh = o->delay;
	config_apply_cli(cfg, &cli);
	return cfg;
}

/* --action: refused when read-only or without a writable audit log. The exit status. */
static int
run_action(struct config *cfg, const struct options *o)
{
	struct batch_action act = { .jobs = o->jobs, .njobs = o->njobs };
	struct audit *audit;
	char *why = NULL;
	int rc;

	parse_action(o->action, &act);
	if (cfg->readonly || cfg->hosts[0].settings.readonly) {
		fprintf(stderr, "bitstop: %s is read-only (%s): no action sent\n",
		    cfg->hosts[0].name, o->readonly ? "--readonly" : "readonly in the config");
		return EXIT_USAGE;
	}
	if ((audit = open_audit(cfg, &why)) == NULL) {
		fprintf(stderr, "bitstop: %s; actions are refused until it can be written\n", why);
		free(why);
		return EXIT_USAGE;
	}
	rc = batch_action(cfg, &act, audit, o->verbose);
	audit_close(audit);
	return rc;
}

/* The interactive screen: the pollers, then the TUI until the user quits. The exit status. */
static int
run_tui(struct config *cfg, const struct options *o, bool demo, bool insecure)
{
	struct app app = { 0 };
	struct poller_opts popts = { 0 };
	const char *no_color = getenv("NO_COLOR");
	char *cause = NULL;
	int rc;

	app.cfg = cfg;
	app.audit = open_audit(cfg, &app.audit_error);
	app.theme = o->theme != NULL ? o->theme : cfg->theme;
	app.no_color = o->no_color || (no_color != NULL && *no_color != '\0');
	app.readonly = cfg->readonly;
	app.demo = demo;
	app.refresh = cfg->refresh;
	app.insecure = insecure;
	popts.interval_ms = (unsigned)(cfg->refresh * 1000.0);
	popts.audit = app.audit;
	popts.reuse_jobs = true;	/* the model takes unchanged jobs from its last snapshot */
	app.poller = poller_new(cfg, &popts);
	if (poller_start(app.poller, &cause) != 0) {
		fprintf(stderr, "bitstop: %s\n", cause);
		free(cause);
		rc = EXIT_FAILED;
	} else {
		rc = app_run_tui(&app);
	}
	/* The user has quit: a hangup or second signal now (a closing terminal
	 * window) must not cut the clean-up short (the demo's simulator and files). */
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	poller_free(app.poller);
	audit_close(app.audit);
	free(app.audit_error);
	return rc;
}

/*
 * The passwords, once the process can no longer dump core or be traced by the
 * user's other processes (debuggers: BITSTOP_ALLOW_CORE=1). A password_command
 * gets the batch modes' deadline, or 30 s before the screen. Exits on failure.
 */
static void
resolve_credentials(struct config *cfg, const struct options *o, struct demo *demo)
{
	const char *allow = getenv("BITSTOP_ALLOW_CORE");
	char *cause = NULL;

	if (allow == NULL || strcmp(allow, "1") != 0)
		prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L);
	if (creds_resolve_timed(cfg, isatty(STDIN_FILENO) && isatty(STDERR_FILENO),
	    o->once || o->action != NULL ? batch_deadline_ms(cfg, 3) : CREDS_COMMAND_TIMEOUT_MS,
	    &cause) != 0) {
		demo_stop(demo);
		config_error(cause);
	}
}

/* The screen's theme must exist before the screen starts: an error now, not a message on it. */
static void
check_theme(const struct config *cfg, const struct options *o, struct demo *demo)
{
	char *cause = NULL, *msg;

	if (o->once || o->action != NULL ||
	    app_check_theme(o->theme != NULL ? o->theme : cfg->theme != NULL ? cfg->theme : "default",
	    &cause) == 0)
		return;
	msg = xasprintf("%s %s", o->theme != NULL ? "--theme:" : "config 'theme':", cause);
	free(cause);
	demo_stop(demo);
	config_error(msg);
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct config *cfg;
	struct demo *demo = NULL;
	char *cause = NULL;
	int first, rc;
	bool insecure = false;

	first = parse_options(argc, argv, &o);
	check_options(&o, argc - first);
	process_init();
	cfg = load_config(&o, argv + first, argc - first);
	if (o.demo) {
		demo = demo_start(o.demo, &cause);
		if (demo == NULL) {
			fprintf(stderr, "bitstop: --demo: %s\n", cause);
			free(cause);
			config_free(cfg);
			return EXIT_FAILED;
		}
		demo_add_hosts(demo, cfg);
	}
	if (cfg->nhosts == 0) {
		print_warnings();
		warn_cfg = NULL;
		config_free(cfg);
		usage_error("no hosts: name some on the command line, in the config file or with "
		    "--hosts-file, or try --demo");
	}
	if (config_check(cfg, &cause) != 0) {
		demo_stop(demo);
		config_error(cause);
	}
	raise_nofile_limit(cfg);
	resolve_credentials(cfg, &o, demo);
	check_theme(cfg, &o, demo);
	/* After the credentials: they add warnings of their own (e.g. a readable ~/.netrc). */
	print_warnings();
	/* -k warns once in every mode (the screen also shows a marker). */
	for (size_t i = 0; i < cfg->nhosts && !insecure; i++)
		insecure = !cfg->hosts[i].settings.verify_tls && cfg->hosts[i].https;
	if (insecure)
		fprintf(stderr, "bitstop: warning: TLS certificates are not verified "
		    "(--insecure or verify_tls = false)\n");

	if (o.once)
		rc = batch_once(cfg, (enum output_format)o.format, o.verbose);
	else if (o.action != NULL)
		rc = run_action(cfg, &o);
	else
		rc = run_tui(cfg, &o, demo != NULL, insecure);
	demo_stop(demo);
	config_free(cfg);
	free(o.hosts_files);
	free(o.jobs);
	xmlCleanupParser();
	curl_global_cleanup();
	return rc;
}
