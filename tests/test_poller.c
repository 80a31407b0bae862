/*
 * The real poller (threads, curl multi handles, queue, audit log) against a
 * bitsim child on loopback; thread-heavy on purpose, so that the TSan build
 * (tests/ci_harden.sh) watches every thread interaction of the poller.
 *
 * Protects: with 4 worker threads over 24 hosts at a 100 ms interval, while the
 * consumer refreshes, pauses, changes the interval and submits actions, every
 * host keeps delivering snapshots with increasing sequence numbers and the jobs
 * bitsim has; every action gets exactly one result and an intent and outcome
 * line in the audit log; hosts made to fail show an error and recover once the
 * fault is lifted; pausing stops scheduled polls; poller_free with actions
 * still queued and in flight returns promptly and frees everything.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <libxml/parser.h>

#include "src/action.h"
#include "src/audit.h"
#include "src/cfg.h"
#include "src/poller.h"
#include "src/snapshot.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

#define NHOSTS 24
#define NJOBS 8

struct fleet {
	pid_t	 pid;
	char	 dir[64];
	char	*control;		/* ADDR:PORT */
	unsigned ports[NHOSTS];
	struct config *cfg;
	struct audit *audit;
	char	*audit_path;
};

/* Per-host bookkeeping of what the consumer has seen. */
struct seen {
	uint64_t seq;
	unsigned ok;
	unsigned errors;
	size_t	 njobs;
	char	*job;		/* first job id of the last ok snapshot */
	enum host_state state;
};

/* Path of the bitsim binary: $BITSIM (make check) or the build tree's. */
static const char *
bitsim_path(void)
{
	const char *p = getenv("BITSIM");

	return p != NULL && *p != '\0' ? p : TOP_BUILDDIR "/bitsim";
}

/* libcurl write callback into a strbuf. */
static size_t
collect(char *data, size_t size, size_t n, void *arg)
{
	strbuf_add(arg, data, size * n);
	return size * n;
}

/* GET a bitsim control path; the answer, malloc'd. */
static char *
sim_ctl(const struct fleet *f, const char *path)
{
	struct strbuf sb;
	CURL *e = curl_easy_init();
	char *url = xasprintf("http://%s%s", f->control, path);

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

/* Lines of bitsim's /jobs for host i. */
static size_t
sim_njobs(const struct fleet *f, size_t i)
{
	char *path = xasprintf("/jobs?host=%zu", i), *s = sim_ctl(f, path);
	size_t n = 0;

	for (char *p = s; *p != '\0'; p++)
		if (*p == '\n')
			n++;
	free(s);
	free(path);
	return n;
}

/* Start bitsim with NHOSTS hosts and wait for its ready file. */
static void
fleet_start(struct fleet *f)
{
	char *ready, line[256];
	FILE *fp = NULL;

	snprintf(f->dir, sizeof f->dir, "/tmp/bitstop-poller-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	ready = xasprintf("%s/ready", f->dir);
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (f->pid == 0) {
		char *log = xasprintf("%s/bitsim.log", f->dir);

		if (freopen(log, "w", stdout) == NULL || freopen(log, "a", stderr) == NULL)
			_exit(126);
		execl(bitsim_path(), "bitsim", "--hosts", "24", "--base-port", "0", "--ready-file",
		    ready, "--auth", "none", "--jobs", "8", "--seed", "3", "--speed", "0",
		    "--die-with-parent", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && fp == NULL; i++) {
		fp = fopen(ready, "r");
		if (fp == NULL)
			usleep(50 * 1000);
	}
	assert_non_null(fp);
	while (fgets(line, sizeof line, fp) != NULL) {
		unsigned idx, a, b, c, d, port;
		char addr[64];

		if (sscanf(line, "host %u %u.%u.%u.%u:%u", &idx, &a, &b, &c, &d, &port) == 6 &&
		    idx < NHOSTS)
			f->ports[idx] = port;
		else if (sscanf(line, "control %63s", addr) == 1)
			f->control = xstrdup(addr);
	}
	fclose(fp);
	free(ready);
	assert_non_null(f->control);
}

/* The config: NHOSTS plain-HTTP hosts without credentials, 3 s timeouts; an audit log. */
static void
fleet_config(struct fleet *f)
{
	char *cause = NULL;

	f->cfg = config_new();
	f->cfg->defaults.auth = AUTH_BASIC;	/* bitsim --auth none: no handshake */
	for (size_t i = 0; i < NHOSTS; i++) {
		char *url = xasprintf("http://127.0.0.1:%u/wsman", f->ports[i]);
		struct host_cfg *h;

		assert_int_equal(config_add_host(f->cfg, url, "test", &cause), 0);
		h = &f->cfg->hosts[f->cfg->nhosts - 1];
		h->settings.allow_unencrypted = true;
		h->settings.timeout = 3;
		free(url);
	}
	f->audit_path = xasprintf("%s/audit.log", f->dir);
	f->audit = audit_open(f->audit_path, &cause);
	assert_non_null(f->audit);
}

/* Stop bitsim and remove its directory. */
static void
fleet_stop(struct fleet *f)
{
	char *cmd;

	kill(f->pid, SIGTERM);
	waitpid(f->pid, NULL, 0);
	audit_close(f->audit);
	config_free(f->cfg);
	cmd = xasprintf("rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", f->dir);
	free(cmd);
	free(f->control);
	free(f->audit_path);
}

/* Wait up to ms for the wake fd, then take every event; counts results into *results. */
static void
drain(struct poller *p, struct seen *seen, int ms, size_t *results, uint64_t *last_id)
{
	struct pollfd pfd = { .fd = poller_wake_fd(p), .events = POLLIN };
	struct poller_event *ev;

	if (poll(&pfd, 1, ms) < 0)
		assert_int_equal(errno, EINTR);
	while ((ev = poller_next_event(p)) != NULL) {
		if (ev->type == POLLER_EV_SNAPSHOT) {
			struct host_snapshot *s = ev->snap;
			struct seen *h = &seen[s->host];

			assert_true(s->host < NHOSTS);
			assert_true(s->seq > h->seq);
			h->seq = s->seq;
			h->state = s->state;
			if (s->state == HOST_STATE_OK) {
				assert_int_equal(s->error.kind, HOSTERR_NONE);
				h->ok++;
				h->njobs = s->njobs;
				free(h->job);
				h->job = s->njobs > 0 && s->jobs[0].job_id.s != NULL ?
				    xstrdup(s->jobs[0].job_id.s) : NULL;
			} else {
				assert_int_not_equal(s->error.kind, HOSTERR_NONE);
				assert_non_null(s->error.message);
				h->errors++;
			}
		} else {
			assert_non_null(ev->result);
			assert_true(ev->result->id > 0 && ev->result->id <= *last_id);
			(*results)++;
		}
		poller_event_free(ev);
	}
}

/* Drain for ms milliseconds. */
static void
drain_for(struct poller *p, struct seen *seen, int ms, size_t *results, uint64_t *last_id)
{
	int64_t end = time_mono_ms() + ms;

	while (time_mono_ms() < end)
		drain(p, seen, (int)(end - time_mono_ms()), results, last_id);
}

/* Count audit lines of each event. */
static void
audit_counts(const char *path, size_t *intents, size_t *outcomes)
{
	FILE *fp = fopen(path, "r");
	char line[4096];

	*intents = *outcomes = 0;
	assert_non_null(fp);
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strstr(line, "\"event\":\"intent\"") != NULL)
			(*intents)++;
		else if (strstr(line, "\"event\":\"outcome\"") != NULL)
			(*outcomes)++;
	}
	fclose(fp);
}

/* The whole scenario of the file comment. */
static void
test_poller_under_load(void **state)
{
	struct fleet f;
	struct seen seen[NHOSTS];
	struct poller_opts opts = { .interval_ms = 100, .nthreads = 4, .max_parallel = 8 };
	struct poller *p;
	char *cause = NULL;
	size_t results = 0, submitted = 0, intents, outcomes;
	uint64_t last_id = 0;
	static const enum action_kind kinds[] = { ACTION_SUSPEND, ACTION_RESUME, ACTION_PRIORITY };

	(void)state;
	memset(&f, 0, sizeof f);
	memset(seen, 0, sizeof seen);
	fleet_start(&f);
	fleet_config(&f);
	opts.audit = f.audit;
	p = poller_new(f.cfg, &opts);
	assert_int_equal(poller_start(p, &cause), 0);

	/* Every host answers, with the jobs bitsim has. */
	drain_for(p, seen, 1500, &results, &last_id);
	for (size_t i = 0; i < NHOSTS; i++) {
		assert_true(seen[i].ok >= 2);
		assert_int_equal(seen[i].njobs, sim_njobs(&f, i));
	}

	/* Actions from the consumer while everything else goes on. */
	for (int round = 0; round < 6; round++) {
		for (size_t i = 0; i < NHOSTS; i++) {
			struct action_req *req;

			if (seen[i].job == NULL)
				continue;
			req = action_req_new(kinds[(i + (size_t)round) % 3], i, seen[i].job, "job");
			req->priority = (unsigned)(round % 4);
			last_id = poller_submit(p, req);
			submitted++;
		}
		poller_refresh(p, (ssize_t)(round % NHOSTS));
		poller_set_interval(p, round % 2 ? 100 : 150);
		if (round == 2)
			poller_refresh(p, -1);
		drain_for(p, seen, 250, &results, &last_id);
	}
	drain_for(p, seen, 3000, &results, &last_id);
	assert_int_equal(results, submitted);
	audit_counts(f.audit_path, &intents, &outcomes);
	assert_int_equal(intents, submitted);
	assert_int_equal(outcomes, submitted);

	/* Three hosts refuse connections: they show errors while the others stay ok. */
	free(sim_ctl(&f, "/fault?host=1,5,9&kind=refused"));
	drain_for(p, seen, 1200, &results, &last_id);
	assert_int_equal(seen[1].state, HOST_STATE_ERROR);
	assert_int_equal(seen[5].state, HOST_STATE_ERROR);
	assert_int_equal(seen[9].state, HOST_STATE_ERROR);
	assert_int_equal(seen[0].state, HOST_STATE_OK);
	free(sim_ctl(&f, "/clear?host=1,5,9"));
	for (int i = 0; i < 40 && (seen[1].state != HOST_STATE_OK || seen[5].state != HOST_STATE_OK ||
	    seen[9].state != HOST_STATE_OK); i++)
		drain_for(p, seen, 250, &results, &last_id);
	assert_int_equal(seen[1].state, HOST_STATE_OK);
	assert_int_equal(seen[5].state, HOST_STATE_OK);
	assert_int_equal(seen[9].state, HOST_STATE_OK);

	/* Paused: no scheduled polls (in-flight ones may still land). */
	poller_set_paused(p, true);
	drain_for(p, seen, 400, &results, &last_id);
	{
		uint64_t before = seen[0].seq;

		drain_for(p, seen, 600, &results, &last_id);
		assert_true(seen[0].seq <= before + 1);
		/* A refresh still polls a paused host. */
		poller_refresh(p, 0);
		drain_for(p, seen, 600, &results, &last_id);
		assert_true(seen[0].seq > before);
	}
	poller_set_paused(p, false);

	/* Free with actions queued and in flight: prompt, nothing leaks. */
	free(sim_ctl(&f, "/fault?host=all&kind=latency&ms=400"));
	for (size_t i = 0; i < NHOSTS; i++)
		for (int k = 0; k < 3; k++)
			if (seen[i].job != NULL)
				last_id = poller_submit(p,
				    action_req_new(ACTION_SUSPEND, i, seen[i].job, NULL));
	drain_for(p, seen, 150, &results, &last_id);
	{
		int64_t t0 = time_mono_ms();

		poller_free(p);
		assert_true(time_mono_ms() - t0 < 2000);
	}
	for (size_t i = 0; i < NHOSTS; i++)
		free(seen[i].job);
	fleet_stop(&f);
}

/* The requests bitsim has counted for host i. */
static unsigned long
sim_requests(const struct fleet *f, size_t i)
{
	char *path = xasprintf("/stats?host=%zu", i), *s = sim_ctl(f, path);
	unsigned long n = 0;

	assert_int_equal(sscanf(s, "requests %lu", &n), 1);
	free(s);
	free(path);
	return n;
}

/* Drain until the result of action `id` came (10 s at most); the snapshots go to seen. */
static void
drain_result(struct poller *p, struct seen *seen, uint64_t id)
{
	size_t results = 0;
	uint64_t last = id;
	int64_t end = time_mono_ms() + 10000;

	while (results == 0 && time_mono_ms() < end)
		drain(p, seen, 200, &results, &last);
	assert_int_equal(results, 1);
}

/* A GetError (the screen asks one per job newly in error) costs one request and no
 * poll of the host; an action that changes the job polls the host at once. */
static void
test_get_error_no_repoll(void **state)
{
	struct fleet f;
	struct seen seen[NHOSTS];
	struct poller_opts opts = { .interval_ms = 600000, .nthreads = 2, .max_parallel = 8 };
	struct poller *p;
	char *cause = NULL;
	size_t results = 0;
	uint64_t last_id = 0, seq, id;
	unsigned long req;

	(void)state;
	memset(&f, 0, sizeof f);
	memset(seen, 0, sizeof seen);
	fleet_start(&f);
	fleet_config(&f);
	opts.audit = f.audit;
	p = poller_new(f.cfg, &opts);
	assert_int_equal(poller_start(p, &cause), 0);
	for (int64_t end = time_mono_ms() + 10000; seen[0].ok == 0 && time_mono_ms() < end;)
		drain(p, seen, 200, &results, &last_id);
	assert_true(seen[0].ok == 1 && seen[0].job != NULL);
	seq = seen[0].seq;
	req = sim_requests(&f, 0);
	id = poller_submit(p, action_req_new(ACTION_GET_ERROR, 0, seen[0].job, NULL));
	drain_result(p, seen, id);
	drain_for(p, seen, 500, &results, &id);
	assert_int_equal(sim_requests(&f, 0), req + 1);
	assert_int_equal(seen[0].seq, seq);	/* no poll */
	id = poller_submit(p, action_req_new(ACTION_SUSPEND, 0, seen[0].job, NULL));
	drain_result(p, seen, id);
	for (int64_t end = time_mono_ms() + 10000; seen[0].seq == seq && time_mono_ms() < end;)
		drain(p, seen, 200, &results, &id);
	assert_true(seen[0].seq > seq);	/* the suspend is shown at once */
	poller_free(p);
	for (size_t i = 0; i < NHOSTS; i++)
		free(seen[i].job);
	fleet_stop(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poller_under_load),
		cmocka_unit_test(test_get_error_no_repoll),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	signal(SIGPIPE, SIG_IGN);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	curl_global_cleanup();
	return rc;
}
