/*
 * Flow tests of the whole front end without a terminal: the UI over a fake
 * poller backend in a headless 80x24 (or 200x50) screen. Keys go in through
 * ui_key(), snapshots and results through ui_snapshot()/ui_result(), and the
 * rendered windows are read back as text.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "tui/app.h"
#include "src/audit.h"
#include "src/cfg.h"
#include "tests/tui_fixture.h"
#include "tests/tui_screen.h"
#include "tui/jobs.h"
#include "tui/keymap.h"
#include "tui/ui.h"

#define T0 (FIX_NOW_UNIX * 1000)
#define MB (1024ULL * 1024ULL)
#define ENTER '\r'
#define ESC 27

static const struct fix_job jobs0[] = {
	{ "{A1}", "alpha", "CONTOSO\\amy", BITS_STATE_TRANSFERRING, BITS_PRIORITY_NORMAL,
	  100 * MB, 10 * MB, 2, 0, 0, 300 },
	{ "{A2}", "beta", "CONTOSO\\bob", BITS_STATE_SUSPENDED, BITS_PRIORITY_LOW,
	  BITS_SIZE_UNKNOWN, 0, 1, 0, 3, 7200 },
};
static const struct fix_job jobs1[] = {
	{ "{B1}", "gamma", "NT AUTHORITY\\SYSTEM", BITS_STATE_ERROR, BITS_PRIORITY_HIGH,
	  50 * MB, 25 * MB, 4, 1, 7, 3 * 86400 },
};
static const struct fix_job jobs2[] = {
	{ "{C1}", "delta", "CONTOSO\\cy", BITS_STATE_QUEUED, BITS_PRIORITY_FOREGROUND,
	  1 * MB, 0, 1, 0, 0, 60 },
};

struct env {
	struct host_cfg hosts[3];
	struct config cfg;
	struct app app;
	char	 dir[32];
	char	*audit_path;
	struct action_req *reqs[32];	/* what the fake poller received */
	size_t	 nreqs;
	uint64_t next_id;
	ssize_t	 refreshed;
	bool	 paused;
	unsigned interval;
	struct ui *ui;
};

/* The fake poller: keep each request, number it. */
static uint64_t
fake_submit(void *arg, struct action_req *req)
{
	struct env *e = arg;

	req->id = ++e->next_id;
	assert_true(e->nreqs < 32);
	e->reqs[e->nreqs++] = req;
	return req->id;
}

static void
fake_poll_now(void *arg, ssize_t host)
{
	((struct env *)arg)->refreshed = host;
}

static void
fake_set_paused(void *arg, bool paused)
{
	((struct env *)arg)->paused = paused;
}

static void
fake_set_interval(void *arg, unsigned ms)
{
	((struct env *)arg)->interval = ms;
}

/* The first host's name as configured (a test may make it a URL). */
static const char *env_host0 = "ws01";
/* A config warning for the next env_new (NULL: none). */
static char *env_warning;

/* Start the UI over three hosts at lines x cols; ws03 answered once, then timed out. */
static struct env *
env_new(int lines, int cols, bool readonly)
{
	const char *const names[] = { env_host0, "ws02", "ws03" };
	struct env *e = calloc(1, sizeof *e);
	struct ui_backend be = { fake_submit, fake_poll_now, fake_set_paused, fake_set_interval, e };
	char *cause = NULL;

	strcpy(e->dir, "/tmp/bitstop-ui-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	e->audit_path = xasprintf("%s/audit.log", e->dir);
	for (size_t i = 0; i < 3; i++) {
		e->hosts[i].name = (char *)names[i];
		e->hosts[i].url = xasprintf("https://%s:5986/wsman", names[i]);
	}
	e->cfg.hosts = e->hosts;
	e->cfg.nhosts = 3;
	if (env_warning != NULL) {
		e->cfg.warnings = &env_warning;
		e->cfg.nwarnings = 1;
	}
	e->app.cfg = &e->cfg;
	e->cfg.audit_log = e->audit_path;	/* the operations of earlier runs come from here */
	e->app.audit = audit_open(e->audit_path, &cause);
	assert_non_null(e->app.audit);
	e->app.readonly = readonly;
	e->app.refresh = 5.0;
	e->app.theme = "default";
	e->refreshed = -2;
	tui_screen_open(lines, cols);
	e->ui = ui_new(&e->app, &be, true);
	ui_push(e->ui, jobs_new());
	e->ui->fixed_wall_ms = T0;
	ui_layout(e->ui);
	ui_snapshot(e->ui, fix_snap(0, 1, T0, jobs0, 2));
	ui_snapshot(e->ui, fix_snap(1, 1, T0, jobs1, 1));
	ui_snapshot(e->ui, fix_snap(2, 1, T0 - 60000, jobs2, 1));
	ui_snapshot(e->ui, fix_snap_err(2, 2, T0, T0 - 60000, HOSTERR_TIMEOUT, "no answer in 15 s"));
	/* The job in ERROR had its code asked in the background: answer, then start clean. */
	assert_int_equal(e->nreqs, 1);
	assert_int_equal(e->reqs[0]->kind, ACTION_GET_ERROR);
	assert_string_equal(e->reqs[0]->job_id, "{B1}");
	{
		struct action_result *res = action_result_new(e->reqs[0]);

		res->ok = true;
		res->has_error_info = true;
		res->error_info.error_code = 0x80190194;
		ui_result(e->ui, res);
		action_result_free(res);
	}
	action_req_free(e->reqs[0]);
	e->nreqs = 0;
	ui_render(e->ui);
	return e;
}

static void
env_free(struct env *e)
{
	ui_free(e->ui);
	tui_screen_close();
	audit_close(e->app.audit);
	unlink(e->audit_path);
	rmdir(e->dir);
	free(e->audit_path);
	for (size_t i = 0; i < 3; i++)
		free(e->hosts[i].url);
	for (size_t i = 0; i < e->nreqs; i++)
		action_req_free(e->reqs[i]);
	free(e);
}

/* Send keys, render, and return the whole screen's text (header, body, footer). */
static char *
keys(struct env *e, const int *k)
{
	struct strbuf sb;
	char *part;

	for (; k != NULL && *k != 0; k++)
		ui_key(e->ui, *k);
	ui_render(e->ui);
	strbuf_init(&sb);
	part = tui_window_text(e->ui->header);
	strbuf_adds(&sb, part);
	free(part);
	part = tui_window_text(e->ui->body);
	strbuf_adds(&sb, part);
	free(part);
	part = tui_window_text(e->ui->footer);
	strbuf_adds(&sb, part);
	free(part);
	return strbuf_detach(&sb, NULL);
}

/* Send one key and return the screen. */
static char *
key1(struct env *e, int k)
{
	int ks[2] = { k, 0 };

	return keys(e, ks);
}

/* Type a string, key by key ('\r' for Enter), and return the screen. */
static char *
type(struct env *e, const char *str)
{
	for (; str[1] != '\0'; str++)
		ui_key(e->ui, (unsigned char)*str);
	return key1(e, (unsigned char)*str);
}

/* Answer request i (ok or not). */
static void
answer(struct env *e, size_t i, bool ok, const char *msg)
{
	struct action_result *res = action_result_new(e->reqs[i]);

	res->ok = ok;
	if (!ok)
		hosterr_set(&res->error, HOSTERR_FAULT, "%s", msg);
	ui_result(e->ui, res);
	action_result_free(res);
}

/* The first screen at 80x24: header, titles, every job, hints. */
static void
test_first_screen(void **state)
{
	struct env *e = env_new(24, 80, false);
	char *s = keys(e, NULL);

	assert_non_null(strstr(s, "bitstop"));
	assert_non_null(strstr(s, "hosts 2 ok, 1 failing"));
	assert_non_null(strstr(s, "HOST"));
	assert_non_null(strstr(s, "alpha"));
	assert_non_null(strstr(s, "beta"));
	assert_non_null(strstr(s, "gamma"));
	assert_non_null(strstr(s, "delta"));
	assert_non_null(strstr(s, "?Help /Filter"));
	assert_true(tui_text_clean(s));
	free(s);
	env_free(e);
}

/* Cancel asks first with No as the default; Enter keeps the job; y sends it; the row
 * shows pending; the result lands in the status line; the job then leaves the screen. */
static void
test_cancel_flow(void **state)
{
	struct env *e = env_new(24, 80, false);
	char *s;

	s = key1(e, 'x');
	assert_non_null(strstr(s, "cancel 'beta' on ws01?"));
	assert_non_null(strstr(s, "[ Yes ]"));
	assert_non_null(strstr(s, "\u250c"));	/* a real frame, not ACS letters */
	free(s);
	s = key1(e, ENTER);
	assert_int_equal(e->nreqs, 0);
	assert_non_null(strstr(s, "not sent: cancel 'beta' on ws01"));
	free(s);
	free(key1(e, 'x'));
	s = key1(e, 'y');
	assert_int_equal(e->nreqs, 1);
	assert_int_equal(e->reqs[0]->kind, ACTION_CANCEL);
	assert_string_equal(e->reqs[0]->job_id, "{A2}");
	assert_non_null(strstr(s, "pending cancel"));
	free(s);
	answer(e, 0, true, NULL);
	s = keys(e, NULL);
	assert_non_null(strstr(s, "cancel 'beta' on ws01: ok"));
	free(s);
	ui_snapshot(e->ui, fix_snap(0, 2, T0 + 5000, jobs0, 1));
	free(keys(e, NULL));
	s = tui_window_text(e->ui->body);
	assert_null(strstr(s, "beta"));	/* cancelled by us: no tombstone */
	assert_non_null(strstr(s, "alpha"));
	free(s);
	env_free(e);
}

/* A failed action shows the server's reason in the status line. */
static void
test_action_failure(void **state)
{
	struct env *e = env_new(24, 80, false);
	char *s;

	free(key1(e, 's'));	/* suspend needs no confirmation */
	assert_int_equal(e->nreqs, 1);
	assert_int_equal(e->reqs[0]->kind, ACTION_SUSPEND);
	answer(e, 0, false, "BG_E_INVALID_STATE: the job is already suspended");
	s = keys(e, NULL);
	assert_non_null(strstr(s, "suspend 'beta' on ws01 failed: BG_E_INVALID_STATE"));
	free(s);
	env_free(e);
}

/*
 * Tag all shown, then one bulk action: one confirmation counting jobs and
 * hosts, which leaves out the tagged job of the failing host (ws10) and says
 * so; the status line counts the outcomes and points at the operations view.
 */
static void
test_bulk(void **state)
{
	struct env *e = env_new(24, 200, false);
	char *s;

	s = key1(e, '*');
	assert_non_null(strstr(s, "tagged 4"));
	free(s);
	s = key1(e, 'x');
	assert_non_null(strstr(s, "cancel 3 jobs on 2 hosts?"));
	assert_non_null(strstr(s, "1 more job on 1 failing host"));
	assert_non_null(strstr(s, "a includes them"));
	free(s);
	free(key1(e, 'y'));
	assert_int_equal(e->nreqs, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_true(e->reqs[i]->host != 2);
		answer(e, i, i != 1, "access denied");
	}
	s = keys(e, NULL);
	assert_non_null(strstr(s, "cancel 3 jobs on 2 hosts: 2 ok, 1 failed \u2014 o to see them"));
	free(s);
	s = key1(e, 'U');
	assert_non_null(strstr(s, "jobs untagged"));
	free(s);
	env_free(e);
}

/* The ERROR column shows the short name of the code GetError gave; code: filters on it. */
static void
test_error_column(void **state)
{
	struct env *e = env_new(50, 200, false);
	char *s = keys(e, NULL);

	(void)state;
	assert_non_null(strstr(s, "ERROR"));
	assert_non_null(strstr(s, "HTTP_404"));
	free(s);
	s = type(e, "/code:http_404\r");
	assert_non_null(strstr(s, "gamma"));
	assert_null(strstr(s, "alpha"));
	free(s);
	env_free(e);
}

/* In the bulk confirmation, 'a' includes the jobs of the failing host that were left out. */
static void
test_bulk_include_stale(void **state)
{
	struct env *e = env_new(24, 200, false);
	char *s;

	(void)state;
	free(key1(e, '*'));
	free(key1(e, 's'));
	s = key1(e, 'a');
	assert_non_null(strstr(s, "suspend 4 jobs on 3 hosts: sent"));
	free(s);
	assert_int_equal(e->nreqs, 4);
	assert_int_equal(e->reqs[3]->host, 2);
	env_free(e);
}

/* Read-only (flag, or a host in the config) and an unusable audit log refuse, saying why. */
static void
test_refusals(void **state)
{
	struct env *e = env_new(24, 80, true);
	int down3[] = { KF(KEY_END), 0 };
	char *s;

	s = key1(e, 'r');
	assert_non_null(strstr(s, "[READ-ONLY]"));
	assert_non_null(strstr(s, "read-only: actions are disabled"));
	free(s);
	assert_int_equal(e->nreqs, 0);
	env_free(e);

	e = env_new(24, 80, false);
	e->hosts[2].settings.readonly = true;
	free(keys(e, down3));
	s = key1(e, 'r');
	assert_non_null(strstr(s, "read-only: ws03 is read-only in the config"));
	free(s);
	audit_close(e->app.audit);
	e->app.audit = NULL;
	e->app.audit_error = "audit.log: Permission denied";
	s = key1(e, 'x');
	assert_non_null(strstr(s, "[NO AUDIT LOG]"));
	assert_non_null(strstr(s, "audit log cannot be written (audit.log: Permission denied)"));
	free(s);
	assert_int_equal(e->nreqs, 0);
	env_free(e);
}

/* / filters as you type, the header says so, Esc clears. */
static void
test_filter(void **state)
{
	struct env *e = env_new(24, 80, false);
	int k[] = { '/', 'g', 'A', 'm', 0 };
	char *s = keys(e, k);

	assert_non_null(strstr(s, "gamma"));
	assert_null(strstr(s, "alpha"));
	assert_non_null(strstr(s, "filter \"gAm\""));
	assert_non_null(strstr(s, "Filter: gAm"));
	free(s);
	s = key1(e, ENTER);
	assert_null(strstr(s, "alpha"));
	/* the prompt's hint gives way to what the filter did */
	assert_null(strstr(s, "Enter keeps it"));
	assert_non_null(strstr(s, "job shown"));
	free(s);
	s = key1(e, ESC);
	assert_non_null(strstr(s, "alpha"));
	assert_non_null(strstr(s, "gamma"));
	free(s);
	env_free(e);
}

/* > picks the sort column, I inverts it, and the cursor stays on its job. */
static void
test_sort_and_identity(void **state)
{
	struct env *e = env_new(24, 200, false);
	int pick_name[] = { '>', KF(KEY_END), ENTER, 0 };
	int down2[] = { KF(KEY_DOWN), KF(KEY_DOWN), 0 };
	struct fix_job more[4] = { jobs0[0], jobs0[1],
		{ "{A3}", "aaa", "x", BITS_STATE_QUEUED, BITS_PRIORITY_NORMAL, 1, 0, 1, 0, 0, 9999 },
		{ "{A4}", "aab", "x", BITS_STATE_QUEUED, BITS_PRIORITY_NORMAL, 1, 0, 1, 0, 0, 9998 } };
	struct model_row *row;
	char *s;

	free(keys(e, down2));
	row = jobs_selected(e->ui->jobs, e->ui);
	assert_string_equal(row->id, "{B1}");
	/* Two older jobs appear on ws01, above the cursor: it stays on gamma. */
	ui_snapshot(e->ui, fix_snap(0, 2, T0 + 5000, more, 4));
	s = keys(e, NULL);
	row = jobs_selected(e->ui->jobs, e->ui);
	assert_string_equal(row->id, "{B1}");
	assert_true(row->view_index == 4);
	free(s);
	s = keys(e, pick_name);
	assert_non_null(strstr(s, "NAMEv"));
	free(s);
	row = jobs_selected(e->ui->jobs, e->ui);
	assert_string_equal(row->id, "{B1}");
	s = key1(e, 'I');
	assert_non_null(strstr(s, "NAME^"));
	free(s);
	env_free(e);
}

/* Moving the cursor repaints only two rows; an idle tick draws nothing. */
static void
test_dirty_flags(void **state)
{
	struct env *e = env_new(24, 80, false);

	ui_key(e->ui, KF(KEY_DOWN));
	assert_true(e->ui->dirty & UI_CURSOR);
	assert_false(e->ui->dirty & UI_BODY);
	ui_render(e->ui);
	assert_int_equal(e->ui->dirty, 0);
	ui_tick(e->ui);
	assert_int_equal(e->ui->dirty, 0);
	env_free(e);
}

/* + raises one step at once; p picks a priority from a list. */
static void
test_priority(void **state)
{
	struct env *e = env_new(24, 80, false);
	int pick_low[] = { 'p', KF(KEY_END), ENTER, 0 };
	int down[] = { KF(KEY_DOWN), '+', 0 };

	free(keys(e, down));	/* alpha, NORMAL */
	assert_int_equal(e->nreqs, 1);
	assert_int_equal(e->reqs[0]->kind, ACTION_PRIORITY);
	assert_int_equal(e->reqs[0]->priority, BITS_PRIORITY_HIGH);
	free(keys(e, pick_low));
	assert_int_equal(e->nreqs, 2);
	assert_int_equal(e->reqs[1]->priority, BITS_PRIORITY_LOW);
	env_free(e);
}

/* Enter on a job in error opens every property and fetches GetError; its answer shows
 * the HRESULT in hex with name and meaning, and the context. */
static void
test_detail(void **state)
{
	struct env *e = env_new(50, 200, false);
	int open[] = { KF(KEY_DOWN), KF(KEY_DOWN), ENTER, 0 };
	struct action_result *res;
	char *s = keys(e, open);

	assert_non_null(strstr(s, "{B1}"));
	assert_non_null(strstr(s, "NT AUTHORITY\\SYSTEM"));
	assert_non_null(strstr(s, "ERROR"));
	assert_non_null(strstr(s, "fetching (GetError)"));
	assert_non_null(strstr(s, "https://ws02:5986/wsman"));
	free(s);
	assert_int_equal(e->nreqs, 1);
	assert_int_equal(e->reqs[0]->kind, ACTION_GET_ERROR);
	res = action_result_new(e->reqs[0]);
	res->ok = true;
	res->has_error_info = true;
	res->error_info.error_code = 0x80200010;
	res->error_info.error_context = BITS_CTX_REMOTE_FILE;
	res->error_info.error_description = xstrdup("The network is gone.\x1b[2J");
	ui_result(e->ui, res);
	action_result_free(res);
	s = keys(e, NULL);
	assert_non_null(strstr(s, "0x80200010 BG_E_NETWORK_DISCONNECTED"));
	assert_non_null(strstr(s, "REMOTE_FILE"));
	assert_non_null(strstr(s, "The network is gone."));
	assert_true(tui_text_clean(s));
	free(s);
	s = key1(e, ESC);
	assert_non_null(strstr(s, "PROGRESS"));
	free(s);
	env_free(e);
}

/* A host snapshot of ws02 whose job gamma has a nil description and two files, one with a long URL. */
static struct host_snapshot *
detail_snap(uint64_t seq)
{
	struct host_snapshot *snap = fix_snap(1, seq, T0 + 5000, jobs1, 1);
	struct bits_job *j = &snap->jobs[0];
	static const char *const urls[2] = { "https://cdn.example/a.bin",
	    "https://cdn.example/very/long/path/that/goes/on/and/on/well/past/the/edge/of/an/eighty/column/terminal/END.bin" };

	free(j->description.s);
	j->description.s = NULL;
	j->description.p = BITS_NIL;
	j->files = xcalloc(2, sizeof *j->files);
	j->nfiles = 2;
	j->files_p = BITS_SET;
	for (size_t i = 0; i < 2; i++) {
		j->files[i].remote_url.p = BITS_SET;
		j->files[i].remote_url.s = xstrdup(urls[i]);
		j->files[i].local_file.p = BITS_SET;
		j->files[i].local_file.s = xstrdup(i == 0 ? "C:\\a.bin" : "C:\\b.bin");
		j->files[i].completed.p = BITS_SET;
		j->files[i].completed.v = i == 0;
		j->files[i].bytes_total.p = BITS_SET;
		j->files[i].bytes_total.v = 100;
		j->files[i].bytes_transferred.p = BITS_SET;
		j->files[i].bytes_transferred.v = i == 0 ? 100 : 5;
	}
	return snap;
}

/*
 * The detail view's defects: no "(nil)", the job's description and the
 * error's text have distinct labels, durations read as people say them, the
 * file it failed on is marked, long paths wrap, PgDn and End scroll, p picks
 * the priority, and the footer offers only what the job's state allows.
 */
static void
test_detail_defects(void **state)
{
	struct env *e = env_new(24, 80, false);
	int open[] = { KF(KEY_DOWN), KF(KEY_DOWN), ENTER, 0 };
	struct action_result *res;
	char *s;

	(void)state;
	ui_snapshot(e->ui, detail_snap(2));
	s = keys(e, open);
	assert_non_null(strstr(s, "Job descr.     none"));
	assert_null(strstr(s, "(nil)"));
	assert_null(strstr(s, "(absent)"));
	assert_non_null(strstr(s, "10m after a transient error"));
	assert_non_null(strstr(s, "14d without progress"));
	assert_null(strstr(s, "1209600"));
	assert_non_null(strstr(s, "r resume"));	/* gamma is in ERROR */
	assert_null(strstr(s, "s suspend  c complete"));
	assert_null(strstr(s, "c complete"));
	assert_null(strstr(s, "<- the file it failed on"));	/* below the fold */
	free(s);
	res = action_result_new(e->reqs[e->nreqs - 1]);
	res->ok = true;
	res->has_error_info = true;
	res->error_info.error_code = 0x80190194;
	res->error_info.error_description = xstrdup("Not found.");
	ui_result(e->ui, res);
	action_result_free(res);
	s = key1(e, KF(KEY_END));
	assert_non_null(strstr(s, "Error text"));
	assert_non_null(strstr(s, "END.bin"));		/* the long URL wraps */
	assert_non_null(strstr(s, "<- the file it failed on"));
	free(s);
	s = key1(e, KF(KEY_HOME));
	assert_null(strstr(s, "END.bin"));
	free(s);
	s = key1(e, KF(KEY_NPAGE));
	assert_non_null(strstr(s, "Files list"));
	free(s);
	s = key1(e, 'p');
	assert_non_null(strstr(s, "FOREGROUND"));
	free(s);
	free(key1(e, KF(KEY_UP)));
	free(key1(e, ENTER));
	assert_int_equal(e->reqs[e->nreqs - 1]->kind, ACTION_PRIORITY);
	assert_string_equal(e->reqs[e->nreqs - 1]->job_id, "{B1}");
	env_free(e);
}

/* Popups keep key hints in the footer: the sort picker, a confirmation, the priority picker. */
static void
test_popup_hints(void **state)
{
	struct env *e = env_new(24, 80, false);
	char *s;

	(void)state;
	s = key1(e, '>');
	assert_non_null(strstr(s, "Up/Down move  Enter choose  Esc cancel"));
	free(s);
	free(key1(e, ESC));
	s = key1(e, 'x');
	assert_non_null(strstr(s, "y yes  n/Esc no"));
	free(s);
	free(key1(e, ESC));
	s = key1(e, 'p');
	assert_non_null(strstr(s, "Enter choose"));
	free(s);
	env_free(e);
}

/* -r: the footer shows no action keys, and p refuses before any picker opens. */
static void
test_readonly_keys(void **state)
{
	struct env *e = env_new(24, 80, true);
	char *s = keys(e, NULL);

	(void)state;
	assert_non_null(strstr(s, "?Help /Filter"));
	assert_null(strstr(s, "rResume"));
	assert_null(strstr(s, "xCancel"));
	assert_null(strstr(s, "pPri"));
	assert_null(strstr(s, "nNew"));
	free(s);
	s = key1(e, 'p');
	assert_non_null(strstr(s, "read-only: actions are disabled"));
	assert_null(strstr(s, "FOREGROUND"));
	free(s);
	env_free(e);
}

/* 80x24 keeps qQuit at the end of the footer; wide terminals show every hint. */
static void
test_footer_quit(void **state)
{
	struct env *e = env_new(24, 80, false);
	char *s = tui_window_text(e->ui->footer);

	(void)state;
	assert_non_null(strstr(s, "qQuit"));
	free(s);
	env_free(e);
	e = env_new(50, 200, false);
	s = tui_window_text(e->ui->footer);
	assert_non_null(strstr(s, "oOps wWrong qQuit"));
	free(s);
	env_free(e);
}

/* Status messages expire after a few seconds (errors a little later). */
static void
test_status_expires(void **state)
{
	struct env *e = env_new(24, 80, false);
	char *s = key1(e, 'U');

	(void)state;
	assert_non_null(strstr(s, "jobs untagged"));
	free(s);
	ui_tick(e->ui);
	s = keys(e, NULL);
	assert_non_null(strstr(s, "jobs untagged"));
	free(s);
	e->ui->status_ms -= 7000;
	ui_tick(e->ui);
	s = keys(e, NULL);
	assert_null(strstr(s, "jobs untagged"));
	free(s);
	env_free(e);
}

/* ? says when there is more below and how to see it; the filter words are listed. */
static void
test_help_scrolls(void **state)
{
	struct env *e = env_new(24, 80, false);
	char *s = key1(e, '?');

	(void)state;
	assert_non_null(strstr(s, "more below"));
	assert_non_null(strstr(s, "Down/PgDn scrolls"));
	free(s);
	s = key1(e, KF(KEY_END));
	assert_null(strstr(s, "more below"));
	assert_non_null(strstr(s, "age>2d"));
	free(s);
	env_free(e);
}

/* T finds the themes of the tree bitstop was built from when none is installed. */
static void
test_theme_build_tree(void **state)
{
	struct env *e = env_new(24, 80, false);
	char *home = getenv("HOME") != NULL ? xstrdup(getenv("HOME")) : NULL;
	char *s;

	(void)state;
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", e->dir, 1);	/* no user themes */
	s = key1(e, 'T');
	assert_non_null(strstr(s, "theme light"));
	free(s);
	if (home != NULL)
		setenv("HOME", home, 1);
	free(home);
	env_free(e);
}

/*
 * Every view renders at 80x24 and at 200x50: the job table, the host view,
 * the detail, the operations view (list and children), "what's wrong" and the
 * help; each shows its titles, clean text, and key hints that end with quit.
 */
static void
test_views_render(void **state)
{
	static const int sizes[2][2] = { { 24, 80 }, { 50, 200 } };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct env *e = env_new(sizes[k][0], sizes[k][1], false);
		bool wide = sizes[k][1] >= 200;
		char *s = keys(e, NULL);

		assert_non_null(strstr(s, "HOST"));
		assert_non_null(strstr(s, "STATE"));
		assert_non_null(strstr(s, "NAME"));
		assert_true(wide ? strstr(s, "ERROR ") != NULL && strstr(s, "OWNER") != NULL :
		    strstr(s, "OWNER") == NULL);
		assert_non_null(strstr(s, "qQuit"));
		assert_true(tui_text_clean(s));
		free(s);
		s = key1(e, 'h');
		assert_non_null(strstr(s, "STATUS"));
		assert_true(!wide || (strstr(s, "GROUP") != NULL && strstr(s, "BACKEND") != NULL &&
		    strstr(s, "LAST ERROR") != NULL));
		assert_non_null(strstr(s, "q quit"));
		assert_true(tui_text_clean(s));
		free(s);
		free(key1(e, ESC));
		s = key1(e, '\r');
		assert_non_null(strstr(s, "Job"));
		assert_non_null(strstr(s, "Owner"));
		assert_non_null(strstr(s, "q quit"));
		assert_true(tui_text_clean(s));
		free(s);
		free(key1(e, ESC));
		free(key1(e, 'x'));
		free(key1(e, 'y'));
		answer(e, e->nreqs - 1, false, "access denied");
		s = key1(e, 'o');
		assert_non_null(strstr(s, "Id"));
		assert_non_null(strstr(s, "HasMoreData"));
		assert_non_null(strstr(s, "Failed"));
		assert_true(!wide || strstr(s, "Location") != NULL);
		assert_true(tui_text_clean(s));
		free(s);
		s = key1(e, '\r');
		assert_non_null(strstr(s, "OUTCOME"));
		assert_non_null(strstr(s, "access denied"));
		assert_non_null(strstr(s, "r retry the failed"));
		free(s);
		free(key1(e, ESC));
		free(key1(e, ESC));
		s = key1(e, 'w');
		assert_non_null(strstr(s, "Failing jobs by error code"));
		assert_non_null(strstr(s, "HTTP_404"));
		assert_non_null(strstr(s, "Failing hosts by kind"));
		assert_non_null(strstr(s, "timed out"));
		assert_true(tui_text_clean(s));
		free(s);
		free(key1(e, ESC));
		s = key1(e, '?');
		assert_non_null(strstr(s, "Keys:"));
		assert_true(tui_text_clean(s));
		free(s);
		env_free(e);
	}
}

/* A config warning, printed before the screen started, is shown on the status line. */
static void
test_config_warning(void **state)
{
	struct env *e;
	char *s;

	(void)state;
	env_warning = "bitstop.conf:7: unknown key 'refresh_rate'";
	e = env_new(24, 80, false);
	env_warning = NULL;
	s = keys(e, NULL);
	assert_non_null(strstr(s, "config warning: bitstop.conf:7: unknown key"));
	free(s);
	env_free(e);
}

/* GetError answering BG_E_ERROR_INFORMATION_UNAVAILABLE means "no error", not a failure. */
static void
test_detail_no_error(void **state)
{
	struct env *e = env_new(24, 200, false);
	int open[] = { ENTER, 'e', 0 };
	struct action_result *res;
	char *s = keys(e, open);

	free(s);
	assert_true(e->nreqs >= 1);
	assert_int_equal(e->reqs[e->nreqs - 1]->kind, ACTION_GET_ERROR);
	res = action_result_new(e->reqs[e->nreqs - 1]);
	res->ok = false;
	hosterr_set_code(&res->error, HOSTERR_FAULT, 0x8020000Fu,
	    "0x8020000F BG_E_ERROR_INFORMATION_UNAVAILABLE: no error information");
	ui_result(e->ui, res);
	action_result_free(res);
	s = keys(e, NULL);
	assert_non_null(strstr(s, "the job has no error"));
	assert_null(strstr(s, "GetError failed"));
	free(s);
	env_free(e);
}

/* n opens the new-job form for the cursor's host and sends one CreateJob. */
static void
test_new_job(void **state)
{
	struct env *e = env_new(24, 80, false);
	int form[] = { 'n', 'n', 'j', '\t', 'h', 't', 't', 'p', ':', '/', '/', 's', '/', 'f', '\t',
		'C', ':', '\\', 'f', ENTER, ENTER, ENTER, ENTER, 0 };
	struct action_result *res;
	char *s = key1(e, 'n');

	assert_non_null(strstr(s, "New job on ws01"));
	assert_non_null(strstr(s, "Remote URL"));
	free(s);
	free(key1(e, ESC));
	assert_int_equal(e->nreqs, 0);
	free(keys(e, form));
	assert_int_equal(e->nreqs, 1);
	assert_int_equal(e->reqs[0]->kind, ACTION_CREATE);
	assert_int_equal(e->reqs[0]->host, 0);
	assert_string_equal(e->reqs[0]->display_name, "nj");
	assert_string_equal(e->reqs[0]->remote_url, "http://s/f");
	assert_string_equal(e->reqs[0]->local_file, "C:\\f");
	assert_int_equal(e->reqs[0]->type, BITS_TYPE_DOWNLOAD);
	assert_false(e->reqs[0]->suspended);	/* "Start suspended" defaults to no */
	res = action_result_new(e->reqs[0]);
	res->ok = true;
	free(res->job_id);
	res->job_id = xstrdup("{NEW}");
	ui_result(e->ui, res);
	action_result_free(res);
	s = keys(e, NULL);
	assert_non_null(strstr(s, "create 'nj' on ws01: ok"));
	free(s);
	assert_int_equal(e->nreqs, 1);	/* the poller's create resumes the job itself */
	env_free(e);
}

/*
 * The new-job form: a bad URL or a relative path is refused in the form,
 * naming the field and keeping what was typed; "start suspended" travels in the
 * create itself (no suspend after it: the job never runs), the priority is set
 * once the job exists; the cursor lands on the new job, whose TYPE the table
 * and the detail view show.
 */
static void
test_new_job_form(void **state)
{
	struct env *e = env_new(50, 200, false);
	struct fix_job fresh = { "{NEW}", "nj", "CONTOSO\\me", BITS_STATE_SUSPENDED, BITS_PRIORITY_HIGH,
	    10, 0, 1, 0, 0, 1 };
	struct action_result *res;
	char *s;

	(void)state;
	s = type(e, "nnj\tftp://s/f\tC:\\f\r\r\r\r");
	assert_non_null(strstr(s, "Remote URL: must be an http:// or https:// URL"));
	assert_non_null(strstr(s, "ftp://s/f"));	/* what was typed stays */
	assert_int_equal(e->nreqs, 0);
	free(s);
	/* The cursor is on the URL field: fix it; then the path is refused. */
	for (int i = 0; i < 9; i++)
		ui_key(e->ui, 127);
	s = type(e, "https://s/f\tx");
	free(s);
	for (int i = 0; i < 5; i++)
		ui_key(e->ui, 127);
	s = type(e, "f.txt\r\r\r\r");
	assert_non_null(strstr(s, "Local file: must be an absolute Windows path"));
	assert_int_equal(e->nreqs, 0);
	free(s);
	for (int i = 0; i < 5; i++)
		ui_key(e->ui, 127);
	ui_key(e->ui, KF(KEY_RIGHT));
	/* \\server\share\f; Type: upload; Priority: HIGH; Start suspended: yes. */
	free(type(e, "\\\\srv\\share\\f\t"));
	ui_key(e->ui, KF(KEY_RIGHT));
	ui_key(e->ui, '\t');
	ui_key(e->ui, KF(KEY_LEFT));
	ui_key(e->ui, '\t');
	ui_key(e->ui, ' ');
	free(key1(e, ENTER));
	assert_int_equal(e->nreqs, 1);
	assert_string_equal(e->reqs[0]->remote_url, "https://s/f");
	assert_string_equal(e->reqs[0]->local_file, "\\\\srv\\share\\f");
	assert_int_equal(e->reqs[0]->type, BITS_TYPE_UPLOAD);
	assert_true(e->reqs[0]->suspended);
	res = action_result_new(e->reqs[0]);
	res->ok = true;
	free(res->job_id);
	res->job_id = xstrdup("{NEW}");
	ui_result(e->ui, res);
	action_result_free(res);
	assert_int_equal(e->nreqs, 2);	/* no ACTION_SUSPEND after the create */
	assert_int_equal(e->reqs[1]->kind, ACTION_PRIORITY);
	assert_int_equal(e->reqs[1]->priority, BITS_PRIORITY_HIGH);
	assert_string_equal(e->reqs[1]->job_id, "{NEW}");
	answer(e, 1, true, NULL);
	s = keys(e, NULL);
	assert_non_null(strstr(s, "create 'nj' on ws01: ok"));
	free(s);
	ui_snapshot(e->ui, fix_snap(0, 2, T0 + 5000, &fresh, 1));
	s = keys(e, NULL);
	assert_string_equal(jobs_selected(e->ui->jobs, e->ui)->id, "{NEW}");
	assert_non_null(strstr(s, " up "));
	free(s);
	s = key1(e, ENTER);	/* the detail view says it too */
	assert_non_null(strstr(s, "Type           UPLOAD"));
	free(s);
	env_free(e);
}

/* The host view shows status words; Enter shows that host's jobs. */
static void
test_hostview(void **state)
{
	struct env *e = env_new(24, 80, false);
	int pick_ws02[] = { KF(KEY_DOWN), ENTER, 0 };
	char *s = key1(e, 'h');

	assert_non_null(strstr(s, "STATUS"));
	assert_non_null(strstr(s, "timed out"));
	assert_non_null(strstr(s, "[hosts]"));
	free(s);
	s = keys(e, pick_ws02);
	assert_non_null(strstr(s, "gamma"));
	assert_null(strstr(s, "alpha"));
	assert_non_null(strstr(s, "showing the jobs of ws02"));
	free(s);
	env_free(e);
}

/* Help lists the keys from the keymap; any key closes it; q quits. */
static void
test_help_and_quit(void **state)
{
	struct env *e = env_new(24, 80, false);
	char *s = key1(e, '?');

	assert_non_null(strstr(s, "move up"));
	assert_non_null(strstr(s, "filter: host:NAME"));
	free(s);
	s = key1(e, ' ');
	assert_non_null(strstr(s, "PROGRESS"));
	free(s);
	assert_false(e->ui->quit);
	free(key1(e, 'q'));
	assert_true(e->ui->quit);
	env_free(e);
}

/* Z pauses polling (header marker), R refreshes all, d sets the interval (>= 0.5). */
static void
test_pause_refresh_delay(void **state)
{
	struct env *e = env_new(24, 80, false);
	int delay[] = { 'd', 'U' - '@', '2', '.', '5', ENTER, 0 };
	int bad[] = { 'd', 'U' - '@', '0', '.', '1', ENTER, 0 };
	char *s = key1(e, 'Z');

	assert_true(e->paused);
	assert_non_null(strstr(s, "[PAUSED]"));
	free(s);
	free(key1(e, 'R'));
	assert_int_equal(e->refreshed, -1);
	s = keys(e, delay);
	assert_int_equal(e->interval, 2500);
	assert_non_null(strstr(s, "every 2.5s"));
	free(s);
	/* A bad value keeps the prompt open, with what was typed and why. */
	s = keys(e, bad);
	assert_int_equal(e->interval, 2500);
	assert_non_null(strstr(s, "'0.1': expected a number of seconds from 0.5 to 86400"));
	assert_non_null(strstr(s, "Refresh interval"));
	free(s);
	s = key1(e, ESC);
	assert_null(strstr(s, "Refresh interval"));
	free(s);
	env_free(e);
}

/* A resize relays out at once: columns come back when the terminal grows. */
static void
test_resize(void **state)
{
	struct env *e = env_new(24, 80, false);
	char *s = keys(e, NULL);

	assert_null(strstr(s, "OWNER"));
	free(s);
	resizeterm(50, 200);
	ui_key(e->ui, KF(KEY_RESIZE));
	s = keys(e, NULL);
	assert_non_null(strstr(s, "OWNER"));
	assert_non_null(strstr(s, "CONTOSO\\amy"));
	free(s);
	resizeterm(10, 40);
	ui_key(e->ui, KF(KEY_RESIZE));
	s = keys(e, NULL);
	assert_non_null(strstr(s, "HOST"));
	free(s);
	/* Absurdly small terminals draw what fits and do not crash. */
	resizeterm(3, 10);
	ui_key(e->ui, KF(KEY_RESIZE));
	free(keys(e, NULL));
	resizeterm(1, 1);
	ui_key(e->ui, KF(KEY_RESIZE));
	ui_render(e->ui);
	free(key1(e, 'x'));
	env_free(e);
}

/* A click selects the row under it; the wheel scrolls. */
static void
test_mouse(void **state)
{
	struct env *e = env_new(24, 80, false);
	MEVENT ev = { 0 };

	ev.y = 2 + 1 + 2;	/* header, titles, third row */
	ev.x = 10;
	ev.bstate = BUTTON1_PRESSED;
	ui_mouse(e->ui, &ev);
	assert_string_equal(jobs_selected(e->ui->jobs, e->ui)->id, "{B1}");
	ev.bstate = BUTTON4_PRESSED;
	ui_mouse(e->ui, &ev);
	assert_string_equal(jobs_selected(e->ui->jobs, e->ui)->id, "{A2}");
	/* two quick presses on one row (curses reports no double click with
	 * mouseinterval(0)) open that job's detail view */
	ev.bstate = BUTTON1_PRESSED;
	ui_mouse(e->ui, &ev);
	assert_int_equal(e->ui->depth, 1);
	ui_mouse(e->ui, &ev);
	assert_int_equal(e->ui->depth, 2);
	assert_string_equal(jobs_selected(e->ui->jobs, e->ui)->id, "{B1}");
	env_free(e);
}

/* T moves to the next theme found (user directory here); a broken theme line is
 * reported with its file and line. */
static void
test_theme_cycle(void **state)
{
	char *link, *dir, *bad;
	struct env *e;
	FILE *f;
	char *s;

	e = env_new(24, 80, false);
	dir = xasprintf("%s/bitstop", e->dir);
	mkdir(dir, 0700);
	link = xasprintf("%s/themes", dir);
	assert_int_equal(symlink(TOP_SRCDIR "/themes", link), 0);
	setenv("XDG_CONFIG_HOME", e->dir, 1);
	s = key1(e, 'T');
	assert_non_null(strstr(s, "theme light"));
	assert_string_equal(e->ui->theme->name, "light");
	free(s);
	/* A broken theme file is reported with file and line; T then moves on. */
	bad = xasprintf("%s/bad.theme", e->dir);
	f = fopen(bad, "w");
	fputs("header = red blue\nselection = purple black\n", f);
	fclose(f);
	assert_false(ui_set_theme(e->ui, bad));
	s = keys(e, NULL);
	assert_non_null(strstr(s, "bad.theme:2: unknown colour 'purple'"));
	free(s);
	s = key1(e, 'T');
	assert_non_null(strstr(s, "theme default"));
	free(s);
	unlink(bad);
	free(bad);
	unsetenv("XDG_CONFIG_HOME");
	unlink(link);
	rmdir(dir);
	free(link);
	free(dir);
	env_free(e);
}

/* A host given as a URL shows as host:port, without scheme and /wsman. */
static void
test_url_host_label(void **state)
{
	struct env *e;
	char *s;

	env_host0 = "http://10.1.2.3:5985/wsman";
	e = env_new(24, 80, false);
	env_host0 = "ws01";
	s = keys(e, NULL);
	assert_non_null(strstr(s, " 10.1.2.3:5985 "));
	assert_null(strstr(s, "http://"));
	free(s);
	env_free(e);
}

/* Answer every GetError the fake poller holds with code, and forget the requests; how many. */
static size_t
answer_codes(struct env *e, uint32_t code)
{
	size_t n = 0;

	for (size_t i = 0; i < e->nreqs; i++) {
		struct action_result *res;

		if (e->reqs[i]->kind != ACTION_GET_ERROR)
			continue;
		res = action_result_new(e->reqs[i]);
		res->ok = true;
		res->has_error_info = true;
		res->error_info.error_code = code;
		ui_result(e->ui, res);
		action_result_free(res);
		n++;
	}
	for (size_t i = 0; i < e->nreqs; i++)
		action_req_free(e->reqs[i]);
	e->nreqs = 0;
	return n;
}

/* A failing job's code is asked once and not again while the job stays the same
 * (refresh after refresh); a new transient error count or modification time asks
 * again, once. */
static void
test_errfetch_once(void **state)
{
	struct env *e = env_new(24, 200, false);
	struct fix_job j = jobs1[0];
	struct host_snapshot *s;
	char *txt;

	(void)state;
	for (uint64_t seq = 2; seq < 6; seq++) {
		ui_snapshot(e->ui, fix_snap(1, seq, T0 + (int64_t)seq * 5000, &j, 1));
		free(keys(e, NULL));
		ui_tick(e->ui);
		assert_int_equal(e->nreqs, 0);
	}
	j.errors = 5;	/* another error since: the code can have changed */
	ui_snapshot(e->ui, fix_snap(1, 6, T0 + 30000, &j, 1));
	assert_int_equal(e->nreqs, 1);
	assert_string_equal(e->reqs[0]->job_id, "{B1}");
	/* Polled again before the answer: still one request. */
	ui_snapshot(e->ui, fix_snap(1, 7, T0 + 35000, &j, 1));
	assert_int_equal(e->nreqs, 1);
	assert_int_equal(answer_codes(e, 0x80200010), 1);
	txt = keys(e, NULL);
	assert_non_null(strstr(txt, "DISCONNECTED"));	/* the ERROR column */
	free(txt);
	ui_snapshot(e->ui, fix_snap(1, 8, T0 + 40000, &j, 1));
	assert_int_equal(e->nreqs, 0);
	s = fix_snap(1, 9, T0 + 45000, &j, 1);
	s->jobs[0].modification_time.v += 10000000;	/* one second later */
	ui_snapshot(e->ui, s);
	assert_int_equal(e->nreqs, 1);
	assert_int_equal(answer_codes(e, 0x80200010), 1);
	env_free(e);
}

/* Jobs in TRANSIENT_ERROR (BITS retries them) have their code asked while their row
 * is on the screen, the rest when the what's-wrong view opens; never twice. */
static void
test_errfetch_transient(void **state)
{
	struct env *e = env_new(24, 200, false);
	struct fix_job js[30];
	char ids[30][16], names[30][16];
	size_t shown, rest;
	char *txt;

	(void)state;
	for (int i = 0; i < 30; i++) {
		snprintf(ids[i], sizeof ids[i], "{T%02d}", i);
		snprintf(names[i], sizeof names[i], "retry%02d", i);
		js[i] = jobs0[0];
		js[i].id = ids[i];
		js[i].name = names[i];
		js[i].state = BITS_STATE_TRANSIENT_ERROR;
	}
	ui_snapshot(e->ui, fix_snap(0, 2, T0 + 5000, js, 30));
	assert_int_equal(e->nreqs, 0);	/* not on the screen yet: nothing asked */
	free(keys(e, NULL));
	shown = e->nreqs;
	assert_true(shown > 5 && shown < 30);	/* the rows on the page, not all 30 */
	assert_int_equal(answer_codes(e, 0x80072EE7), shown);
	free(keys(e, NULL));
	ui_tick(e->ui);
	assert_int_equal(e->nreqs, 0);	/* drawn again: nothing new to ask */
	txt = key1(e, 'w');
	ui_tick(e->ui);
	free(txt);
	rest = e->nreqs;
	assert_int_equal(rest, 30 - shown);
	assert_int_equal(answer_codes(e, 0x80072EE7), rest);
	txt = keys(e, NULL);
	assert_null(strstr(txt, "code not asked yet"));
	assert_non_null(strstr(txt, "0x80072EE7"));
	free(txt);
	ui_snapshot(e->ui, fix_snap(0, 3, T0 + 10000, js, 30));
	free(keys(e, NULL));
	ui_tick(e->ui);
	assert_int_equal(e->nreqs, 0);
	env_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_screen),
		cmocka_unit_test(test_cancel_flow),
		cmocka_unit_test(test_action_failure),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_bulk_include_stale),
		cmocka_unit_test(test_error_column),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_detail_no_error),
		cmocka_unit_test(test_config_warning),
		cmocka_unit_test(test_sort_and_identity),
		cmocka_unit_test(test_dirty_flags),
		cmocka_unit_test(test_priority),
		cmocka_unit_test(test_detail),
		cmocka_unit_test(test_new_job),
		cmocka_unit_test(test_new_job_form),
		cmocka_unit_test(test_detail_defects),
		cmocka_unit_test(test_popup_hints),
		cmocka_unit_test(test_views_render),
		cmocka_unit_test(test_readonly_keys),
		cmocka_unit_test(test_footer_quit),
		cmocka_unit_test(test_status_expires),
		cmocka_unit_test(test_help_scrolls),
		cmocka_unit_test(test_theme_build_tree),
		cmocka_unit_test(test_hostview),
		cmocka_unit_test(test_help_and_quit),
		cmocka_unit_test(test_pause_refresh_delay),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_mouse),
		cmocka_unit_test(test_theme_cycle),
		cmocka_unit_test(test_url_host_label),
		cmocka_unit_test(test_errfetch_once),
		cmocka_unit_test(test_errfetch_transient),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
