#include "config.h"

#include "tui/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/bits_job.h"
#include "src/strbuf.h"
#include "src/xalloc.h"
#include "tui/fmt.h"
#include "tui/text.h"

/* Short state words for the header's per-state counts, indexed by enum bits_state. */
static const char *const status_state_words[BITS_STATE_COUNT] = {
	"queued", "connecting", "transferring", "suspended", "error", "transient",
	"transferred", "acked", "cancelled",
};

/* Add a marker like "[PAUSED]" in role; returns the next column. */
static int
status_marker(WINDOW *w, int y, int x, const char *text, enum theme_role role,
    const struct theme *t)
{
	x = text_add(w, y, x, text, theme_attr(t, role));
	return text_add(w, y, x, " ", theme_attr(t, THEME_HEADER));
}

/* Draw the two header lines. */
void
status_draw_header(WINDOW *w, const struct status_header *h, const struct theme *t)
{
	attr_t hdr = theme_attr(t, THEME_HEADER), lab = theme_attr(t, THEME_HEADER_LABEL);
	int width = getmaxx(w), x;
	char rate[FMT_BUFSZ];
	struct strbuf sb;

	text_blank(w, 0, 0, width, hdr);
	text_blank(w, 1, 0, width, hdr);
	x = text_add(w, 0, 0, " bitstop ", lab);
	if (h->demo)
		x = status_marker(w, 0, x, "[DEMO]", THEME_HEADER_MARKER, t);
	if (h->paused)
		x = status_marker(w, 0, x, "[PAUSED]", THEME_HEADER_MARKER, t);
	if (h->readonly)
		x = status_marker(w, 0, x, "[READ-ONLY]", THEME_HEADER_MARKER, t);
	if (h->audit_problem != NULL)
		x = status_marker(w, 0, x, "[NO AUDIT LOG]", THEME_HEADER_INSECURE, t);
	if (h->insecure)
		x = status_marker(w, 0, x, "[INSECURE TLS]", THEME_HEADER_INSECURE, t);

	strbuf_init(&sb);
	strbuf_addf(&sb, " hosts %zu ok", h->sum.hosts_ok);
	x = text_add(w, 0, x, sb.s, hdr);
	if (h->sum.hosts_failing > 0) {
		/* Failing hosts are worth a colour of their own. */
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%zu failing", h->sum.hosts_failing);
		x = text_add(w, 0, x, ", ", hdr);
		x = text_add(w, 0, x, sb.s, theme_attr(t, THEME_HEADER_MARKER));
	}
	strbuf_reset(&sb);
	if (h->sum.hosts_polling > 0)
		strbuf_addf(&sb, ", %zu polling", h->sum.hosts_polling);
	strbuf_addf(&sb, "  every %.1fs", h->refresh);
	x = text_add(w, 0, x, sb.s, hdr);
	if (h->wrong != NULL) {
		x = text_add(w, 0, x, "  ", hdr);
		text_add(w, 0, x, h->wrong, theme_attr(t, THEME_HEADER_MARKER));
	}

	/* Line 2: rate, then what narrows the view (short, so it survives 80 columns),
	 * then the per-state counts. */
	strbuf_reset(&sb);
	strbuf_addf(&sb, " rate %s ", fmt_rate(rate, sizeof rate, h->sum.rate));
	x = text_add(w, 1, 0, sb.s, hdr);
	strbuf_reset(&sb);
	if (h->tagged > 0)
		strbuf_addf(&sb, " tagged %zu ", h->tagged);
	if (h->filter != NULL)
		strbuf_addf(&sb, " filter \"%s\" ", h->filter);
	if (h->view != NULL && strcmp(h->view, "jobs") != 0)
		strbuf_addf(&sb, " [%s] ", h->view);
	x = text_add(w, 1, x, sb.s, lab);
	strbuf_reset(&sb);
	strbuf_addf(&sb, " jobs %zu", h->sum.jobs);
	for (int s = 0, n = 0; s < BITS_STATE_COUNT; s++)
		if (h->sum.per_state[s] > 0)
			strbuf_addf(&sb, "%s%zu %s", n++ == 0 ? ": " : ", ", h->sum.per_state[s],
			    status_state_words[s]);
	x = text_add(w, 1, x, sb.s, hdr);
	if (h->sum.stalled > 0) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%zu STALLED", h->sum.stalled);
		x = text_add(w, 1, x, ", ", hdr);
		text_add(w, 1, x, sb.s, theme_attr(t, THEME_HEADER_MARKER));
	}
	strbuf_done(&sb);
}

/*
 * Text hints ("Enter open  Esc back  q quit"): items two spaces apart; when
 * they do not all fit, the last one (quit) keeps its place and the items
 * before it that do not fit are left out.
 */
static void
status_text_hints(WINDOW *w, const char *text, int width, const struct theme *t)
{
	const char *last = strstr(text, "  q quit");
	char *copy;
	int x = 0, lastw;

	if (text_width(text) <= width || last == NULL) {
		text_put(w, 0, 0, width, text, TEXT_LEFT, theme_attr(t, THEME_FOOTER));
		return;
	}
	lastw = text_width(last);
	copy = xstrndup(text, (size_t)(last - text));
	/* Split on the two-space separators by hand (items hold single spaces). */
	for (char *p = copy, *next; p != NULL && *p != '\0'; p = next) {
		char *sep = strstr(p, "  ");

		next = sep != NULL ? sep + 2 : NULL;
		if (sep != NULL)
			*sep = '\0';
		if (x + text_width(p) + 2 + lastw > width)
			continue;
		x = text_add(w, 0, x, p, theme_attr(t, THEME_FOOTER));
		x = text_add(w, 0, x, "  ", theme_attr(t, THEME_FOOTER));
	}
	text_add(w, 0, x, last + 2, theme_attr(t, THEME_FOOTER));
	free(copy);
}

/* Draw the footer. */
void
status_draw_footer(WINDOW *w, const enum keymap_action *hints, const char *text_hints,
    bool no_actions, const char *msg, bool error, const struct theme *t)
{
	int width = getmaxx(w), x = 0, quit_w;
	bool has_quit = false;

	for (size_t i = 0; hints != NULL && hints[i] != KA_NONE; i++)
		has_quit |= hints[i] == KA_QUIT;

	if (getmaxy(w) < 2) {
		/* One line only: the status wins over the hints. */
		text_put(w, 0, 0, width, msg != NULL ? msg : "", TEXT_LEFT,
		    theme_attr(t, error ? THEME_STATUS_ERROR : THEME_STATUS));
		return;
	}
	text_blank(w, 0, 0, width, theme_attr(t, THEME_FOOTER));
	if (text_hints != NULL)
		status_text_hints(w, text_hints, width, t);
	/* Quit is drawn last and always fits: the others give way to it. */
	quit_w = text_width(keymap_hint_key(KA_QUIT)) + text_width(keymap_entry(KA_QUIT)->hint);
	for (size_t i = 0; text_hints == NULL && hints != NULL && hints[i] != KA_NONE && x < width; i++) {
		const struct keymap_entry *e = keymap_entry(hints[i]);
		int need;

		if (e == NULL || e->hint == NULL || (no_actions && keymap_is_action_key(hints[i])))
			continue;
		need = text_width(keymap_hint_key(hints[i])) + text_width(e->hint) + 1;
		if (hints[i] != KA_QUIT && has_quit && x + need + quit_w > width)
			continue;
		x = text_add(w, 0, x, keymap_hint_key(hints[i]), theme_attr(t, THEME_FOOTER_KEY));
		x = text_add(w, 0, x, e->hint, theme_attr(t, THEME_FOOTER));
		x = text_add(w, 0, x, " ", theme_attr(t, THEME_FOOTER));
	}
	text_put(w, 1, 0, width, msg != NULL ? msg : "", TEXT_LEFT,
	    theme_attr(t, error ? THEME_STATUS_ERROR : THEME_STATUS));
}
