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
#include <sys/resource.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "tui/app.h"
#include "src/audit.h"
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
	OPT_JOB
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
"https://name:5986/wsman. Hosts also come from the config file and --hosts-file.\n"
"\n"
"Options:\n"
"  -c, --config FILE      config file (default: $BITSTOP_CONFIG,\n"
"                         $XDG_CONFIG_HOME/bitstop/bitstop.conf, " SYSCONFDIR "/bitstop.conf)\n"
"  -f, --hosts-file FILE  one host per line, # comments; - is standard input\n"
"  -u, --user USER        user for hosts that have none configured\n"
"                         (DOMAIN\\user or user@REALM)\n"
"  -a, --auth SCHEME      basic or negotiate (Kerberos through GSS-API)\n"
"  -d, --delay SECONDS    refresh interval (default 5, minimum 0.5)\n"
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

/* Print a configuration error (consuming cause) and exit 2. */
static void __attribute__((noreturn))
config_error(char *cause)
{
	fprintf(stderr, "bitstop: %s\n", cause);
	free(cause);
	exit(EXIT_USAGE);
}

/* Parse a decimal number of seconds. */
static double
parse_seconds(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v != v)
		usage_error("%s: '%s' is not a number of seconds", what, s);
	return v;
}

/* Command line into opts; returns the index of the first HOST argument. */
static int
parse_options(int argc, char **argv, struct options *o)
{
	int c;

	o->auth = -1;
	o->format = OUTPUT_TABLE;
	while ((c = getopt_long(argc, argv, "c:f:u:a:d:rkvhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'f':
			o->hosts_files = xreallocarray(o->hosts_files, o->nhosts_files + 1,
			    sizeof *o->hosts_files);
			o->hosts_files[o->nhosts_files++] = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'a':
			if (strcasecmp(optarg, "basic") == 0)
				o->auth = AUTH_BASIC;
			else if (strcasecmp(optarg, "negotiate") == 0)
				o->auth = AUTH_NEGOTIATE;
			else
				usage_error("--auth: '%s' is not basic or negotiate", optarg);
			break;
		case 'd':
			o->delay = parse_seconds(optarg, "--delay");
			if (o->delay < 0.5)
				usage_error("--delay: %s s is below the minimum of 0.5 s", optarg);
			break;
		case 'r':
			o->readonly = true;
			break;
		case 'k':
			o->insecure = true;
			break;
		case OPT_CACERT:
			o->cacert = optarg;
			break;
		case OPT_THEME:
			o->theme = optarg;
			break;
		case OPT_NO_COLOR:
			o->no_color = true;
			break;
		case OPT_DEMO:
			o->demo = DEMO_DEFAULT_HOSTS;
			if (optarg != NULL) {
				char *end;
				unsigned long n = strtoul(optarg, &end, 10);

				if (*optarg == '\0' || *end != '\0' || n < 1 || n > DEMO_MAX_HOSTS)
					usage_error("--demo: '%s' is not a host count from 1 to %d",
					    optarg, DEMO_MAX_HOSTS);
				o->demo = (unsigned)n;
			}
			break;
		case OPT_ONCE:
			o->once = true;
			break;
		case OPT_FORMAT:
			o->format = output_format_from_name(optarg);
			if (o->format < 0)
				usage_error("--format: '%s' is not table, json or tsv", optarg);
			break;
		case OPT_ACTION:
			o->action = optarg;
			break;
		case OPT_JOB:
			o->jobs = xreallocarray(o->jobs, o->njobs + 1, sizeof *o->jobs);
			o->jobs[o->njobs++] = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("bitstop %s\n", PACKAGE_VERSION);
			printf("libcurl %s, libxml2 %s\n", curl_version_info(CURLVERSION_NOW)->version,
			    LIBXML_DOTTED_VERSION);
			exit(EXIT_OK);
		default:
			fputs("Try 'bitstop --help'.\n", stderr);
			exit(EXIT_USAGE);
		}
	}
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

/* Keep only the host named spec (adding it when not configured). */
static void
keep_one_host(struct config *cfg, const char *spec)
{
	size_t keep = cfg->nhosts;
	char *cause = NULL;

	for (size_t i = 0; i < cfg->nhosts; i++)
		if (strcmp(cfg->hosts[i].name, spec) == 0) {
			keep = i;
			break;
		}
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
	char *path = cfg->audit_log != NULL ? xstrdup(cfg->audit_log) : audit_default_path();
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

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct config_cli cli = { 0 };
	struct config *cfg;
	struct demo *demo = NULL;
	char *cause = NULL, *path;
	int first, rc;
	bool interactive;

	first = parse_options(argc, argv, &o);
	if (o.action != NULL && o.once)
		usage_error("--once and --action cannot be combined");
	if (o.action != NULL && argc - first != 1)
		usage_error("--action needs exactly one HOST (got %d)", argc - first);
	if (o.action != NULL && o.njobs == 0)
		usage_error("--action needs at least one --job GUID");
	if (o.action == NULL && o.njobs > 0)
		usage_error("--job is only used with --action");
	for (size_t i = 0; i < o.njobs; i++)
		if (!valid_job_id(o.jobs[i]))
			usage_error("--job: '%s' is not a job id like "
			    "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}", o.jobs[i]);

	/* Before any thread exists (style.md point 5). Only the character type comes from
	 * the environment (wide characters on the screen); numbers stay in the C locale. */
	setlocale(LC_CTYPE, "");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	signal(SIGPIPE, SIG_IGN);

	cfg = config_new();
	if (!o.demo) {
		path = config_find(o.config, &cause);
		if (path == NULL && cause != NULL)
			config_error(cause);
		if (path != NULL && config_load_file(cfg, path, &cause) != 0) {
			free(path);
			config_error(cause);
		}
		free(path);
	}
	for (size_t i = 0; i < o.nhosts_files; i++)
		if (config_add_hosts_file(cfg, o.hosts_files[i], &cause) != 0)
			config_error(cause);
	if (o.action != NULL) {
		keep_one_host(cfg, argv[first]);
	} else {
		for (int i = first; i < argc; i++)
			if (config_add_host(cfg, argv[i], "command line", &cause) != 0)
				config_error(cause);
	}
	cli.user = o.user;
	cli.auth = o.auth;
	cli.insecure = o.insecure;
	cli.cacert = o.cacert;
	cli.readonly = o.readonly;
	cli.refresh = o.delay;
	config_apply_cli(cfg, &cli);

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
		config_free(cfg);
		usage_error("no hosts: name some on the command line, in the config file or with "
		    "--hosts-file, or try --demo");
	}
	if (config_check(cfg, &cause) != 0) {
		demo_stop(demo);
		config_error(cause);
	}
	raise_nofile_limit(cfg);
	interactive = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	if (creds_resolve(cfg, interactive, &cause) != 0) {
		demo_stop(demo);
		config_error(cause);
	}
	/* After creds_resolve: it adds warnings of its own (e.g. a readable ~/.netrc). */
	for (size_t i = 0; i < cfg->nwarnings; i++)
		fprintf(stderr, "bitstop: warning: %s\n", cfg->warnings[i]);

	if (o.once) {
		rc = batch_once(cfg, (enum output_format)o.format, o.verbose);
	} else if (o.action != NULL) {
		struct batch_action act = { .jobs = o.jobs, .njobs = o.njobs };
		struct audit *audit;
		char *why = NULL;

		parse_action(o.action, &act);
		if (cfg->readonly || cfg->hosts[0].readonly) {
			fprintf(stderr, "bitstop: %s is read-only (%s): no action sent\n",
			    cfg->hosts[0].name, o.readonly ? "--readonly" : "readonly in the config");
			rc = EXIT_USAGE;
		} else if ((audit = open_audit(cfg, &why)) == NULL) {
			fprintf(stderr, "bitstop: %s; actions are refused until it can be written\n", why);
			free(why);
			rc = EXIT_USAGE;
		} else {
			rc = batch_action(cfg, &act, audit, o.verbose);
			audit_close(audit);
		}
	} else {
		struct app app = { 0 };
		struct poller_opts popts = { 0 };

		app.cfg = cfg;
		app.audit = open_audit(cfg, &app.audit_error);
		app.theme = o.theme != NULL ? o.theme : cfg->theme;
		app.no_color = o.no_color || (getenv("NO_COLOR") != NULL && *getenv("NO_COLOR") != '\0');
		app.readonly = cfg->readonly;
		app.demo = demo != NULL;
		app.refresh = cfg->refresh;
		for (size_t i = 0; i < cfg->nhosts; i++)
			if (!cfg->hosts[i].verify_tls && cfg->hosts[i].https)
				app.insecure = true;
		if (app.insecure)
			fprintf(stderr, "bitstop: warning: TLS certificates are not verified "
			    "(--insecure or verify_tls = false)\n");
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
	}
	demo_stop(demo);
	config_free(cfg);
	free(o.hosts_files);
	free(o.jobs);
	xmlCleanupParser();
	curl_global_cleanup();
	return rc;
}
