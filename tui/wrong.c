#include "config.h"

#include "tui/wrong.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/bits_job.h"
#include "src/hosterr.h"
#include "src/snapshot.h"
#include "src/strbuf.h"
#include "src/xalloc.h"
#include "tui/fmt.h"
#include "tui/model.h"

static const char *const wrong_titles[WRONG_SECTION_COUNT] = {
#define X(e, t) [e] = t,
	WRONG_SECTIONS(X)
#undef X
};

/* Title of a section. */
const char *
wrong_section_title(enum wrong_section s)
{
	return (unsigned)s < WRONG_SECTION_COUNT ? wrong_titles[s] : "?";
}

/* The group of section with this label, created when new. */
static struct wrong_group *
wrong_group(struct wrong *w, enum wrong_section section, const char *label, const char *filter)
{
	struct wrong_group *g;

	for (size_t i = w->n; i-- > 0;)
		if (w->v[i].section == section && strcmp(w->v[i].label, label) == 0)
			return &w->v[i];
	w->v = xreallocarray(w->v, w->n + 1, sizeof *w->v);
	g = &w->v[w->n++];
	memset(g, 0, sizeof *g);
	g->section = section;
	g->label = xstrdup(label);
	g->filter = xstrdup(filter);
	return g;
}

/* Count one job of host into g. */
static void
wrong_count(struct wrong_group *g, size_t host, size_t jobs)
{
	bool seen = false;

	g->jobs += jobs;
	for (size_t i = g->hosts; i-- > 0 && !seen;)
		seen = g->host_ids[i] == host;
	if (seen)
		return;
	if (g->hosts == g->host_cap) {
		g->host_cap = g->host_cap ? g->host_cap * 2 : 8;
		g->host_ids = xreallocarray(g->host_ids, g->host_cap, sizeof *g->host_ids);
	}
	g->host_ids[g->hosts++] = host;
}

/* A filter value, quoted when it holds a space. */
static char *
wrong_value(const char *field, const char *v)
{
	return xasprintf(strpbrk(v, " \t") != NULL ? "%s:\"%s\"" : "%s:%s", field, v);
}

/* The groups of one failing job. */
static void
wrong_add_job(struct wrong *w, const struct model *m, const struct model_row *row)
{
	static const char failing[] = " state:~^(ERROR|TRANSIENT_ERROR)$";
	char label[96], name[64], *f, *v;

	if (row->err == MODEL_ERR_KNOWN) {
		fmt_hresult_short(name, sizeof name, row->err_code);
		if (name[0] == '0')
			snprintf(label, sizeof label, "0x%08X", row->err_code);	/* no name known */
		else
			snprintf(label, sizeof label, "0x%08X %s", row->err_code, name);
		f = xasprintf("code:0x%08X", row->err_code);
	} else {
		snprintf(label, sizeof label, "%s", row->err == MODEL_ERR_FETCHING ? "code being asked" :
		    row->err == MODEL_ERR_UNAVAILABLE ? "code not given by the host" : "code not asked yet");
		f = xasprintf("!code:~.%s", failing);
	}
	wrong_count(wrong_group(w, WRONG_CODE, label, f), row->host, 1);
	free(f);
	v = wrong_value("name", row->name);
	f = xasprintf("%s%s", v, failing);
	wrong_count(wrong_group(w, WRONG_NAME, row->name[0] != '\0' ? row->name : "(no name)", f), row->host, 1);
	free(v);
	free(f);
	v = wrong_value("owner", row->owner);
	f = xasprintf("%s%s", v, failing);
	wrong_count(wrong_group(w, WRONG_OWNER, row->owner[0] != '\0' ? row->owner : "(no owner)", f),
	    row->host, 1);
	free(v);
	free(f);
	(void)m;
}

/* Sections in order, groups by size (jobs, then hosts), then label. */
static int
wrong_cmp(const void *a, const void *b)
{
	const struct wrong_group *x = a, *y = b;

	if (x->section != y->section)
		return x->section < y->section ? -1 : 1;
	if (x->jobs != y->jobs)
		return x->jobs > y->jobs ? -1 : 1;
	if (x->hosts != y->hosts)
		return x->hosts > y->hosts ? -1 : 1;
	return strcmp(x->label, y->label);
}

/* Group what is failing. */
void
wrong_build(struct wrong *w, const struct model *m)
{
	memset(w, 0, sizeof *w);
	for (size_t h = 0; h < model_nhosts(m); h++) {
		const struct model_host *mh = model_host(m, h);
		size_t live = 0;

		for (size_t j = 0; j < mh->nrows; j++) {
			const struct model_row *row = mh->rows[j];
			unsigned st = model_row_state(row);

			if (row->vanished)
				continue;
			live++;
			if (st == BITS_STATE_ERROR || st == BITS_STATE_TRANSIENT_ERROR) {
				w->failing_jobs++;
				wrong_add_job(w, m, row);
			}
		}
		if (mh->last != NULL && mh->last->state == HOST_STATE_ERROR) {
			char *f = xasprintf("status:%s", hosterr_kind_name(mh->last->error.kind));

			w->failing_hosts++;
			wrong_count(wrong_group(w, WRONG_HOSTS, hosterr_kind_status(mh->last->error.kind), f), h, live);
			free(f);
		}
	}
	if (w->n > 1)
		qsort(w->v, w->n, sizeof *w->v, wrong_cmp);
}

/* Free the groups. */
void
wrong_done(struct wrong *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].label);
		free(w->v[i].filter);
		free(w->v[i].host_ids);
	}
	free(w->v);
	memset(w, 0, sizeof *w);
}

/* The codes of the jobs in ERROR, biggest first, for the header. */
char *
wrong_headline(const struct model *m)
{
	struct { uint32_t code; bool known; size_t n; } c[8];
	size_t nc = 0, total = 0, other = 0;
	struct strbuf sb;
	char name[64];

	for (size_t h = 0; h < model_nhosts(m); h++) {
		const struct model_host *mh = model_host(m, h);

		for (size_t j = 0; j < mh->nrows; j++) {
			const struct model_row *row = mh->rows[j];
			bool known = row->err == MODEL_ERR_KNOWN;
			size_t k;

			if (row->vanished || model_row_state(row) != BITS_STATE_ERROR)
				continue;
			total++;
			for (k = 0; k < nc && !(c[k].known == known && (!known || c[k].code == row->err_code)); k++)
				;
			if (k == nc && nc == sizeof c / sizeof c[0]) {
				other++;
				continue;
			}
			if (k == nc) {
				c[nc].code = row->err_code;
				c[nc].known = known;
				c[nc++].n = 0;
			}
			c[k].n++;
		}
	}
	if (total == 0)
		return NULL;
	/* Biggest first (a handful of entries: insertion sort). */
	for (size_t i = 1; i < nc; i++)
		for (size_t k = i; k > 0 && c[k].n > c[k - 1].n; k--) {
			__typeof__(c[0]) t = c[k];

			c[k] = c[k - 1];
			c[k - 1] = t;
		}
	strbuf_init(&sb);
	strbuf_addf(&sb, "%zu job%s in ERROR:", total, total == 1 ? "" : "s");
	for (size_t i = 0; i < nc; i++)
		strbuf_addf(&sb, "%s %s \u00d7%zu", i ? "," : "",
		    c[i].known ? fmt_hresult_short(name, sizeof name, c[i].code) : "code ?", c[i].n);
	if (other > 0)
		strbuf_addf(&sb, ", other \u00d7%zu", other);
	strbuf_adds(&sb, " (w)");
	return strbuf_detach(&sb, NULL);
}
