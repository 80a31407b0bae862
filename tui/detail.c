#include "config.h"

#include "tui/detail.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "src/bits_hresult.h"
#include "src/bits_job.h"
#include "src/cfg.h"
#include "src/sanitize.h"
#include "src/strbuf.h"
#include "src/xalloc.h"
#include "tui/dialog.h"
#include "tui/fmt.h"
#include "tui/text.h"
#include "tui/ui.h"

enum detail_err {
	DETAIL_ERR_NONE,	/* not asked */
	DETAIL_ERR_FETCHING,
	DETAIL_ERR_DONE,
	DETAIL_ERR_FAILED
};

struct detail_screen {
	struct screen base;
	size_t	 host;
	char	*id;
	struct bits_job last;		/* the job as last seen (kept when it leaves the queue) */
	bool	 have_last;
	bool	 gone;
	size_t	 scroll;
	size_t	 nrows;			/* screen rows of the last paint (after wrapping) */
	size_t	 page;			/* rows the body showed */
	char	 footer[160];		/* the footer's hints, rebuilt per paint */
	enum detail_err err;
	uint64_t err_req;		/* GetError request id */
	struct bits_error_info info;
	bool	 has_info;
	char	*err_msg;		/* why GetError failed (sanitized) */
};

/* What the priority picker acts on. */
struct detail_pick {
	size_t	 host;
	char	*id;
};

/* One line of the detail: a label (may be empty) and a value, in a role. */
struct detail_line {
	char	*label;
	char	*value;
	enum theme_role role;
};

struct detail_lines {
	struct detail_line *v;
	size_t	 n;
};

/* Add a line (value is sanitized). */
static void
detail_add(struct detail_lines *l, const char *label, enum theme_role role, const char *value)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n].label = xstrdup(label);
	l->v[l->n].value = sanitize_terminal(value);
	l->v[l->n].role = role;
	l->n++;
}

/* Add a formatted line. */
static void __attribute__((format(printf, 4, 5)))
detail_addf(struct detail_lines *l, const char *label, enum theme_role role, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	detail_add(l, label, role, s);
	free(s);
}

/* A text property for display: its value, or "none" when the host sent none. */
static const char *
detail_text(const struct bits_text *t)
{
	return t->p == BITS_SET && t->s[0] != '\0' ? t->s : "none";
}

/* A FILETIME property as a local date, "-" for none. */
static void
detail_time(struct detail_lines *l, const char *label, const struct bits_u64 *v)
{
	char buf[FMT_BUFSZ];
	time_t t;

	if (v->p == BITS_SET && bits_filetime_to_unix(v->v, &t))
		detail_add(l, label, THEME_NORMAL, fmt_datetime(buf, sizeof buf, (int64_t)t));
	else
		detail_add(l, label, THEME_NORMAL, "none");
}

/* A number property, "none" when not set. */
static void
detail_u64(struct detail_lines *l, const char *label, const struct bits_u64 *v, const char *unit)
{
	if (v->p == BITS_SET)
		detail_addf(l, label, THEME_NORMAL, "%llu%s", (unsigned long long)v->v, unit);
	else
		detail_add(l, label, THEME_NORMAL, "none");
}

/* A duration property in seconds, as people say it ("14d", "10m"), "none" when not set. */
static void
detail_duration(struct detail_lines *l, const char *label, const struct bits_u64 *v, const char *what)
{
	char buf[FMT_BUFSZ];

	if (v->p == BITS_SET)
		detail_addf(l, label, THEME_NORMAL, "%s%s", fmt_duration(buf, sizeof buf, v->v), what);
	else
		detail_add(l, label, THEME_NORMAL, "none");
}

/* The error section. */
static void
detail_error_lines(struct detail_screen *d, struct detail_lines *l)
{
	struct bits_hresult_desc desc;

	switch (d->err) {
	case DETAIL_ERR_NONE:
		detail_add(l, "Error", THEME_NORMAL, "press e to fetch the job's error (GetError)");
		return;
	case DETAIL_ERR_FETCHING:
		detail_add(l, "Error", THEME_PENDING, "fetching (GetError) ...");
		return;
	case DETAIL_ERR_FAILED:
		detail_addf(l, "Error", THEME_STATUS_ERROR, "GetError failed: %s", d->err_msg);
		return;
	case DETAIL_ERR_DONE:
		break;
	}
	if (!d->has_info) {
		detail_add(l, "Error", THEME_NORMAL, "none (the job has no error)");
		return;
	}
	if (bits_hresult_lookup(d->info.error_code, &desc))
		detail_addf(l, "Error", THEME_STATE_ERROR, "0x%08X %s: %s", d->info.error_code, desc.name,
		    desc.meaning);
	else
		detail_addf(l, "Error", THEME_STATE_ERROR, "0x%08X (not a code bitstop knows)",
		    d->info.error_code);
	detail_addf(l, "Context", THEME_NORMAL, "%s (%u)", bits_error_context_name(d->info.error_context),
	    d->info.error_context);
	if (d->info.error_description != NULL)
		detail_add(l, "Error text", THEME_NORMAL, d->info.error_description);
	if (d->info.context_description != NULL)
		detail_add(l, "Context text", THEME_NORMAL, d->info.context_description);
}

/*
 * The file the job failed on: BITS works through the files in order, so in an
 * error state it is the first file not completed. SIZE_MAX when not in error.
 */
static size_t
detail_failed_file(const struct detail_screen *d, const struct bits_job *j)
{
	unsigned st = j->state.p == BITS_SET ? (unsigned)j->state.v : BITS_STATE_COUNT;

	(void)d;
	if (st != BITS_STATE_ERROR && st != BITS_STATE_TRANSIENT_ERROR)
		return SIZE_MAX;
	for (size_t i = 0; i < j->nfiles; i++)
		if (!(j->files[i].completed.p == BITS_SET && j->files[i].completed.v))
			return i;
	return SIZE_MAX;
}

/* Every line of the detail. */
static void
detail_lines(struct detail_screen *d, struct ui *ui, struct detail_lines *l)
{
	const struct bits_job *j = &d->last;
	const struct model_row *row = model_find(ui->model, d->host, d->id);
	const struct config *cfg = ui->policy.cfg;
	char a[FMT_BUFSZ], b[FMT_BUFSZ], c[FMT_BUFSZ];
	double pct, rate;
	uint64_t eta;
	size_t failed_file = detail_failed_file(d, j);

	detail_addf(l, "Job", THEME_LABEL, "%s", d->id);
	if (d->gone)
		detail_add(l, "", THEME_VANISHED, "this job has left the queue; last known data below");
	else if (row != NULL && model_row_stale(ui->model, row))
		detail_addf(l, "", THEME_STALE, "host not answering: data from the poll at %s",
		    fmt_clock(a, sizeof a, model_row_stale_since(ui->model, row)));
	detail_addf(l, "Host", THEME_NORMAL, "%s%s%s%s", model_host(ui->model, d->host)->name,
	    cfg != NULL && d->host < cfg->nhosts ? " (" : "",
	    cfg != NULL && d->host < cfg->nhosts ? cfg->hosts[d->host].url : "",
	    cfg != NULL && d->host < cfg->nhosts ? ")" : "");
	detail_add(l, "Name", THEME_NORMAL, detail_text(&j->display_name));
	detail_add(l, "Job descr.", THEME_NORMAL, detail_text(&j->description));
	detail_add(l, "Type", THEME_NORMAL, row != NULL && row->type >= 0 ? bits_job_type_name((unsigned)row->type) :
	    "not listed by the host (known for jobs created from this screen)");
	detail_add(l, "Owner", THEME_NORMAL, detail_text(&j->owner));
	detail_addf(l, "State", theme_state_role(j->state.p == BITS_SET ? (unsigned)j->state.v : 99),
	    "%s%s%s", j->state.p == BITS_SET ? bits_state_name(j->state.v) : "none",
	    row != NULL && model_row_stalled(ui->model, row) ? "  (STALLED: the bytes have not moved)" : "",
	    row != NULL && row->pending > 0 ? "  (action pending)" : "");
	if (row != NULL && row->err_since_ms > 0)
		detail_addf(l, "In error since", THEME_STATE_ERROR, "%s (the first poll that showed it)",
		    fmt_clock(a, sizeof a, row->err_since_ms));
	detail_add(l, "Priority", THEME_NORMAL, j->priority.p == BITS_SET ? bits_priority_name(j->priority.v) : "none");
	detail_addf(l, "Bytes", THEME_NORMAL, "%s of %s (%llu of %s)",
	    fmt_size(a, sizeof a, j->bytes_transferred.p == BITS_SET ? j->bytes_transferred.v : 0),
	    bits_job_size_known(j) ? fmt_size(b, sizeof b, j->bytes_total.v) : "unknown",
	    (unsigned long long)(j->bytes_transferred.p == BITS_SET ? j->bytes_transferred.v : 0),
	    bits_job_size_known(j) ? (snprintf(c, sizeof c, "%llu", (unsigned long long)j->bytes_total.v), c) :
	    "unknown");
	if (row != NULL && model_row_percent(row, &pct))
		detail_addf(l, "Progress", THEME_NORMAL, "%.1f%%  rate %s  ETA %s", pct,
		    model_row_rate(ui->model, row, &rate) ? fmt_rate(a, sizeof a, rate) : "none (not transferring)",
		    model_row_eta_shown(ui->model, row, &eta) ? fmt_eta(b, sizeof b, eta) : "none");
	detail_addf(l, "Files", THEME_NORMAL, "%llu of %llu transferred",
	    (unsigned long long)(j->files_transferred.p == BITS_SET ? j->files_transferred.v : 0),
	    (unsigned long long)(j->files_total.p == BITS_SET ? j->files_total.v : 0));
	detail_u64(l, "Transient errs", &j->transient_error_count, "");
	detail_time(l, "Created", &j->creation_time);
	detail_time(l, "Modified", &j->modification_time);
	detail_time(l, "Completed", &j->completion_time);
	detail_duration(l, "Retry delay", &j->minimum_retry_delay, " after a transient error");
	detail_duration(l, "No-progress", &j->no_progress_timeout, " without progress, then ERROR");
	detail_error_lines(d, l);
	detail_addf(l, "Files list", THEME_LABEL, "%zu file%s%s", j->nfiles, j->nfiles == 1 ? "" : "s",
	    j->files_p == BITS_SET || j->nfiles > 0 ? "" : " (the host did not list them)");
	for (size_t i = 0; i < j->nfiles; i++) {
		const struct bits_file *f = &j->files[i];

		detail_addf(l, "", i == failed_file ? THEME_STATE_ERROR : THEME_NORMAL, "%s %s/%s %s -> %s%s",
		    f->completed.p == BITS_SET && f->completed.v ? "done" : "    ",
		    fmt_size(a, sizeof a, f->bytes_transferred.p == BITS_SET ? f->bytes_transferred.v : 0),
		    f->bytes_total.p == BITS_SET && f->bytes_total.v != BITS_SIZE_UNKNOWN ?
		    fmt_size(b, sizeof b, f->bytes_total.v) : "?",
		    detail_text(&f->remote_url), detail_text(&f->local_file),
		    i == failed_file ? "  <- the file it failed on" : "");
	}
}

/* Free the lines. */
static void
detail_lines_free(struct detail_lines *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].label);
		free(l->v[i].value);
	}
	free(l->v);
}

/* Refresh the kept copy of the job from the model. */
static void
detail_refresh(struct detail_screen *d, struct ui *ui)
{
	const struct model_row *row = model_find(ui->model, d->host, d->id);

	if (row == NULL || row->vanished)
		d->gone = d->have_last || row != NULL;
	if (row == NULL)
		return;
	bits_job_done(&d->last);
	bits_job_copy(&d->last, row->job);
	d->have_last = true;
}

/* Bytes of s that fit in cols columns (at least one character, so long text always advances). */
static size_t
detail_fit(const char *s, int cols)
{
	mbstate_t st;
	size_t at = 0;
	int used = 0;

	memset(&st, 0, sizeof st);
	while (s[at] != '\0') {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + at, strlen(s + at), &st);
		int cw;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			n = 1;
			cw = 1;
			memset(&st, 0, sizeof st);
		} else {
			cw = wcwidth(wc) < 0 ? 1 : wcwidth(wc);
		}
		if (used + cw > cols && at > 0)
			break;
		used += cw;
		at += n;
	}
	return at;
}

/* Split the lines into screen rows: long values (paths, URLs, messages) wrap. */
static void
detail_wrap(struct detail_lines *l, int cols)
{
	struct detail_lines out = { NULL, 0 };

	if (cols < 8)
		cols = 8;
	for (size_t i = 0; i < l->n; i++) {
		const char *v = l->v[i].value;
		bool first = true;

		do {
			size_t n = detail_fit(v, cols);
			char *part = xstrndup(v, n);

			out.v = xreallocarray(out.v, out.n + 1, sizeof *out.v);
			out.v[out.n].label = xstrdup(first ? l->v[i].label : "");
			out.v[out.n].value = part;
			out.v[out.n].role = l->v[i].role;
			out.n++;
			v += n;
			first = false;
		} while (*v != '\0');
	}
	detail_lines_free(l);
	*l = out;
}

/* Paint every line of the detail from the scroll position. */
static void
detail_draw(struct screen *s, struct ui *ui, WINDOW *w, bool full)
{
	struct detail_screen *d = (struct detail_screen *)s;
	struct detail_lines l = { NULL, 0 };
	int h = getmaxy(w), width = getmaxx(w), labw = 14;

	(void)full;
	detail_refresh(d, ui);
	detail_lines(d, ui, &l);
	detail_wrap(&l, width - labw - 2);
	d->nrows = l.n;
	d->page = h > 1 ? (size_t)h : 1;
	if (d->scroll + d->page > l.n)
		d->scroll = l.n > d->page ? l.n - d->page : 0;
	for (int y = 0; y < h; y++) {
		size_t i = d->scroll + (size_t)y;

		text_blank(w, y, 0, width, theme_attr(ui->theme, THEME_NORMAL));
		if (i >= l.n)
			continue;
		text_put(w, y, 1, labw, l.v[i].label, TEXT_LEFT, theme_attr(ui->theme, THEME_LABEL));
		text_put(w, y, labw + 2, width - labw - 2, l.v[i].value, TEXT_LEFT,
		    theme_attr(ui->theme, l.v[i].role));
	}
	detail_lines_free(&l);
}

/* Send GetError for this job. */
static void
detail_fetch(struct detail_screen *d, struct ui *ui)
{
	struct action_req *req = action_req_new(ACTION_GET_ERROR, d->host, d->id, NULL);

	d->err = DETAIL_ERR_FETCHING;
	d->err_req = ui_submit(ui, req);
}

/* The priority picker of the detail answered: set this job's priority. */
static void
detail_pri_done(struct ui *ui, void *arg, int choice, char *const *texts)
{
	struct detail_pick *p = arg;
	struct model_row *row;

	(void)texts;
	if (ui != NULL && choice >= 0 && (row = model_find(ui->model, p->host, p->id)) != NULL && !row->vanished)
		ui_act(ui, ACTION_PRIORITY, ACTIONS_PRI_SET, (unsigned)choice, &row, 1);
	free(p->id);
	free(p);
}

/* p: pick this job's priority (refused first when actions are). */
static int
detail_pick_priority(struct detail_screen *d, struct ui *ui, const struct model_row *row)
{
	static const char *const pris[] = { "FOREGROUND", "HIGH", "NORMAL", "LOW" };
	struct detail_pick *p;
	char *why;

	if ((why = ui_refusal(ui)) != NULL) {
		ui_status(ui, true, "%s", why);
		free(why);
		return UI_HANDLED;
	}
	if (row == NULL || row->vanished) {
		ui_status(ui, true, "the job has left the queue");
		return UI_HANDLED;
	}
	p = xcalloc(1, sizeof *p);
	p->host = d->host;
	p->id = xstrdup(d->id);
	ui_push(ui, dialog_pick("Priority", pris, 4, row->job->priority.p == BITS_SET ?
	    (size_t)row->job->priority.v : BITS_PRIORITY_NORMAL, detail_pri_done, p));
	return UI_HANDLED;
}

/* Scroll, fetch the error again, act on this job, or go back. */
static int
detail_key(struct screen *s, struct ui *ui, int key)
{
	struct detail_screen *d = (struct detail_screen *)s;
	struct model_row *row = model_find(ui->model, d->host, d->id);
	enum keymap_action a = keymap_lookup(key);
	enum action_kind kind;
	enum actions_pri how;

	if (keymap_job_action(a, &kind, &how)) {
		if (row == NULL || row->vanished) {
			ui_status(ui, true, "the job has left the queue");
			return UI_HANDLED;
		}
		ui_act(ui, kind, how, 0, &row, 1);
		return UI_HANDLED | UI_BODY;
	}
	switch (a) {
	case KA_BACK:
	case KA_DETAIL:
		return UI_HANDLED | UI_POP | UI_BODY | UI_FOOTER | UI_HEADER;
	case KA_UP:
		if (d->scroll > 0)
			d->scroll--;
		return UI_HANDLED | UI_BODY;
	case KA_DOWN:
		d->scroll++;
		return UI_HANDLED | UI_BODY;
	case KA_PGDN:
		d->scroll += d->page > 1 ? d->page - 1 : 1;
		return UI_HANDLED | UI_BODY;
	case KA_PGUP:
		d->scroll = d->scroll > d->page ? d->scroll - (d->page - 1) : 0;
		return UI_HANDLED | UI_BODY;
	case KA_HOME:
		d->scroll = 0;
		return UI_HANDLED | UI_BODY;
	case KA_END:
		d->scroll = d->nrows;	/* the paint keeps the last page full */
		return UI_HANDLED | UI_BODY;
	case KA_PRI_PICK:
		return detail_pick_priority(d, ui, row);
	case KA_ERROR:
		detail_fetch(d, ui);
		return UI_HANDLED | UI_BODY;
	default:
		return 0;
	}
}

/* Take the answer to our GetError. */
static int
detail_on_result(struct screen *s, struct ui *ui, const struct action_result *res)
{
	struct detail_screen *d = (struct detail_screen *)s;

	(void)ui;
	if (res->kind != ACTION_GET_ERROR || res->id != d->err_req || d->err != DETAIL_ERR_FETCHING)
		return 0;
	bits_error_info_done(&d->info);
	free(d->err_msg);
	d->err_msg = NULL;
	d->has_info = false;
	if (res->ok) {
		d->err = DETAIL_ERR_DONE;
		if (res->has_error_info) {
			d->has_info = true;
			d->info.error_code = res->error_info.error_code;
			d->info.error_context = res->error_info.error_context;
			d->info.error_description = xstrdup_or_null(res->error_info.error_description);
			d->info.context_description = xstrdup_or_null(res->error_info.context_description);
		}
	} else if (res->error.has_code && res->error.code == BITS_HR_BG_E_ERROR_INFORMATION_UNAVAILABLE) {
		/* BG_E_ERROR_INFORMATION_UNAVAILABLE: the job simply has no error. */
		d->err = DETAIL_ERR_DONE;
	} else {
		d->err = DETAIL_ERR_FAILED;
		d->err_msg = sanitize_terminal(res->error.message != NULL ? res->error.message :
		    hosterr_kind_status(res->error.kind));
	}
	return UI_HANDLED | UI_BODY;
}

/* Footer hints: only the actions this job's state allows (none when read-only or gone). */
static const char *
detail_footer(struct screen *s, struct ui *ui)
{
	struct detail_screen *d = (struct detail_screen *)s;
	const struct model_row *row = model_find(ui->model, d->host, d->id);
	unsigned st = row != NULL ? model_row_state(row) : BITS_STATE_COUNT;
	bool live = row != NULL && !row->vanished && !ui->policy.readonly;
	bool done = st == BITS_STATE_ACKNOWLEDGED || st == BITS_STATE_CANCELLED || st >= BITS_STATE_COUNT;

	snprintf(d->footer, sizeof d->footer, "Esc back  e error  PgDn/End scroll%s%s%s%s%s  ? help  q quit",
	    live && (st == BITS_STATE_SUSPENDED || st == BITS_STATE_ERROR || st == BITS_STATE_TRANSIENT_ERROR) ?
	    "  r resume" : "",
	    live && !done && st != BITS_STATE_SUSPENDED && st != BITS_STATE_TRANSFERRED ? "  s suspend" : "",
	    live && st == BITS_STATE_TRANSFERRED ? "  c complete" : "",
	    live && !done ? "  x cancel" : "",
	    live && !done ? "  p/+/- priority" : "");
	return d->footer;
}

/* Free the detail screen. */
static void
detail_free(struct screen *s)
{
	struct detail_screen *d = (struct detail_screen *)s;

	free(d->id);
	bits_job_done(&d->last);
	bits_error_info_done(&d->info);
	free(d->err_msg);
	free(d);
}

static const struct screen_ops detail_ops = {
	.name = "detail",
	.footer = detail_footer,
	.draw = detail_draw,
	.key = detail_key,
	.on_result = detail_on_result,
	.free = detail_free,
};

/* Detail of (host, id); GetError is sent at once when asked or when the job is in error. */
struct screen *
detail_new(struct ui *ui, size_t host, const char *id, bool fetch_error)
{
	struct detail_screen *d = xcalloc(1, sizeof *d);
	const struct model_row *row = model_find(ui->model, host, id);
	unsigned st = row != NULL ? model_row_state(row) : BITS_STATE_COUNT;

	d->base.ops = &detail_ops;
	d->host = host;
	d->id = xstrdup(id);
	detail_refresh(d, ui);
	if (fetch_error || st == BITS_STATE_ERROR || st == BITS_STATE_TRANSIENT_ERROR)
		detail_fetch(d, ui);
	return &d->base;
}
