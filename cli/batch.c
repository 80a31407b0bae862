#include "config.h"

#include "cli/batch.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/audit.h"
#include "src/cfg.h"
#include "src/poller.h"
#include "src/sanitize.h"
#include "src/snapshot.h"
#include "src/xalloc.h"

/* The signal that interrupted --action (0: none). */
static volatile sig_atomic_t batch_signal;

/* SIGINT/SIGTERM/SIGHUP during --action: stop waiting, let the clean-up log outcomes. */
static void
batch_on_signal(int signo)
{
	batch_signal = signo;
}

/* Extra time past the longest per-request timeout before --once gives up on a host. */
#define BATCH_GRACE_MS 5000

int64_t
batch_deadline_ms(const struct config *cfg, unsigned exchanges)
{
	double longest = 0;

	for (size_t i = 0; i < cfg->nhosts; i++)
		if (cfg->hosts[i].settings.timeout > longest)
			longest = cfg->hosts[i].settings.timeout;
	if (longest <= 0)
		longest = 15;
	return (int64_t)(longest * 1000.0) * exchanges + BATCH_GRACE_MS;
}

/* Wait up to ms for the poller's wake fd. */
static void
batch_wait(struct poller *p, int64_t ms)
{
	struct pollfd pfd = { .fd = poller_wake_fd(p), .events = POLLIN };

	if (ms < 0)
		ms = 0;
	if (ms > 1000)
		ms = 1000;
	if (poll(&pfd, 1, (int)ms) < 0 && errno != EINTR)
		perror("bitstop: poll");
}

/* A started poller, or NULL after saying why. paused: no scheduled polls (actions only). */
static struct poller *
batch_start(const struct config *cfg, const struct poller_opts *opts, bool paused)
{
	struct poller *p = poller_new(cfg, opts);
	char *cause = NULL;

	if (paused)
		poller_set_paused(p, true);
	if (poller_start(p, &cause) != 0) {
		fprintf(stderr, "bitstop: %s\n", cause);
		free(cause);
		poller_free(p);
		return NULL;
	}
	return p;
}

int
batch_once(struct config *cfg, enum output_format fmt, bool verbose)
{
	struct poller_opts opts = { .interval_ms = 3600u * 1000u, .verbose = verbose,
	    .max_parallel = POLLER_ONCE_PARALLEL };
	struct host_snapshot **snaps = xcalloc(cfg->nhosts ? cfg->nhosts : 1, sizeof *snaps);
	struct poller *p;
	size_t done = 0, failed = 0, auth_failed = 0;
	int64_t deadline = time_mono_ms() + batch_deadline_ms(cfg, 3);
	int rc;

	p = batch_start(cfg, &opts, false);
	if (p == NULL) {
		free(snaps);
		return EXIT_FAILED;
	}
	while (done < cfg->nhosts) {
		struct poller_event *ev;
		int64_t now = time_mono_ms();

		if (now >= deadline)
			break;
		while ((ev = poller_next_event(p)) != NULL) {
			if (ev->type == POLLER_EV_SNAPSHOT && snaps[ev->snap->host] == NULL) {
				snaps[ev->snap->host] = ev->snap;
				ev->snap = NULL;
				done++;
			}
			poller_event_free(ev);
		}
		if (done < cfg->nhosts)
			batch_wait(p, deadline - now);
	}
	poller_free(p);
	for (size_t i = 0; i < cfg->nhosts; i++) {
		if (snaps[i] == NULL) {
			snaps[i] = host_snapshot_new(i);
			snaps[i]->state = HOST_STATE_ERROR;
			hosterr_set(&snaps[i]->error, HOSTERR_TIMEOUT,
			    "no complete answer within the overall deadline of %lld s",
			    (long long)(batch_deadline_ms(cfg, 3) / 1000));
		}
		if (snaps[i]->state != HOST_STATE_OK) {
			failed++;
			if (snaps[i]->error.kind == HOSTERR_AUTH)
				auth_failed++;
		} else if (snaps[i]->warning != NULL) {
			/* The screen shows the same in its host view. */
			char *host = sanitize_terminal(cfg->hosts[i].name);

			fprintf(stderr, "bitstop: warning: %s: %s\n", host, snaps[i]->warning);
			free(host);
		}
	}
	rc = output_write(stdout, stderr, fmt, cfg, snaps, cfg->nhosts, time(NULL));
	if (fflush(stdout) != 0)
		rc = -1;
	for (size_t i = 0; i < cfg->nhosts; i++)
		host_snapshot_free(snaps[i]);
	free(snaps);
	if (rc != 0) {
		fprintf(stderr, "bitstop: cannot write the report: %s\n", strerror(errno));
		return EXIT_FAILED;
	}
	if (cfg->nhosts > 0 && auth_failed == cfg->nhosts)
		return EXIT_AUTH;
	return failed > 0 ? EXIT_FAILED : EXIT_OK;
}

/* Catch SIGINT, SIGTERM and SIGHUP without SA_RESTART: they interrupt the wait at once. */
static void
batch_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = batch_on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* Tallies of the --action answers. */
struct batch_tally {
	size_t	 answered;
	size_t	 failed;
	size_t	 auth_failed;
};

/* One action's answer: a line on standard output (and the reason on standard error). */
static void
batch_report(const char *host, const struct action_result *r, struct batch_tally *t)
{
	char *job = sanitize_terminal(r->job_id), *msg;

	t->answered++;
	if (r->ok) {
		printf("%s\t%s\t%s\tok%s\n", host, job, action_kind_name(r->kind),
		    r->already_gone ? " (job had already left the queue)" :
		    r->via_system_task ? " (as SYSTEM, through a scheduled task)" : "");
		free(job);
		return;
	}
	msg = sanitize_terminal(r->error.message);
	t->failed++;
	if (r->error.kind == HOSTERR_AUTH)
		t->auth_failed++;
	printf("%s\t%s\t%s\t%s\t%s\n", host, job, action_kind_name(r->kind),
	    r->unknown ? "unknown" : "error", msg);
	fprintf(stderr, "bitstop: %s: %s %s: %s\n", host, action_kind_name(r->kind), job, msg);
	free(msg);
	free(job);
}

/* The exit status of --action once the poller has stopped: interrupted, late, failed. */
static int
batch_action_status(const char *host, const struct batch_action *act, struct batch_tally *t)
{
	if (batch_signal) {
		int signo = batch_signal;

		fflush(stdout);
		fprintf(stderr, "bitstop: %s: interrupted (%s) with %zu of %zu actions unanswered; "
		    "nothing more was sent, and the audit log says which answers never came\n",
		    host, strsignal(signo), act->njobs - t->answered, act->njobs);
		return signo == SIGINT ? 130 : 128 + signo;
	}
	if (t->answered < act->njobs) {
		fprintf(stderr, "bitstop: %s: %zu of %zu actions got no answer before the deadline; "
		    "they were not re-sent (the next poll shows the truth)\n", host,
		    act->njobs - t->answered, act->njobs);
		t->failed += act->njobs - t->answered;
	}
	fflush(stdout);
	if (act->njobs > 0 && t->auth_failed == act->njobs)
		return EXIT_AUTH;
	return t->failed > 0 ? EXIT_FAILED : EXIT_OK;
}

int
batch_action(struct config *cfg, const struct batch_action *act, struct audit *audit, bool verbose)
{
	struct poller_opts opts = { .interval_ms = 3600u * 1000u, .verbose = verbose, .audit = audit };
	struct batch_tally tally = { 0 };
	struct poller *p;
	int64_t deadline = time_mono_ms() + batch_deadline_ms(cfg, 3) * (int64_t)act->njobs;
	const char *host = cfg->hosts[0].name;

	/* Actions only: no poll is scheduled. */
	p = batch_start(cfg, &opts, true);
	if (p == NULL)
		return EXIT_FAILED;
	batch_catch_signals();
	for (size_t i = 0; i < act->njobs; i++) {
		struct action_req *req = action_req_new(act->kind, 0, act->jobs[i], NULL);

		req->priority = act->priority;
		poller_submit(p, req);
	}
	while (tally.answered < act->njobs && time_mono_ms() < deadline && !batch_signal) {
		struct poller_event *ev;

		while ((ev = poller_next_event(p)) != NULL) {
			if (ev->type == POLLER_EV_ACTION && ev->result != NULL)
				batch_report(host, ev->result, &tally);
			poller_event_free(ev);
		}
		if (tally.answered < act->njobs && !batch_signal)
			batch_wait(p, deadline - time_mono_ms());
	}
	/* Stops the threads: requests still in flight get an outcome line saying that no
	 * answer came; requests not yet sent are dropped (they have no intent line). */
	poller_free(p);
	return batch_action_status(host, act, &tally);
}
