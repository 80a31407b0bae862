/*
 * "Start suspended" end to end: the real poller creates jobs on bitsim through
 * both backends (host 0 a server: WMI's CreateJob; host 1 a client: the
 * PowerShell agent's Start-BitsTransfer), once asked for a suspended job and
 * once for a normal one.
 *
 * Protects: a job created with action_req.suspended is SUSPENDED on bitsim's
 * /jobs as soon as the create answers, and still SUSPENDED with no byte moved
 * after an hour of simulated time (it never was queued or TRANSFERRING); a
 * normal job is resumed and moves bytes in that hour. Both hold whatever the
 * host's own default for a CreateJob without Suspend (bitsim
 * --create-suspended yes and no). Through WMI a suspended create is one
 * request on bitsim's /stats (CreateJob with Suspend=true, no SetJobState),
 * a normal one two.
 */
#include "config.h"

#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <libxml/parser.h>

#include "src/action.h"
#include "src/backend.h"
#include "src/cfg.h"
#include "src/poller.h"
#include "src/strbuf.h"
#include "src/xalloc.h"
#include "tests/backend_drive.h"

/* One running bitsim: two hosts, the second a client (shell backend). */
struct sim {
	char	 dir[64];
	pid_t	 pid;
	char	*control;
	unsigned ports[2];
};

/* GET a bitsim control path; the answer, malloc'd. */
static char *
sim_ctl(const struct sim *s, const char *path)
{
	struct strbuf sb;
	CURL *e = curl_easy_init();
	char *url = xasprintf("http://%s%s", s->control, path);
	long status = 0;

	strbuf_init(&sb);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &sb);
	assert_int_equal(curl_easy_perform(e), CURLE_OK);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	assert_int_equal(status, 200);
	curl_easy_cleanup(e);
	free(url);
	return strbuf_detach(&sb, NULL);
}

/* Start bitsim with --create-suspended yes|no; false when it did not come up. */
static bool
sim_start(struct sim *s, const char *create_suspended)
{
	const char *b = getenv("BITSIM");
	char *ready, line[256];
	FILE *fp = NULL;

	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/bitstop-createsusp-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return false;
	ready = xasprintf("%s/ready", s->dir);
	s->pid = fork();
	if (s->pid == 0) {
		execl(b != NULL && *b != '\0' ? b : TOP_BUILDDIR "/bitsim", "bitsim", "--hosts", "2",
		    "--client-hosts", "1", "--base-port", "0", "--ready-file", ready, "--auth", "none",
		    "--jobs", "3", "--seed", "11", "--speed", "0", "--create-suspended", create_suspended,
		    "--die-with-parent", (char *)NULL);
		_exit(127);
	}
	/* generous: the machine may be loaded */
	for (int i = 0; i < 400 && fp == NULL; i++)
		if ((fp = fopen(ready, "r")) == NULL)
			usleep(50 * 1000);
	free(ready);
	if (fp == NULL)
		return false;
	while (fgets(line, sizeof line, fp) != NULL) {
		unsigned idx, a, b2, c, d, p;
		char addr[64];

		if (sscanf(line, "host %u %u.%u.%u.%u:%u", &idx, &a, &b2, &c, &d, &p) == 6 && idx < 2)
			s->ports[idx] = p;
		else if (sscanf(line, "control %63s", addr) == 1)
			s->control = xstrdup(addr);
	}
	fclose(fp);
	return s->control != NULL && s->ports[0] != 0 && s->ports[1] != 0;
}

/* Stop bitsim and remove its directory. */
static void
sim_stop(struct sim *s)
{
	char *cmd = xasprintf("rm -rf '%s'", s->dir);

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", s->dir);
	free(cmd);
	free(s->control);
	s->control = NULL;
}

/* The next event of the poller within 30 s. */
static struct poller_event *
next_event(struct poller *p)
{
	for (int i = 0; i < 600; i++) {
		struct pollfd pfd = { .fd = poller_wake_fd(p), .events = POLLIN };
		struct poller_event *ev = poller_next_event(p);

		if (ev != NULL)
			return ev;
		poll(&pfd, 1, 50);
	}
	fail_msg("no event from the poller in 30 s");
	return NULL;
}

/* The next action result (snapshots before it are dropped). */
static struct action_result *
next_result(struct poller *p)
{
	for (;;) {
		struct poller_event *ev = next_event(p);
		struct action_result *r = ev->result;

		ev->result = NULL;
		poller_event_free(ev);
		if (r != NULL)
			return r;
	}
}

/* Job id's state and bytes transferred on bitsim host i (/jobs: id, state, priority, bytes, total, name). */
static void
sim_job(const struct sim *s, int host, const char *id, int *state, uint64_t *bytes)
{
	char *path = xasprintf("/jobs?host=%d", host), *jobs = sim_ctl(s, path);
	char *line = strstr(jobs, id);

	assert_non_null(line);
	assert_int_equal(sscanf(line + strlen(id), "\t%d\t%*u\t%" SCNu64, state, bytes), 2);
	free(jobs);
	free(path);
}

/* Create a job on host through the poller; its new id (the create must succeed). */
static char *
create(struct poller *p, size_t host, const char *name, bool suspended)
{
	struct action_req *req = action_req_new(ACTION_CREATE, host, NULL, NULL);
	struct action_result *r;
	char *id;

	req->display_name = xstrdup(name);
	req->remote_url = xstrdup("https://dl.example.org/big.cab");
	req->local_file = xstrdup("C:\\Temp\\big.cab");
	req->suspended = suspended;
	poller_submit(p, req);
	r = next_result(p);
	if (!r->ok)
		fail_msg("create '%s' on host %zu: %s", name, host, r->error.message);
	assert_non_null(r->job_id);
	id = xstrdup(r->job_id);
	action_result_free(r);
	return id;
}

/* bitsim's request count for host i. */
static uint64_t
sim_requests(const struct sim *s, int host)
{
	char *path = xasprintf("/stats?host=%d", host), *stats = sim_ctl(s, path);
	uint64_t n = 0;

	assert_int_equal(sscanf(stats, "requests %" SCNu64, &n), 1);
	free(stats);
	free(path);
	return n;
}

/* WMI alone (no poller, so no poll in between): how many requests bitsim saw for one create. */
static uint64_t
wmi_create_requests(const struct sim *s, bool suspended)
{
	char *url = xasprintf("http://127.0.0.1:%u/wsman", s->ports[0]);
	struct wsman_target t = { .url = url, .timeout_ms = 10000, .max_envelope = 512000,
		.max_elements = 32000 };
	struct backend_host *b = backend_host_new(&t, BACKEND_WMI, false);
	struct action_req *req = action_req_new(ACTION_CREATE, 0, NULL, NULL);
	struct backend_op *op;
	uint64_t before = sim_requests(s, 0);

	req->display_name = xstrdup(suspended ? "counted suspended" : "counted");
	req->remote_url = xstrdup("https://dl.example.org/c.cab");
	req->local_file = xstrdup("C:\\Temp\\c.cab");
	req->suspended = suspended;
	op = backend_op_action(b, req);
	assert_non_null(op);
	drive(op, url);
	assert_true(backend_op_ok(op));
	backend_op_free(op);
	backend_host_free(b);
	action_req_free(req);
	free(url);
	return sim_requests(s, 0) - before;
}

/* Both backends, with the host's default for an absent Suspend set to yes or no. */
static void
check_mode(const char *create_suspended)
{
	static const char *const names[2] = { "wmi", "shell" };
	struct sim s;
	struct config *cfg = config_new();
	struct poller_opts opts = { .interval_ms = 600000 };
	char *cause = NULL, *susp_id[2], *norm_id[2], *adv;
	struct poller *p;
	bool seen[2] = { false, false };
	int st;
	uint64_t bytes;

	if (!sim_start(&s, create_suspended)) {
		sim_stop(&s);
		fail_msg("bitsim did not start");
	}
	cfg->defaults.auth = AUTH_BASIC;	/* bitsim --auth none: no handshake */
	for (int i = 0; i < 2; i++) {
		char *url = xasprintf("http://127.0.0.1:%u/wsman", s.ports[i]);

		assert_int_equal(config_add_host(cfg, url, "test", &cause), 0);
		cfg->hosts[i].settings.allow_unencrypted = true;
		cfg->hosts[i].settings.timeout = 10;
		free(url);
	}
	p = poller_new(cfg, &opts);
	assert_int_equal(poller_start(p, &cause), 0);
	/* The first polls decide each host's backend: WMI for the server, the shell for the client. */
	while (!seen[0] || !seen[1]) {
		struct poller_event *ev = next_event(p);

		if (ev->snap != NULL) {
			assert_int_equal(ev->snap->state, HOST_STATE_OK);
			assert_int_equal(ev->snap->backend, ev->snap->host == 0 ? HOST_BACKEND_WMI :
			    HOST_BACKEND_SHELL);
			seen[ev->snap->host] = true;
		}
		poller_event_free(ev);
	}
	for (int h = 0; h < 2; h++) {
		char *n1 = xasprintf("%s suspended", names[h]), *n2 = xasprintf("%s normal", names[h]);

		susp_id[h] = create(p, (size_t)h, n1, true);
		sim_job(&s, h, susp_id[h], &st, &bytes);
		if (st != 3)
			fail_msg("%s (--create-suspended %s): the job created suspended is in state %d on bitsim",
			    names[h], create_suspended, st);
		norm_id[h] = create(p, (size_t)h, n2, false);
		sim_job(&s, h, norm_id[h], &st, &bytes);
		if (st == 3)
			fail_msg("%s (--create-suspended %s): the normal job was not resumed", names[h],
			    create_suspended);
		free(n1);
		free(n2);
	}
	poller_free(p);
	/* An hour of simulated time: a job that was ever queued would have moved bytes by then. */
	adv = sim_ctl(&s, "/advance?sec=3600");
	free(adv);
	for (int h = 0; h < 2; h++) {
		sim_job(&s, h, susp_id[h], &st, &bytes);
		if (st != 3 || bytes != 0)
			fail_msg("%s (--create-suspended %s): the suspended job is in state %d with %" PRIu64
			    " bytes an hour later", names[h], create_suspended, st, bytes);
		sim_job(&s, h, norm_id[h], &st, &bytes);
		if (st == 3 || bytes == 0)
			fail_msg("%s (--create-suspended %s): the normal job is in state %d with %" PRIu64
			    " bytes an hour later", names[h], create_suspended, st, bytes);
		free(susp_id[h]);
		free(norm_id[h]);
	}
	/* Through WMI the suspended create is CreateJob alone; the normal one also resumes. */
	assert_int_equal(wmi_create_requests(&s, true), 1);
	assert_int_equal(wmi_create_requests(&s, false), 2);
	config_free(cfg);
	sim_stop(&s);
}

/* A host whose CreateJob starts jobs unless told otherwise. */
static void
test_default_running(void **state)
{
	(void)state;
	check_mode("no");
}

/* A host whose CreateJob leaves jobs suspended unless told otherwise. */
static void
test_default_suspended(void **state)
{
	(void)state;
	check_mode("yes");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_running),
		cmocka_unit_test(test_default_suspended),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
