#include "config.h"

#include "sim/sim.h"
#include "sim/sim_control.h"
#include "sim/sim_gss.h"
#include "sim/sim_http.h"
#include "sim/sim_inject.h"
#include "sim/sim_net.h"
#include "sim/sim_shell.h"
#include "sim/sim_render.h"
#include "sim/sim_workers.h"
#include "sim/sim_wsman.h"
#include "src/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <libxml/parser.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Options that only main needs. */
struct sim_opts {
	const char	 *base_addr;
	long		  base_port;
	char		**listen;
	int		  nlisten;
	char		**faults;
	int		  nfaults;
	const char	 *control;
	const char	 *ready_file;
	int		  die_with_parent;
	int		  seed_given;
	int		  epoch_given;
};

/* The once-a-second pass over a site: drop its expired enumerations. */
static void
sim_sweep_site(struct sim_site *site, double now)
{
	if (site->enums != NULL)
		sim_enum_sweep(site, now, 1);
}

/* What the event loop calls: the HTTP front of the hosts, the control interface. */
static const struct sim_net_ops sim_ops_table = {
	.site_access = sim_http_access,
	.site_completed = sim_http_completed,
	.site_connection = sim_http_connection,
	.control_access = sim_control_access,
	.fire = sim_http_fire,
	.drop_site = sim_http_drop_site,
	.sweep = sim_sweep_site,
};

/* Print the usage summary to f. */
static void
sim_usage(FILE *f)
{
	fputs("usage: bitsim [--hosts N --base-port P [--address ADDR] | --listen ADDR:PORT ...]\n"
	    "              [--jobs M] [--max-jobs N] [--seed S] [--speed X] [--churn SEC] [--epoch UNIXTIME] [--user U | --auth none|basic|negotiate]\n"
	    "              [--require-encryption]\n"
	    "              [--tls-cert FILE --tls-key FILE] [--batching first-one|all]\n"
	    "              [--method-errors returnvalue|fault] [--create-suspended yes|no]\n"
	    "              [--max-envelope-kb N] [--enum-timeout-ms N] [--max-enum N]\n"
	    "              [--max-timeout-ms N] [--pull-bytes N] [--fault SPEC ...]\n"
	    "              [--client-hosts K] [--max-shells N] [--shell-idle SEC] [--shell-chunk BYTES]\n"
	    "              [--workers N] [--control ADDR:PORT] [--ready-file FILE] [--die-with-parent]\n"
	    "              [--help] [--version]\n"
	    "See bitsim(1).\n", f);
}

/* Parse a number option in [lo, hi]; exits with a message when bad. */
static double
sim_num(const char *opt, const char *v, double lo, double hi)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (*v == '\0' || *end != '\0' || errno != 0 || d < lo || d > hi) {
		fprintf(stderr, "bitsim: bad value for --%s: %s\n", opt, v);
		exit(2);
	}
	return d;
}

/* One of two words; exits when neither. */
static int
sim_choice(const char *opt, const char *v, const char *yes, const char *no)
{
	if (strcmp(v, yes) == 0)
		return 1;
	if (strcmp(v, no) == 0)
		return 0;
	fprintf(stderr, "bitsim: --%s takes %s or %s\n", opt, yes, no);
	exit(2);
}

/* bitsim's long options (there are no short ones but -h). */
enum {
	O_HOSTS = 256, O_BASE, O_LISTEN, O_JOBS, O_SEED, O_SPEED, O_EPOCH, O_USER, O_AUTH,
	O_CERT, O_KEY, O_BATCH, O_METHOD, O_SUSP, O_MAXENV, O_ENUMTO, O_MAXENUM, O_MAXTO,
	O_PULL, O_FAULT, O_CONTROL, O_READY, O_DIE, O_ADDR, O_VERSION, O_CHURN, O_MAXJOBS,
	O_CLIENTS, O_MAXSHELLS, O_SHELLIDLE, O_SHELLCHUNK, O_REQENC, O_WORKERS
};

static const struct option sim_longopts[] = {
	{ "hosts", required_argument, NULL, O_HOSTS },
	{ "base-port", required_argument, NULL, O_BASE },
	{ "address", required_argument, NULL, O_ADDR },
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "jobs", required_argument, NULL, O_JOBS },
	{ "seed", required_argument, NULL, O_SEED },
	{ "speed", required_argument, NULL, O_SPEED },
	{ "churn", required_argument, NULL, O_CHURN },
	{ "max-jobs", required_argument, NULL, O_MAXJOBS },
	{ "epoch", required_argument, NULL, O_EPOCH },
	{ "user", required_argument, NULL, O_USER },
	{ "auth", required_argument, NULL, O_AUTH },
	{ "require-encryption", no_argument, NULL, O_REQENC },
	{ "tls-cert", required_argument, NULL, O_CERT },
	{ "tls-key", required_argument, NULL, O_KEY },
	{ "batching", required_argument, NULL, O_BATCH },
	{ "method-errors", required_argument, NULL, O_METHOD },
	{ "create-suspended", required_argument, NULL, O_SUSP },
	{ "max-envelope-kb", required_argument, NULL, O_MAXENV },
	{ "enum-timeout-ms", required_argument, NULL, O_ENUMTO },
	{ "max-enum", required_argument, NULL, O_MAXENUM },
	{ "max-timeout-ms", required_argument, NULL, O_MAXTO },
	{ "pull-bytes", required_argument, NULL, O_PULL },
	{ "client-hosts", required_argument, NULL, O_CLIENTS },
	{ "max-shells", required_argument, NULL, O_MAXSHELLS },
	{ "shell-idle", required_argument, NULL, O_SHELLIDLE },
	{ "shell-chunk", required_argument, NULL, O_SHELLCHUNK },
	{ "fault", required_argument, NULL, O_FAULT },
	{ "workers", required_argument, NULL, O_WORKERS },
	{ "control", required_argument, NULL, O_CONTROL },
	{ "ready-file", required_argument, NULL, O_READY },
	{ "die-with-parent", no_argument, NULL, O_DIE },
	{ "version", no_argument, NULL, O_VERSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* An option about the simulated fleet: hosts, addresses, jobs, time. False if not one. */
static int
sim_fleet_option(int c, char *arg, struct sim_config *cfg, struct sim_opts *o)
{
	switch (c) {
	case O_HOSTS:
		cfg->nhosts = (int)sim_num("hosts", arg, 1, SIM_MAX_HOSTS * SIM_MAX_WORKERS);
		break;
	case O_WORKERS: cfg->workers = (int)sim_num("workers", arg, 1, SIM_MAX_WORKERS); break;
	case O_BASE: o->base_port = (long)sim_num("base-port", arg, 0, 65535); break;
	case O_ADDR: o->base_addr = arg; break;
	case O_LISTEN:
		o->listen = xreallocarray(o->listen, (size_t)o->nlisten + 1, sizeof *o->listen);
		o->listen[o->nlisten++] = arg;
		break;
	case O_JOBS: cfg->jobs = (int)sim_num("jobs", arg, 0, SIM_JOBS_LIMIT); break;
	case O_MAXJOBS: cfg->max_jobs = (int)sim_num("max-jobs", arg, 1, SIM_JOBS_LIMIT); break;
	case O_SEED:
		cfg->seed = strtoull(arg, NULL, 0);
		o->seed_given = 1;
		break;
	case O_SPEED: cfg->speed = sim_num("speed", arg, 0, 1e6); break;
	case O_CHURN: cfg->churn = sim_num("churn", arg, 0, 1e7); break;
	case O_EPOCH:
		cfg->epoch = sim_num("epoch", arg, 0, 1e11);
		o->epoch_given = 1;
		break;
	default:
		return 0;
	}
	return 1;
}

/* An option about how the hosts answer (auth, TLS, WinRM limits, faults, control). */
static void
sim_server_option(int c, char *arg, struct sim_config *cfg, struct sim_opts *o)
{
	switch (c) {
	case O_USER: cfg->user = arg; break;
	case O_AUTH:
		cfg->auth_negotiate = strcmp(arg, "negotiate") == 0;
		if (!cfg->auth_negotiate)
			cfg->auth_none = sim_choice("auth", arg, "none", "basic");
		break;
	case O_REQENC: cfg->require_encryption = 1; break;
	case O_CERT: cfg->tls_cert = arg; break;
	case O_KEY: cfg->tls_key = arg; break;
	case O_BATCH: cfg->batching_all = sim_choice("batching", arg, "all", "first-one"); break;
	case O_METHOD:
		cfg->method_faults = sim_choice("method-errors", arg, "fault", "returnvalue");
		break;
	case O_SUSP:
		cfg->create_suspended = sim_choice("create-suspended", arg, "yes", "no");
		break;
	case O_MAXENV:
		cfg->max_envelope = (size_t)sim_num("max-envelope-kb", arg, 8, 65536) * 1024;
		break;
	case O_ENUMTO:
		cfg->enum_timeout_ms = (unsigned)sim_num("enum-timeout-ms", arg, 1, 86400000);
		break;
	case O_MAXENUM: cfg->max_enum_per_user = (unsigned)sim_num("max-enum", arg, 1, 1e6); break;
	case O_MAXTO:
		cfg->max_timeout_ms = (unsigned)sim_num("max-timeout-ms", arg, 1, 86400000);
		break;
	case O_PULL: cfg->pull_bytes = (size_t)sim_num("pull-bytes", arg, 1, 1e8); break;
	case O_CLIENTS: cfg->client_hosts = (int)sim_num("client-hosts", arg, 0, SIM_MAX_HOSTS); break;
	case O_MAXSHELLS: cfg->max_shells = (unsigned)sim_num("max-shells", arg, 1, 1e6); break;
	case O_SHELLIDLE: cfg->shell_idle_max = sim_num("shell-idle", arg, 0.1, 86400); break;
	case O_SHELLCHUNK: cfg->shell_chunk = (size_t)sim_num("shell-chunk", arg, 0, 1e8); break;
	case O_FAULT:
		o->faults = xreallocarray(o->faults, (size_t)o->nfaults + 1, sizeof *o->faults);
		o->faults[o->nfaults++] = arg;
		break;
	case O_CONTROL: o->control = arg; break;
	case O_READY: o->ready_file = arg; break;
	case O_DIE: o->die_with_parent = 1; break;
	case O_VERSION: puts("bitsim " PACKAGE_VERSION); exit(0);
	case 'h': sim_usage(stdout); exit(0);
	default: sim_usage(stderr); exit(2);
	}
}

/* Fill cfg and opts from argv; exits on a usage error. */
static void
sim_parse_args(int argc, char **argv, struct sim_config *cfg, struct sim_opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "h", sim_longopts, NULL)) != -1)
		if (!sim_fleet_option(c, optarg, cfg, o))
			sim_server_option(c, optarg, cfg, o);
	if (optind != argc) {
		sim_usage(stderr);
		exit(2);
	}
}

/* Write the ready file atomically: a temporary file renamed into place. */
static int
sim_write_ready(const struct sim_server *srv, const char *path)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = 0;

	if (f == NULL) {
		fprintf(stderr, "bitsim: %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	for (int i = 0; i < srv->nsites; i++)
		fprintf(f, "host %d %s\n", i, srv->sites[i].addrstr);
	fprintf(f, "control %s\n", srv->ctl_addrstr);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "bitsim: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	free(tmp);
	return rc;
}

/* Allow as many descriptors as the hard limit permits (3 per host, plus clients). */
static void
sim_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Create the hosts and bind every listener. */
static int
sim_setup(struct sim_server *srv, const struct sim_opts *o, char **cause)
{
	struct sim_config *cfg = &srv->cfg;

	srv->nsites = o->nlisten > 0 ? o->nlisten : cfg->nhosts;
	srv->sites = xcalloc((size_t)srv->nsites, sizeof *srv->sites);
	for (int i = 0; i < srv->nsites; i++) {
		struct sim_site *s = &srv->sites[i];

		s->srv = srv;
		s->index = i;
		s->epfd = -1;
		s->fault.prob = 1.0;
		snprintf(s->machine, sizeof s->machine, "SIM-%d", i);
		s->client = i >= srv->nsites - cfg->client_hosts;
		if (i % cfg->workers != cfg->worker)
			continue;	/* another worker's host */
		sim_host_init(&s->host, i, cfg->seed, cfg->jobs, cfg->epoch);
		s->host.create_suspended = cfg->create_suspended;
		s->host.max_jobs = (size_t)cfg->max_jobs;
		if (cfg->churn > 0)
			sim_host_set_churn(&s->host, cfg->churn);
		if (o->nlisten > 0) {
			if (sim_net_parse_addr(o->listen[i], &s->addr, &s->addrlen, cause) != 0)
				return -1;
		} else {
			char *a = xasprintf("%s:%ld", o->base_addr,
			    o->base_port == 0 ? 0 : o->base_port + i);
			int rc = sim_net_parse_addr(a, &s->addr, &s->addrlen, cause);

			free(a);
			if (rc != 0)
				return -1;
			if (o->base_port + i > 65535) {
				*cause = xstrdup("--base-port + --hosts goes past port 65535");
				return -1;
			}
		}
		if (sim_net_listen_site(srv, s, cause) != 0)
			return -1;
	}
	if (sim_net_parse_addr(o->control, &srv->ctl_addr, &srv->ctl_addrlen, cause) != 0 ||
	    sim_net_listen_control(srv, cause) != 0)
		return -1;
	for (int i = 0; i < o->nfaults; i++)
		if (sim_inject_apply_spec(srv, o->faults[i], NULL, cause) != 0)
			return -1;
	return 0;
}

/* Tell the forwarding process which listeners this worker bound. */
static int
sim_report(const struct sim_server *srv, int fd)
{
	FILE *f = fdopen(fd, "w");

	if (f == NULL) {
		close(fd);
		return -1;
	}
	for (int i = 0; i < srv->nsites; i++)
		if (srv->sites[i].daemon != NULL)
			fprintf(f, "host %d %s\n", i, srv->sites[i].addrstr);
	fprintf(f, "control %s\nready\n", srv->ctl_addrstr);
	return fclose(f) == 0 ? 0 : -1;
}

/*
 * Bind this process's listeners, write the ready file (or the report to the
 * forwarding process when report_fd >= 0), run the loop, clean up.
 */
static int
sim_serve(struct sim_server *srv, void *arg, int report_fd)
{
	const struct sim_opts *o = arg;
	char *cause = NULL;
	int rc;

	if (report_fd >= 0)	/* a worker: its own ids and contexts */
		sim_render_seed(srv->cfg.seed ^ (uint64_t)time(NULL) ^
		    ((uint64_t)getpid() << 20));
	if (sim_net_init(srv, &cause) != 0 || sim_setup(srv, o, &cause) != 0) {
		fprintf(stderr, "bitsim: %s\n", cause);
		free(cause);
		sim_net_done(srv);
		return 1;
	}
	if (srv->cfg.auth_negotiate && srv->tls_cert_pem != NULL &&
	    sim_gss_setup_tls(srv->tls_cert_pem) != 0) {
		fputs("bitsim: cannot read the TLS certificate for channel bindings\n", stderr);
		sim_net_done(srv);
		return 1;
	}
	if (report_fd >= 0 ? sim_report(srv, report_fd) != 0 :
	    o->ready_file != NULL && sim_write_ready(srv, o->ready_file) != 0) {
		sim_net_done(srv);
		return 1;
	}
	rc = sim_net_run(srv);
	sim_net_done(srv);
	for (int i = 0; i < srv->nsites; i++) {
		sim_enum_sweep(&srv->sites[i], 0, 0);
		sim_shell_sweep(&srv->sites[i], 0);
		sim_host_done(&srv->sites[i].host);
	}
	free(srv->sites);
	return rc;
}

/* Parse options, bind every listener, write the ready file, run the loop. */
int
main(int argc, char **argv)
{
	struct sim_server srv;
	struct sim_opts o = { .base_addr = "127.0.0.1", .base_port = 5985,
	    .control = "127.0.0.1:0" };
	struct sim_config *cfg = &srv.cfg;
	int rc;

	memset(&srv, 0, sizeof srv);
	srv.epfd = srv.sigfd = srv.ctl_epfd = -1;
	cfg->nhosts = 1;
	cfg->jobs = 5;
	cfg->max_jobs = SIM_MAX_JOBS;
	cfg->speed = 1;
	cfg->batching_all = 0;	/* first-one: 2008 R2 and later */
	cfg->create_suspended = 1;
	cfg->max_envelope = 500 * 1024;
	cfg->enum_timeout_ms = 240000;
	cfg->max_enum_per_user = 1500;
	cfg->max_timeout_ms = 60000;
	cfg->pull_bytes = 75000;
	cfg->workers = 1;
	cfg->max_shells = 30;		/* MaxShellsPerUser of 2012 R2's quota example */
	cfg->shell_idle_max = 7200;	/* Winrs IdleTimeout */
	cfg->shell_chunk = 65536;
	sim_parse_args(argc, argv, cfg, &o);
	if (cfg->jobs > cfg->max_jobs) {
		fprintf(stderr, "bitsim: --jobs %d is more than MaxJobsPerMachine (--max-jobs %d)\n",
		    cfg->jobs, cfg->max_jobs);
		return 2;
	}
	if (o.die_with_parent) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1)
			return 0;
	}
	if (!o.seed_given)
		cfg->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (!o.epoch_given)
		cfg->epoch = (double)time(NULL);
	if (cfg->require_encryption && !cfg->auth_negotiate) {
		fputs("bitsim: --require-encryption needs --auth negotiate (only Negotiate "
		    "can encrypt)\n", stderr);
		return 2;
	}
	if (!cfg->auth_none && (!cfg->auth_negotiate || cfg->user != NULL)) {
		const char *pw = getenv("BITSIM_PASSWORD");

		if (cfg->user == NULL || pw == NULL) {
			fputs("bitsim: Basic auth needs --user and $BITSIM_PASSWORD "
			    "(or use --auth none)\n", stderr);
			return 2;
		}
		cfg->password = xstrdup(pw);
	}
	if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL)) {
		fputs("bitsim: --tls-cert and --tls-key go together\n", stderr);
		return 2;
	}
	srv.rng = cfg->seed ^ 0x5DEECE66Dull;
	srv.ops = &sim_ops_table;
	sim_render_seed(cfg->seed ^ (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20));
	xmlInitParser();
	sim_raise_nofile();
	srv.nsites = o.nlisten > 0 ? o.nlisten : cfg->nhosts;
	if (srv.nsites > SIM_MAX_HOSTS * cfg->workers) {
		fprintf(stderr, "bitsim: %d hosts: one process serves at most %d; "
		    "use --workers %d or more\n", srv.nsites, SIM_MAX_HOSTS,
		    (srv.nsites + SIM_MAX_HOSTS - 1) / SIM_MAX_HOSTS);
		return 2;
	}
	if (cfg->workers > 1) {
		struct sim_worker_hooks hooks = { sim_serve, sim_write_ready, &o };
		const char *control = o.control;

		o.control = "127.0.0.1:0";	/* each worker's own, for the forwarder */
		rc = sim_workers_main(&srv, &hooks, control, o.ready_file);
	} else {
		rc = sim_serve(&srv, &o, -1);
	}
	free(o.listen);
	free(o.faults);
	xfree_secret(cfg->password);
	xmlCleanupParser();
	return rc;
}
