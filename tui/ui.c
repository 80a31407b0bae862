#include "config.h"

#include "tui/ui.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "src/audit.h"
#include "src/cfg.h"
#include "src/paths.h"
#include "src/sanitize.h"
#include "src/snapshot.h"
#include "src/xalloc.h"
#include "tui/dialog.h"
#include "tui/errfetch.h"
#include "tui/opslog.h"
#include "tui/wrong.h"
#include "tui/help.h"
#include "tui/status.h"

/* How long a status message stays: information, and errors. */
#define UI_STATUS_MS 6000
#define UI_STATUS_ERROR_MS 15000

/* Rows of the terminal below which the header and footer squeeze the table out. */
#define UI_MIN_LINES 8

/* A host as the table shows it: the name as written, without the "http(s)://"
 * and "/wsman" that a URL spec carries (malloc'd). */
static char *
ui_host_label(const char *name)
{
	size_t len;

	if (strncmp(name, "https://", 8) == 0)
		name += 8;
	else if (strncmp(name, "http://", 7) == 0)
		name += 7;
	len = strlen(name);
	if (len > 6 && strcmp(name + len - 6, "/wsman") == 0)
		len -= 6;
	return xstrndup(name, len);
}

/* Host names for the model, from the config. */
static struct model *
ui_model_new(const struct app *app)
{
	const struct config *cfg = app->cfg;
	char **names = xcalloc(cfg->nhosts ? cfg->nhosts : 1, sizeof *names);
	struct model *m;

	for (size_t i = 0; i < cfg->nhosts; i++)
		names[i] = ui_host_label(cfg->hosts[i].name);
	m = model_new(cfg->nhosts, (const char *const *)names);
	for (size_t i = 0; i < cfg->nhosts; i++) {
		free(names[i]);
		model_set_host_group(m, i, cfg->hosts[i].group);
	}
	free(names);
	return m;
}

/* Grace periods follow the refresh interval: new rows stay bright for about one
 * refresh, tombstones for about two (and at least a few seconds each). */
static void
ui_set_grace(struct ui *ui)
{
	int64_t iv = (int64_t)(ui->refresh * 1000.0);

	model_set_grace(ui->model, iv > 3000 ? iv : 3000, 2 * iv > 6000 ? 2 * iv : 6000);
}

/* Operations of earlier runs shown in the operations view. */
#define UI_PAST_OPS 20

/* Read the operations of earlier runs back from the audit log (problems are not fatal). */
static void
ui_load_past_ops(struct ui *ui)
{
	const struct config *cfg = ui->app->cfg;
	char *path, *cause = NULL;

	if (cfg == NULL)
		return;
	path = cfg->audit_log != NULL ? xstrdup(cfg->audit_log) : paths_audit_log();
	if (path != NULL && opslog_load(actions_ops(ui->actions), path, UI_PAST_OPS, &cause) != 0) {
		ui_status(ui, true, "operations of earlier runs not shown: %s", cause);
		free(cause);
	}
	free(path);
}

/* Set up the UI over app: model, theme, actions, the job table at the bottom. */
struct ui *
ui_new(struct app *app, const struct ui_backend *backend, bool color)
{
	struct ui *ui = xcalloc(1, sizeof *ui);

	ui->app = app;
	ui->backend = *backend;
	ui->color = color;
	ui->refresh = app->refresh > 0 ? app->refresh : 5.0;
	ui->model = ui_model_new(app);
	ui->theme = theme_new();
	ui->actions = actions_new(backend->submit, backend->arg);
	ui->errfetch = errfetch_new(backend->submit, backend->arg);
	ui_load_past_ops(ui);
	ui->policy.cfg = app->cfg;
	ui->policy.readonly = app->readonly;
	ui_set_grace(ui);
	if (app->cfg != NULL && app->cfg->stall_after > 0)
		model_set_stall(ui->model, (int64_t)(app->cfg->stall_after * 1000.0));
	ui->dirty = UI_ALL;
	ui_set_theme(ui, color ? (app->theme != NULL ? app->theme : "default") : "mono");
	if (app->audit == NULL) {
		ui_status(ui, true, "audit log unusable (%s): actions are refused, monitoring continues",
		    app->audit_error != NULL ? app->audit_error : "not open");
	} else if (app->cfg != NULL && app->cfg->nwarnings > 0) {
		/* Printed on stderr before the screen started, and gone once it did. */
		char *w = sanitize_terminal(app->cfg->warnings[0]);

		ui_status(ui, false, "config warning: %s%s", w,
		    app->cfg->nwarnings > 1 ? " (and more: see bitstop --once's stderr)" : "");
		free(w);
	}
	return ui;
}

/* Free the screens, windows and state; NULL is a no-op. */
void
ui_free(struct ui *ui)
{
	if (ui == NULL)
		return;
	while (ui->depth > 0) {
		struct screen *s = ui->stack[--ui->depth];

		s->ops->free(s);
	}
	if (ui->header != NULL)
		delwin(ui->header);
	if (ui->body != NULL)
		delwin(ui->body);
	if (ui->footer != NULL)
		delwin(ui->footer);
	actions_free(ui->actions);
	errfetch_free(ui->errfetch);
	model_free(ui->model);
	theme_free(ui->theme);
	free(ui->status);
	free(ui->wrong_line);
	free(ui->focus_id);
	free(ui);
}

/* Wall clock in ms (fixed in tests). */
int64_t
ui_now_wall(const struct ui *ui)
{
	return ui->fixed_wall_ms != 0 ? ui->fixed_wall_ms : time_wall_ms();
}

/* (Re)create the windows for the current terminal size. */
void
ui_layout(struct ui *ui)
{
	int lines = LINES, cols = COLS, hl = STATUS_HEADER_LINES, fl = STATUS_FOOTER_LINES;

	if (ui->header != NULL)
		delwin(ui->header);
	if (ui->body != NULL)
		delwin(ui->body);
	if (ui->footer != NULL)
		delwin(ui->footer);
	if (lines < UI_MIN_LINES) {
		/* A tiny terminal: table only, one header and one status line when possible. */
		hl = lines >= 4 ? 1 : 0;
		fl = lines >= 3 ? 1 : 0;
	}
	if (cols < 1)
		cols = 1;
	ui->header = hl > 0 ? newwin(hl, cols, 0, 0) : NULL;
	ui->body = newwin(lines - hl - fl > 0 ? lines - hl - fl : 1, cols, hl, 0);
	ui->footer = fl > 0 ? newwin(fl, cols, lines - fl, 0) : NULL;
	ui->dirty |= UI_ALL;
	ui->body_lost = true;
}

/* Push a screen; the UI owns it from now on. The first one pushed is the bottom. */
void
ui_push(struct ui *ui, struct screen *s)
{
	if (ui->depth == 0)
		ui->jobs = s;
	if (ui->depth >= UI_MAX_SCREENS) {
		s->ops->free(s);
		ui_status(ui, true, "too many windows open");
		return;
	}
	ui->stack[ui->depth++] = s;
	ui->dirty |= UI_BODY | UI_FOOTER | UI_HEADER;
	ui->body_lost = true;
}

/* The topmost screen. */
static struct screen *
ui_top(const struct ui *ui)
{
	return ui->stack[ui->depth - 1];
}

/* Close screen s wherever it is in the stack (the bottom one stays). */
static void
ui_remove(struct ui *ui, struct screen *s)
{
	for (int i = 1; i < ui->depth; i++) {
		if (ui->stack[i] != s)
			continue;
		memmove(&ui->stack[i], &ui->stack[i + 1], (size_t)(ui->depth - i - 1) * sizeof *ui->stack);
		ui->depth--;
		s->ops->free(s);
		ui->dirty |= UI_BODY | UI_FOOTER | UI_HEADER;
		ui->body_lost = true;
		return;
	}
}

/* Set the status line. */
void
ui_status(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;

	free(ui->status);
	va_start(ap, fmt);
	ui->status = xvasprintf(fmt, ap);
	va_end(ap);
	ui->status_error = error;
	ui->status_ms = time_mono_ms();
	ui->dirty |= UI_FOOTER;
}

/* Send a request outside the action batches (GetError); its id. */
uint64_t
ui_submit(struct ui *ui, struct action_req *req)
{
	return ui->backend.submit(ui->backend.arg, req);
}

/* Load and apply a theme; problems go to the status line (false then). */
bool
ui_set_theme(struct ui *ui, const char *name)
{
	char *cause = NULL;
	bool ok = theme_load(ui->theme, name, &cause) == 0;

	if (!ok)
		ui_status(ui, true, "%s", cause);
	free(cause);
	theme_apply(ui->theme, ui->color);
	ui->dirty |= UI_ALL;
	return ok;
}

/* Refresh the audit part of the action policy (the log may fail at any time). */
static void
ui_policy_refresh(struct ui *ui)
{
	struct audit *a = ui->app->audit;

	ui->policy.audit_ok = a != NULL && audit_ok(a);
	ui->policy.audit_why = a != NULL ? audit_error(a) : ui->app->audit_error;
}

/* Why no action may be sent now (malloc'd), or NULL. */
char *
ui_refusal(struct ui *ui)
{
	ui_policy_refresh(ui);
	return actions_refusal(&ui->policy);
}

/* The confirmation of a plan answered. */
static void
ui_confirm_done(struct ui *ui, void *arg, int choice, char *const *texts)
{
	struct actions_plan *plan = arg;

	(void)texts;
	if (ui == NULL || (choice != 1 && choice != 2)) {
		if (ui != NULL)
			ui_status(ui, false, "not sent: %s", plan->what);
		actions_plan_free(plan);
		return;
	}
	if (choice == 2)
		actions_plan_include_stale(plan, ui->model);
	ui_status(ui, false, "%s: sent", plan->what);
	actions_submit(ui->actions, ui->model, plan, ui_now_wall(ui));
	ui->dirty |= UI_BODY;
}

/* Plan an action on rows and send it, confirming first when destructive or bulk. */
void
ui_act(struct ui *ui, enum action_kind kind, enum actions_pri how, unsigned pri,
    struct model_row *const *rows, size_t n)
{
	struct actions_plan *plan;
	char *cause = NULL;

	ui_policy_refresh(ui);
	plan = actions_plan_new(&ui->policy, ui->model, kind, how, pri, rows, n, &cause);
	if (plan == NULL) {
		ui_status(ui, true, "%s", cause);
		free(cause);
		ui->dirty |= UI_HEADER;	/* the audit marker may have changed */
		return;
	}
	if (plan->confirm) {
		ui_push(ui, plan->nstale > 0 ? dialog_confirm_all("Confirm", plan->question, ui_confirm_done, plan) :
		    dialog_confirm("Confirm", plan->question, ui_confirm_done, plan));
		return;
	}
	ui_status(ui, false, "%s: sent", plan->what);
	actions_submit(ui->actions, ui->model, plan, ui_now_wall(ui));
	ui->dirty |= UI_BODY;
}

/* The refresh interval typed, or a negative number when it is not one. */
static double
ui_delay_value(const char *text)
{
	char *end;
	double v = strtod(text, &end);

	if (end == text || *end != '\0' || !(v >= CFG_REFRESH_MIN) || v > CFG_REFRESH_MAX)
		return -1;
	return v;
}

/* The delay dialog's check: a bad value keeps it open and says why. */
static char *
ui_delay_check(struct ui *ui, void *arg, int choice, char *const *texts, size_t *field)
{
	(void)ui;
	(void)arg;
	(void)choice;
	*field = 0;
	if (ui_delay_value(texts[0]) < 0)
		return xasprintf("'%s': expected " CFG_REFRESH_EXPECT, texts[0]);
	return NULL;
}

/* The delay dialog answered. */
static void
ui_delay_done(struct ui *ui, void *arg, int choice, char *const *texts)
{
	double v;

	(void)arg;
	if (ui == NULL || choice < 0 || (v = ui_delay_value(texts[0])) < 0)
		return;
	ui->refresh = v;
	ui->backend.set_interval(ui->backend.arg, (unsigned)(v * 1000.0 + 0.5));
	ui_set_grace(ui);
	ui_status(ui, false, "refreshing every %.1f s", v);
	ui->dirty |= UI_HEADER;
}

/* T: the next theme in the list (wrapping). */
static void
ui_next_theme(struct ui *ui)
{
	size_t n, next = 0;
	char **list;

	if (!ui->color) {
		ui_status(ui, true, "colour is off (NO_COLOR, --no-color or the terminal): the theme is mono");
		return;
	}
	list = theme_list(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], ui->theme->name) == 0)
			next = (i + 1) % n;
	if (ui_set_theme(ui, list[next]))
		ui_status(ui, false, "theme %s", ui->theme->name);
	theme_list_free(list, n);
}

/* Keys every screen shares, when the top screen did not take them. */
static int
ui_global_key(struct ui *ui, int key)
{
	struct screen *scr;
	char init[32];

	switch (keymap_lookup(key)) {
	case KA_QUIT:
		return UI_QUIT;
	case KA_HELP:
		ui_push(ui, help_new());
		return UI_HANDLED;
	case KA_REFRESH:
		ui->backend.poll_now(ui->backend.arg, -1);
		ui_status(ui, false, "refreshing every host now");
		return UI_HANDLED;
	case KA_PAUSE:
		ui->paused = !ui->paused;
		ui->backend.set_paused(ui->backend.arg, ui->paused);
		model_set_paused(ui->model, ui->paused);
		ui_status(ui, false, ui->paused ? "polling paused (Z resumes); actions still run" :
		    "polling resumed");
		return UI_HANDLED | UI_HEADER | UI_BODY;
	case KA_DELAY:
		snprintf(init, sizeof init, "%.1f", ui->refresh);
		scr = dialog_input("Refresh interval", "Seconds (>= 0.5)", init, ui_delay_done, NULL);
		dialog_set_check(scr, ui_delay_check);
		ui_push(ui, scr);
		return UI_HANDLED;
	case KA_THEME:
		ui_next_theme(ui);
		return UI_HANDLED;
	default:
		return 0;
	}
}

/* Give a key to the top screen, then to the keys every screen shares. */
void
ui_key(struct ui *ui, int key)
{
	struct screen *top = ui_top(ui);
	int rc;

	if (key == KF(KEY_RESIZE)) {
		ui_layout(ui);
		return;
	}
	rc = top->ops->key(top, ui, key);
	if (!(rc & UI_HANDLED) && !top->ops->overlay)
		rc |= ui_global_key(ui, key);
	if (rc & UI_POP)
		ui_remove(ui, top);
	if (rc & UI_QUIT)
		ui->quit = true;
	ui->dirty |= rc & (UI_BODY | UI_CURSOR | UI_HEADER | UI_FOOTER | UI_ALL);
}

/* Give a mouse event to the top screen, in body coordinates. */
void
ui_mouse(struct ui *ui, const MEVENT *ev)
{
	struct screen *top = ui_top(ui);
	int y = ev->y, x = ev->x, rc;

	if (top->ops->mouse == NULL || top->ops->overlay || ui->body == NULL ||
	    !wmouse_trafo(ui->body, &y, &x, FALSE))
		return;
	rc = top->ops->mouse(top, ui, ev, y, x);
	if (rc & UI_POP)
		ui_remove(ui, top);
	ui->dirty |= rc & (UI_BODY | UI_CURSOR | UI_HEADER | UI_FOOTER);
}

/* Swap a host snapshot into the model (ownership passes). */
void
ui_snapshot(struct ui *ui, struct host_snapshot *snap)
{
	size_t host = snap != NULL ? snap->host : 0;

	if (model_apply(ui->model, snap, time_mono_ms())) {
		ui->dirty |= UI_BODY | UI_HEADER;
		errfetch_host(ui->errfetch, ui->model, host);
	}
}

/* Fold an action result into its batch, or hand it to the screen that asked. */
void
ui_result(struct ui *ui, const struct action_result *res)
{
	char *msg = NULL;
	bool failed;

	if (errfetch_on_result(ui->errfetch, ui->model, res)) {
		ui->dirty |= UI_BODY | UI_HEADER;
		errfetch_pump(ui->errfetch, ui->model);
		return;
	}
	if (actions_on_result(ui->actions, ui->model, res, &msg, &failed)) {
		if (res->kind == ACTION_CREATE && res->ok && res->job_id != NULL) {
			/* The cursor goes to the new job once a poll lists it. */
			free(ui->focus_id);
			ui->focus_id = xstrdup(res->job_id);
			ui->focus_host = res->host;
			ui->backend.poll_now(ui->backend.arg, (ssize_t)res->host);
		}
		if (msg != NULL)
			ui_status(ui, failed, "%s", msg);
		free(msg);
		ui->dirty |= UI_BODY;
		return;
	}
	for (int i = ui->depth - 1; i >= 0; i--) {
		struct screen *s = ui->stack[i];

		if (s->ops->on_result != NULL) {
			int rc = s->ops->on_result(s, ui, res);

			ui->dirty |= rc & (UI_BODY | UI_HEADER | UI_FOOTER);
			if (rc & UI_HANDLED)
				return;
		}
	}
}

/* Does an open view read every failing job's code (the what's-wrong view, a code: filter, the order by ERROR)? */
static bool
ui_reads_codes(const struct ui *ui)
{
	for (int i = 0; i < ui->depth; i++)
		if (strcmp(ui->stack[i]->ops->name, "what's wrong") == 0)
			return true;
	return model_reads_codes(ui->model);
}

/* Expire marks; let the top screen repaint its countdowns once a second. */
void
ui_tick(struct ui *ui)
{
	int64_t now = time_mono_ms();
	struct screen *top = ui_top(ui);

	if (model_tick(ui->model, now))
		ui->dirty |= UI_BODY | UI_HEADER;
	errfetch_set_all(ui->errfetch, ui->model, ui_reads_codes(ui));
	/* Status messages go after a while: errors stay longer. */
	if (ui->status != NULL && now - ui->status_ms >= (ui->status_error ? UI_STATUS_ERROR_MS : UI_STATUS_MS)) {
		free(ui->status);
		ui->status = NULL;
		ui->dirty |= UI_FOOTER;
	}
	/* Screens that show countdowns repaint once a second, not on every wake-up. */
	if (now / 1000 != ui->tick_second && top->ops->tick != NULL)
		ui->dirty |= top->ops->tick(top, ui) & (UI_BODY | UI_HEADER);
	ui->tick_second = now / 1000;
}

/* The header's content. */
static void
ui_header_info(struct ui *ui, struct status_header *h)
{
	model_summary(ui->model, &h->sum);
	h->refresh = ui->refresh;
	h->paused = ui->paused;
	h->readonly = ui->app->readonly;
	h->insecure = ui->app->insecure;
	h->demo = ui->app->demo;
	ui_policy_refresh(ui);
	h->audit_problem = ui->policy.audit_ok ? NULL : "audit";
	h->tagged = model_tagged_count(ui->model);
	h->filter = model_filter(ui->model);
	/* From the groups the model keeps up to date: no walk over the rows. */
	free(ui->wrong_line);
	ui->wrong_line = wrong_headline(ui->model);
	h->wrong = ui->wrong_line;
	h->view = ui_top(ui)->ops->overlay && ui->depth > 1 ? ui->stack[ui->depth - 2]->ops->name :
	    ui_top(ui)->ops->name;
}

/* Paint the body: the topmost full screen, then the overlays above it. */
static void
ui_render_body(struct ui *ui, bool full)
{
	int base = ui->depth - 1;

	while (base > 0 && ui->stack[base]->ops->overlay)
		base--;
	ui->body_kept = base == ui->depth - 1 && !ui->body_lost && ui->body_owner == ui->stack[base];
	if (!full && base == ui->depth - 1) {
		ui->stack[base]->ops->draw(ui->stack[base], ui, ui->body, false);
	} else {
		for (int i = base; i < ui->depth; i++)
			ui->stack[i]->ops->draw(ui->stack[i], ui, ui->body, true);
	}
	ui->body_owner = base == ui->depth - 1 ? ui->stack[base] : NULL;
	ui->body_lost = false;
	ui->body_kept = false;
	wnoutrefresh(ui->body);
}

/* Paint what is dirty into the windows and update the terminal once. */
void
ui_render(struct ui *ui)
{
	unsigned d = ui->dirty;

	if (d == 0 || ui->body == NULL)
		return;
	if (d & UI_ALL) {
		clearok(curscr, TRUE);
		ui->body_lost = true;
		/* stdscr is where keys are read: mark it painted so that reading
		 * a key never repaints it over the windows. */
		wnoutrefresh(stdscr);
		d |= UI_HEADER | UI_BODY | UI_FOOTER;
	}
	if ((d & UI_HEADER) && ui->header != NULL) {
		struct status_header h = { 0 };

		ui_header_info(ui, &h);
		status_draw_header(ui->header, &h, ui->theme);
		wnoutrefresh(ui->header);
	}
	if (d & (UI_BODY | UI_CURSOR))
		ui_render_body(ui, (d & UI_BODY) != 0);
	if ((d & UI_FOOTER) && ui->footer != NULL) {
		struct screen *top = ui_top(ui);

		status_draw_footer(ui->footer, top->ops->hints,
		    top->ops->footer != NULL ? top->ops->footer(top, ui) : NULL, ui->app->readonly,
		    ui->status, ui->status_error, ui->theme);
		wnoutrefresh(ui->footer);
	}
	doupdate();
	ui->dirty = 0;
}
