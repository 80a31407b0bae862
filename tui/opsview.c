#include "config.h"

#include "tui/opsview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/bits_hresult.h"
#include "src/xalloc.h"
#include "tui/fmt.h"
#include "tui/list.h"
#include "tui/ops.h"
#include "tui/text.h"
#include "tui/ui.h"

struct opsview {
	struct screen base;
	struct list_cursor ops;		/* the operations */
	struct list_cursor kids;	/* the children of the open one */
	unsigned open;			/* id of the operation whose children show; 0 for the list */
};

/* Rows the body shows below its title line. */
static size_t
opsview_page(const struct ui *ui)
{
	return ui->body != NULL && getmaxy(ui->body) > 2 ? (size_t)getmaxy(ui->body) - 2 : 1;
}

/* The operation with id, or NULL. */
static struct ops_op *
opsview_find(struct ui *ui, unsigned id)
{
	struct ops *o = actions_ops(ui->actions);

	for (size_t i = 0; i < o->n; i++)
		if (o->v[i]->id == id)
			return o->v[i];
	return NULL;
}

/* "22:41:07", "-" for none; with the date for another day. */
static const char *
opsview_time(char *buf, size_t len, int64_t ms, int64_t now)
{
	if (ms <= 0)
		return "-";
	if (now - ms > 20 * 3600 * 1000LL) {
		fmt_datetime(buf, len, ms / 1000);
		return buf;
	}
	return fmt_clock(buf, len, ms);
}

/* Draw the list of operations, newest first. */
static void
opsview_draw_list(struct opsview *v, struct ui *ui, WINDOW *w)
{
	struct ops *o = actions_ops(ui->actions);
	int h = getmaxy(w), width = getmaxx(w), locw = width / 5 < 12 ? 12 : width / 5;
	bool times = width >= 120;	/* narrow terminals keep Id, Name, State, HasMoreData, Location */
	int namew = width - (1 + 4 + 1 + 10 + 1 + 11 + 1 + locw + (times ? 1 + 8 + 1 + 8 + 1 + 5 : 0));
	const struct theme *t = ui->theme;
	char line[1024], a[FMT_BUFSZ], b[FMT_BUFSZ];

	if (namew < 12)
		namew = 12;
	snprintf(line, sizeof line, " %-4s %-*.*s %-10s %-11s %-*.*s %-8s %-8s %s", "Id", namew, namew, "Name",
	    "State", "HasMoreData", locw, locw, "Location", times ? "Started" : "", times ? "Ended" : "",
	    times ? "Run" : "");
	text_put(w, 0, 0, width, line, TEXT_LEFT, theme_attr(t, THEME_TITLE));
	list_scroll(&v->ops, o->n, opsview_page(ui));
	for (int y = 1; y < h; y++) {
		size_t i = v->ops.top + (size_t)(y - 1);
		struct ops_op *op;
		bool sel = i == v->ops.cursor;
		int x = 1;
		attr_t base;

		text_blank(w, y, 0, width, theme_attr(t, THEME_NORMAL));
		if (i >= o->n) {
			if (o->n == 0 && y == 2)
				text_put(w, y, 0, width, "no operation yet: actions sent from the screen are listed here",
				    TEXT_CENTER, theme_attr(t, THEME_NORMAL));
			continue;
		}
		op = o->v[o->n - 1 - i];	/* newest first */
		base = theme_attr(t, sel ? THEME_SELECTION : op->past ? THEME_VANISHED : THEME_NORMAL);
		text_blank(w, y, 0, width, base);
		snprintf(line, sizeof line, "%u", op->id);
		text_put(w, y, x, 4, line, TEXT_RIGHT, base);
		x += 5;
		text_put(w, y, x, namew, op->name, TEXT_LEFT, base);
		x += namew + 1;
		text_put(w, y, x, 10, ops_state_name(op->state), TEXT_LEFT, sel ? base : theme_attr(t,
		    op->state == OPS_FAILED ? THEME_STATE_ERROR : op->state == OPS_RUNNING ? THEME_PENDING :
		    op->state == OPS_STOPPED ? THEME_STATE_SUSPENDED : op->past ? THEME_VANISHED : THEME_HOST_OK));
		x += 11;
		text_put(w, y, x, 11, op->has_more_data ? "True" : "False", TEXT_LEFT, base);
		x += 12;
		text_put(w, y, x, locw, ops_location(op), TEXT_LEFT, base);
		x += locw + 1;
		if (!times)
			continue;
		text_put(w, y, x, 8, opsview_time(a, sizeof a, op->started_ms, ui_now_wall(ui)), TEXT_LEFT, base);
		x += 9;
		text_put(w, y, x, 8, op->ended_ms > 0 ? opsview_time(b, sizeof b, op->ended_ms, ui_now_wall(ui)) :
		    "-", TEXT_LEFT, base);
		x += 9;
		text_put(w, y, x, width - x, op->past ? "past" : "this", TEXT_LEFT, base);
	}
}

/* The outcome word of a child. */
static const char *
opsview_outcome(const struct ops_child *c)
{
	switch (c->outcome) {
	case OPS_WAITING:
		return "waiting";
	case OPS_OK:
		return "ok";
	case OPS_GONE:
		return "ok (gone)";
	default:
		return c->unknown ? "unknown" : "failed";
	}
}

/* A child's error, decoded: "0x80200002 BG_E_INVALID_STATE: ... -- the host's message". */
static char *
opsview_error(const struct ops_child *c)
{
	struct bits_hresult_desc d;

	if (c->outcome != OPS_FAILED_CHILD)
		return xstrdup(c->outcome == OPS_GONE ? "the job had already left the queue" : "");
	if (c->has_code && bits_hresult_lookup(c->code, &d))
		return xasprintf("0x%08X %s: %s -- %s", c->code, d.name, d.meaning, c->error != NULL ? c->error : "");
	if (c->has_code)
		return xasprintf("0x%08X -- %s", c->code, c->error != NULL ? c->error : "");
	return xstrdup(c->error != NULL ? c->error : "failed");
}

/* Draw the children of the open operation. */
static void
opsview_draw_kids(struct opsview *v, struct ops_op *op, struct ui *ui, WINDOW *w)
{
	int h = getmaxy(w), width = getmaxx(w), hostw = 16, jobw = width / 4 < 16 ? 16 : width / 4;
	const struct theme *t = ui->theme;
	char line[1024];

	snprintf(line, sizeof line, " #%u %s: %s, %zu ok, %zu failed%s%s", op->id, op->name,
	    ops_state_name(op->state), op->nok, op->nfailed,
	    op->nwaiting > 0 ? op->state == OPS_STOPPED ? ", no answer recorded" : ", waiting" : "",
	    op->past ? " (an earlier run)" : "");
	text_put(w, 0, 0, width, line, TEXT_LEFT, theme_attr(t, THEME_LABEL));
	snprintf(line, sizeof line, " %-*s %-*s %-10s %s", hostw, "HOST", jobw, "JOB", "OUTCOME", "ERROR");
	text_put(w, 1, 0, width, line, TEXT_LEFT, theme_attr(t, THEME_TITLE));
	list_scroll(&v->kids, op->nchildren, h > 3 ? (size_t)h - 2 : 1);
	for (int y = 2; y < h; y++) {
		size_t i = v->kids.top + (size_t)(y - 2);
		const struct ops_child *c;
		bool sel = i == v->kids.cursor;
		attr_t base = theme_attr(t, sel ? THEME_SELECTION : THEME_NORMAL);
		char *err;

		text_blank(w, y, 0, width, theme_attr(t, THEME_NORMAL));
		if (i >= op->nchildren)
			continue;
		c = &op->children[i];
		text_blank(w, y, 0, width, base);
		text_put(w, y, 1, hostw, c->host_name, TEXT_LEFT, base);
		text_put(w, y, 2 + hostw, jobw, c->job_name != NULL ? c->job_name : c->job_id != NULL ?
		    c->job_id : "-", TEXT_LEFT, base);
		text_put(w, y, 3 + hostw + jobw, 10, opsview_outcome(c), TEXT_LEFT, sel ? base :
		    theme_attr(t, c->outcome == OPS_FAILED_CHILD ? THEME_STATE_ERROR :
		    c->outcome == OPS_WAITING ? THEME_PENDING : THEME_HOST_OK));
		err = opsview_error(c);
		text_put(w, y, 4 + hostw + jobw + 10, width - (4 + hostw + jobw + 10), err, TEXT_LEFT,
		    sel ? base : theme_attr(t, THEME_STATE_ERROR));
		free(err);
	}
}

/* Paint the list, or the open operation's children. */
static void
opsview_draw(struct screen *s, struct ui *ui, WINDOW *w, bool full)
{
	struct opsview *v = (struct opsview *)s;
	struct ops_op *op = v->open != 0 ? opsview_find(ui, v->open) : NULL;

	(void)full;
	if (op != NULL)
		opsview_draw_kids(v, op, ui, w);
	else
		opsview_draw_list(v, ui, w);
}

/* The rows of the failed children's jobs still in the table. */
static size_t
opsview_failed_rows(struct ui *ui, const struct ops_op *op, struct model_row ***out)
{
	struct model_row **rows = xcalloc(op->nchildren ? op->nchildren : 1, sizeof *rows), *row;
	size_t n = 0;

	for (size_t i = 0; i < op->nchildren; i++) {
		const struct ops_child *c = &op->children[i];

		if (c->outcome != OPS_FAILED_CHILD || c->job_id == NULL || c->host == SIZE_MAX)
			continue;
		if ((row = model_find(ui->model, c->host, c->job_id)) != NULL && !row->vanished)
			rows[n++] = row;
	}
	*out = rows;
	return n;
}

/* r: send the operation's action again to its failed children. */
static int
opsview_retry(struct ui *ui, const struct ops_op *op)
{
	struct model_row **rows;
	size_t n;

	if (op->kind == ACTION_CREATE || op->past) {
		ui_status(ui, true, op->past ? "an operation of an earlier run is not retried: act on the jobs "
		    "in the job table" : "a create is not retried: press n to create the job again");
		return UI_HANDLED;
	}
	if ((n = opsview_failed_rows(ui, op, &rows)) == 0)
		ui_status(ui, true, "no failed child of #%u is still in the job table", op->id);
	else
		ui_act(ui, op->kind, (enum actions_pri)op->how, op->priority, rows, n);
	free(rows);
	return UI_HANDLED | UI_BODY;
}

/* *: tag the failed children's jobs in the job table. */
static int
opsview_tag(struct ui *ui, const struct ops_op *op)
{
	struct model_row **rows;
	size_t n = opsview_failed_rows(ui, op, &rows), added = 0;

	for (size_t i = 0; i < n; i++) {
		if (!rows[i]->tagged) {
			model_tag_toggle(ui->model, rows[i]);
			added++;
		}
	}
	free(rows);
	ui_status(ui, false, "%zu failed job%s of #%u tagged in the job table (%zu newly)", n, n == 1 ? "" : "s",
	    op->id, added);
	return UI_HANDLED | UI_HEADER;
}

/* Keys of the children of op. */
static int
opsview_key_kids(struct opsview *v, struct ui *ui, struct ops_op *op, enum keymap_action a)
{
	if (list_move(&v->kids, a, op->nchildren, opsview_page(ui)))
		return UI_HANDLED | UI_BODY;
	switch (a) {
	case KA_BACK:
	case KA_DETAIL:
		v->open = 0;
		return UI_HANDLED | UI_BODY | UI_FOOTER;
	case KA_RESUME:
		return opsview_retry(ui, op);
	case KA_TAG_ALL:
	case KA_TAG:
		return opsview_tag(ui, op) | UI_BODY;
	case KA_OPS:
		return UI_HANDLED | UI_POP | UI_BODY | UI_HEADER | UI_FOOTER;
	default:
		return 0;
	}
}

/* Move, open an operation (Enter), go back. */
static int
opsview_key(struct screen *s, struct ui *ui, int key)
{
	struct opsview *v = (struct opsview *)s;
	struct ops *o = actions_ops(ui->actions);
	struct ops_op *op = v->open != 0 ? opsview_find(ui, v->open) : NULL;
	enum keymap_action a = keymap_lookup(key);

	if (op != NULL)
		return opsview_key_kids(v, ui, op, a);
	if (list_move(&v->ops, a, o->n, opsview_page(ui)))
		return UI_HANDLED | UI_BODY;
	switch (a) {
	case KA_DETAIL:
		if (v->ops.cursor < o->n) {
			op = o->v[o->n - 1 - v->ops.cursor];
			op->has_more_data = false;	/* its results are being looked at */
			v->open = op->id;
			v->kids.cursor = v->kids.top = 0;
		}
		return UI_HANDLED | UI_BODY | UI_FOOTER | UI_HEADER;
	case KA_BACK:
	case KA_OPS:
		return UI_HANDLED | UI_POP | UI_BODY | UI_HEADER | UI_FOOTER;
	default:
		return 0;
	}
}

/* Footer hints: the list's, or the children's. */
static const char *
opsview_footer(struct screen *s, struct ui *ui)
{
	struct opsview *v = (struct opsview *)s;

	(void)ui;
	return v->open != 0 ? "Esc back to the operations  r retry the failed  * tag the failed jobs  q quit" :
	    "Enter children (host, job, outcome, error)  Esc/o back to the jobs  ? help  q quit";
}

/* Running operations change as answers come: repaint each second. */
static int
opsview_tick(struct screen *s, struct ui *ui)
{
	(void)s;
	return actions_in_flight(ui->actions) > 0 ? UI_BODY : 0;
}

/* Free the view. */
static void
opsview_free(struct screen *s)
{
	free(s);
}

static const struct screen_ops opsview_ops = {
	.name = "operations",
	.footer = opsview_footer,
	.draw = opsview_draw,
	.key = opsview_key,
	.tick = opsview_tick,
	.free = opsview_free,
};

/* The operations view. */
struct screen *
opsview_new(void)
{
	struct opsview *v = xcalloc(1, sizeof *v);

	v->base.ops = &opsview_ops;
	return &v->base;
}
