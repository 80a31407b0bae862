/* sim_control: the control interface (plain-text HTTP on its own listener). */
#include "config.h"

#include "sim/sim_control.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_args.h"
#include "sim/sim_clock.h"
#include "sim/sim_inject.h"
#include "sim/sim_net.h"
#include "sim/sim_shell.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

/* /clear: drop every rule on the hosts named, listening again if refused. */
static int
sim_control_clear(struct sim_server *srv, const struct sim_args *a, struct strbuf *out,
    char **cause)
{
	int n = 0, *hosts = sim_args_hosts(srv, a, &n, cause);

	if (hosts == NULL)
		return -1;
	for (int i = 0; i < n; i++) {
		struct sim_site *s = &srv->sites[hosts[i]];

		sim_inject_clear(s);
		if (!s->listening && sim_net_site_reopen(srv, s, cause) != 0) {
			free(hosts);
			return -1;
		}
		strbuf_addf(out, "host %d clear\n", s->index);
	}
	free(hosts);
	return 0;
}

/* One host index from host=, for /jobs and /stats. */
static struct sim_site *
sim_control_site(struct sim_server *srv, const struct sim_args *a, char **cause)
{
	const char *h = sim_args_get(a, "host");
	char *end;
	long v;

	if (h == NULL) {
		*cause = xstrdup("host= is required");
		return NULL;
	}
	v = strtol(h, &end, 10);
	if (*h == '\0' || *end != '\0' || v < 0 || v >= srv->nsites) {
		*cause = xasprintf("bad host=%s (hosts are 0..%d)", h, srv->nsites - 1);
		return NULL;
	}
	return &srv->sites[v];
}

/* /jobs: one TSV line per job of the host. */
static void
sim_control_jobs(struct sim_server *srv, struct sim_site *s, struct strbuf *out)
{
	sim_clock_touch(srv, s);
	for (size_t i = 0; i < s->host.njobs; i++) {
		const struct sim_job *j = s->host.jobs[i];

		strbuf_addf(out, "%s\t%d\t%" PRIu32 "\t%" PRIu64 "\t%" PRIu64 "\t", j->job_id,
		    (int)j->state, j->priority, sim_job_bytes_transferred(j),
		    sim_job_bytes_total(j));
		for (const char *c = j->display_name; *c != '\0'; c++)
			strbuf_addc(out, *c == '\t' || *c == '\n' || *c == '\r' ? ' ' : *c);
		strbuf_addc(out, '\n');
	}
}

/* /shells?host=N&do=kill|expire|not-logged-on|logged-on: the shells of a client. */
static int
sim_control_shells(struct sim_server *srv, const struct sim_args *a, struct strbuf *out,
    char **cause)
{
	struct sim_site *s = sim_control_site(srv, a, cause);
	const char *what = sim_args_get(a, "do");

	if (s == NULL)
		return -1;
	if (what == NULL) {
		strbuf_addf(out, "shells %u\nagents %u\n", sim_shell_count(s), sim_shell_agents(s));
	} else if (strcmp(what, "kill") == 0) {
		sim_shell_kill_agents(s);	/* powershell.exe ends: Receive reports Done */
	} else if (strcmp(what, "expire") == 0) {
		sim_shell_sweep(s, 0);		/* as after the idle timeout or a WinRM restart */
	} else if (strcmp(what, "not-logged-on") == 0 || strcmp(what, "logged-on") == 0) {
		s->not_logged_on = what[0] == 'n';
	} else {
		*cause = xasprintf("do= takes kill, expire, not-logged-on or logged-on");
		return -1;
	}
	if (what != NULL)
		strbuf_addf(out, "host %d %s\n", s->index, what);
	return 0;
}

/* Answer a control request: set *status and put the text answer in out. */
static void
sim_control_handle(struct sim_server *srv, struct MHD_Connection *conn,
    const char *path, int *status, struct strbuf *out)
{
	struct sim_args a = { .conn = conn };
	char *cause = NULL;
	int rc = 0;

	*status = 200;
	if (strcmp(path, "/fault") == 0) {
		rc = sim_inject_apply(srv, &a, out, &cause);
	} else if (strcmp(path, "/clear") == 0) {
		rc = sim_control_clear(srv, &a, out, &cause);
	} else if (strcmp(path, "/jobs") == 0 || strcmp(path, "/stats") == 0) {
		struct sim_site *s = sim_control_site(srv, &a, &cause);

		if (s == NULL)
			rc = -1;
		else if (path[1] == 'j')
			sim_control_jobs(srv, s, out);
		else
			strbuf_addf(out, "requests %" PRIu64 "\nconnections %" PRIu64 "\n"
			    "handshakes %" PRIu64 "\nencrypted %" PRIu64 "\nshells %u\n"
			    "shells_created %" PRIu64 "\nget_errors %" PRIu64 "\n", s->requests,
			    s->connections, s->handshakes, s->encrypted, sim_shell_count(s),
			    s->shells_created, s->get_errors);
	} else if (strcmp(path, "/shells") == 0) {
		rc = sim_control_shells(srv, &a, out, &cause);
	} else if (strcmp(path, "/advance") == 0) {
		const char *v = sim_args_get(&a, "sec");
		char *end = NULL;
		double sec = v != NULL ? strtod(v, &end) : -1;

		if (v == NULL || *v == '\0' || *end != '\0' || sec < 0) {
			cause = xstrdup("/advance needs sec=N (N >= 0)");
			rc = -1;
		} else {
			srv->time_offset += sec;
			strbuf_addf(out, "advanced %g\n", sec);
		}
	} else if (strcmp(path, "/hosts") == 0) {
		for (int i = 0; i < srv->nsites; i++)
			strbuf_addf(out, "host %d %s %s\n", i, srv->sites[i].addrstr,
			    srv->sites[i].listening ? "up" : "refused");
	} else if (strcmp(path, "/quit") == 0) {
		srv->quit = 1;
		strbuf_adds(out, "bye\n");
	} else {
		*status = 404;
		strbuf_adds(out, "unknown control path; see bitsim(1)\n");
	}
	if (rc != 0) {
		*status = 400;
		strbuf_reset(out);
		strbuf_addf(out, "error: %s\n", cause != NULL ? cause : "failed");
	}
	free(cause);
}

/* Queue out (taken over) as the plain-text answer with this status. */
enum MHD_Result
sim_control_reply(struct MHD_Connection *conn, int status, struct strbuf *out)
{
	size_t len = out->len;
	char *text = strbuf_detach(out, NULL);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (r == NULL) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	ret = MHD_queue_response(conn, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The control listener's request handler: plain text answers. */
enum MHD_Result
sim_control_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload, size_t *upload_size,
    void **con_cls)
{
	struct sim_server *srv = cls;
	struct strbuf out;
	int status = 200;

	if (*con_cls == NULL) {
		*con_cls = srv;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	strbuf_init(&out);
	sim_control_handle(srv, conn, url, &status, &out);
	return sim_control_reply(conn, status, &out);
}
