/*
 * The real poller with the shell backend against bitsim's client hosts: what
 * only the screen can ask for (create a job, read a job's error) goes through
 * the PowerShell agent and lands in bitsim's job model.
 *
 * Protects: ACTION_CREATE on a client host answers ok with the new JobId, the
 * job is then in bitsim's /jobs and in the next snapshot, owned by the
 * connecting user; ACTION_GET_ERROR on a job in ERROR returns its error block
 * (context and HRESULT) through the agent; the snapshots of a client say
 * backend shell; poller_free deletes the shell (bitsim counts none); "get one
 * job" through the shell returns that job, and the provider's Get on a client
 * fails as a fault, with the shell closed afterwards.
 */
#include "config.h"

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

static char dir[64];
static pid_t sim_pid;
static char *control;
static unsigned port;

/* GET a bitsim control path; the answer, malloc'd. */
static char *
sim_ctl(const char *path)
{
	struct strbuf sb;
	CURL *e = curl_easy_init();
	char *url = xasprintf("http://%s%s", control, path);

	strbuf_init(&sb);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &sb);
	assert_int_equal(curl_easy_perform(e), CURLE_OK);
	curl_easy_cleanup(e);
	free(url);
	return strbuf_detach(&sb, NULL);
}

/* Start bitsim: one client host. */
static int
setup(void **state)
{
	const char *b = getenv("BITSIM");
	char *ready, line[256];
	FILE *fp = NULL;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/bitstop-shellpoll-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	ready = xasprintf("%s/ready", dir);
	sim_pid = fork();
	if (sim_pid == 0) {
		execl(b != NULL && *b != '\0' ? b : TOP_BUILDDIR "/bitsim", "bitsim", "--hosts", "1",
		    "--client-hosts", "1", "--base-port", "0", "--ready-file", ready, "--auth", "none",
		    "--jobs", "20", "--seed", "5", "--speed", "0", "--die-with-parent", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 400 && fp == NULL; i++)
		if ((fp = fopen(ready, "r")) == NULL)
			usleep(50 * 1000);
	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof line, fp) != NULL) {
		unsigned idx, a, b2, c, d, p;
		char addr[64];

		if (sscanf(line, "host %u %u.%u.%u.%u:%u", &idx, &a, &b2, &c, &d, &p) == 6)
			port = p;
		else if (sscanf(line, "control %63s", addr) == 1)
			control = xstrdup(addr);
	}
	fclose(fp);
	free(ready);
	return control != NULL && port != 0 ? 0 : -1;
}

/* Stop bitsim. */
static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	(void)state;
	kill(sim_pid, SIGTERM);
	waitpid(sim_pid, NULL, 0);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	free(control);
	return 0;
}

/* The next event of the poller within 60 s (generous: valgrind in CI runs it many times slower). */
static struct poller_event *
next_event(struct poller *p)
{
	for (int i = 0; i < 1200; i++) {
		struct pollfd pfd = { .fd = poller_wake_fd(p), .events = POLLIN };
		struct poller_event *ev = poller_next_event(p);

		if (ev != NULL)
			return ev;
		poll(&pfd, 1, 50);
	}
	fail_msg("no event from the poller in 60 s");
	return NULL;
}

/* The next action result (snapshots before it are checked and dropped). */
static struct action_result *
next_result(struct poller *p)
{
	for (;;) {
		struct poller_event *ev = next_event(p);
		struct action_result *r = ev->result;

		if (ev->snap != NULL && ev->snap->state == HOST_STATE_OK)
			assert_int_equal(ev->snap->backend, HOST_BACKEND_SHELL);
		ev->result = NULL;
		poller_event_free(ev);
		if (r != NULL)
			return r;
	}
}

/* Create and geterror through the agent; the shell is deleted at the end. */
static void
test_create_and_geterror(void **state)
{
	struct config *cfg = config_new();
	struct poller_opts opts = { .interval_ms = 60000 };
	char *url = xasprintf("http://127.0.0.1:%u/wsman", port), *cause = NULL, *jobs, *err_id = NULL;
	struct action_req *req;
	struct action_result *r;
	struct poller *p;
	struct poller_event *ev;

	(void)state;
	cfg->defaults.auth = AUTH_BASIC;	/* bitsim --auth none: no handshake */
	assert_int_equal(config_add_host(cfg, url, "test", &cause), 0);
	cfg->hosts[0].settings.allow_unencrypted = true;
	cfg->hosts[0].settings.timeout = 5;
	p = poller_new(cfg, &opts);
	assert_int_equal(poller_start(p, &cause), 0);
	/* the first poll decides the host: shell */
	ev = next_event(p);
	assert_non_null(ev->snap);
	assert_int_equal(ev->snap->state, HOST_STATE_OK);
	assert_int_equal(ev->snap->backend, HOST_BACKEND_SHELL);
	for (size_t i = 0; i < ev->snap->njobs; i++)
		if (ev->snap->jobs[i].state.v == BITS_STATE_ERROR && err_id == NULL)
			err_id = xstrdup(ev->snap->jobs[i].job_id.s);
	poller_event_free(ev);
	assert_non_null(err_id);

	req = action_req_new(ACTION_CREATE, 0, NULL, NULL);
	req->display_name = xstrdup("made by the shell \"test\"");
	req->remote_url = xstrdup("https://dl.example.org/a&b.cab");
	req->local_file = xstrdup("C:\\Temp\\a.cab");
	poller_submit(p, req);
	r = next_result(p);
	assert_true(r->ok);
	assert_non_null(r->job_id);
	jobs = sim_ctl("/jobs?host=0");
	assert_non_null(strstr(jobs, r->job_id));
	assert_non_null(strstr(jobs, "made by the shell \"test\""));
	free(jobs);
	action_result_free(r);

	req = action_req_new(ACTION_GET_ERROR, 0, err_id, NULL);
	poller_submit(p, req);
	r = next_result(p);
	assert_true(r->ok);
	assert_true(r->has_error_info);
	assert_true(r->error_info.error_code != 0);
	assert_true(r->error_info.error_context != 0);
	action_result_free(r);

	jobs = sim_ctl("/stats?host=0");
	assert_non_null(strstr(jobs, "shells 1\n"));
	free(jobs);
	poller_free(p);
	jobs = sim_ctl("/stats?host=0");
	assert_non_null(strstr(jobs, "shells 0\n"));
	free(jobs);
	free(err_id);
	free(url);
	config_free(cfg);
}

/* "Get one job" answers the same job through either backend (a server answers both ways). */
static void
test_get_one(void **state)
{
	static const enum backend_choice kinds[] = { BACKEND_WMI, BACKEND_SHELL };
	char *url = xasprintf("http://127.0.0.1:%u/wsman", port), *jobs = sim_ctl("/jobs?host=0");
	char *id = xstrndup(jobs, strcspn(jobs, "\t"));
	struct wsman_target t = { .url = url, .timeout_ms = 5000, .max_envelope = 512000,
		.max_elements = 32000 };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct backend_host *b = backend_host_new(&t, kinds[k], false);
		struct backend_op *op = backend_op_get(b, id);
		struct bits_job *j;
		size_t n;

		drive(op, url);
		if (kinds[k] == BACKEND_WMI) {
			/* the client host has no provider: that is the answer */
			assert_false(backend_op_ok(op));
			assert_int_equal(backend_op_error(op)->kind, HOSTERR_FAULT);
		} else {
			assert_true(backend_op_ok(op));
			j = backend_op_take_jobs(op, &n);
			assert_int_equal(n, 1);
			assert_string_equal(j[0].job_id.s, id);
			bits_jobs_free(j, n);
		}
		backend_op_free(op);
		if ((op = backend_op_close(b)) != NULL) {
			drive(op, url);
			assert_true(backend_op_ok(op));
			backend_op_free(op);
		}
		assert_false(backend_host_has_shell(b));
		backend_host_free(b);
	}
	assert_null(backend_op_get(NULL, NULL));
	free(id);
	free(jobs);
	free(url);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_geterror),
		cmocka_unit_test(test_get_one),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
