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

/* A filter value, quoted when it holds a space. */
static char *
wrong_value(const char *field, const char *v)
{
	return xasprintf(strpbrk(v, " \t") != NULL ? "%s:\"%s\"" : "%s:%s", field, v);
}

/* Add the view's group of one of the model's failing groups. */
static void
wrong_add(struct wrong *w, const struct model_wrong_group *mg)
{
	static const char failing[] = " state:~^(ERROR|TRANSIENT_ERROR)$";
	struct wrong_group *g;
	char label[96], name[64], *v;

	w->v = xreallocarray(w->v, w->n + 1, sizeof *w->v);
	g = &w->v[w->n++];
	memset(g, 0, sizeof *g);
	g->jobs = mg->jobs;
	g->hosts = mg->hosts;
	switch (mg->kind) {
	case MODEL_WRONG_CODE:
		g->section = WRONG_CODE;
		if (mg->sub == MODEL_ERR_KNOWN) {
			fmt_hresult_short(name, sizeof name, mg->code);
			if (name[0] == '0')
				snprintf(label, sizeof label, "0x%08X", mg->code);	/* no name known */
			else
				snprintf(label, sizeof label, "0x%08X %s", mg->code, name);
			g->filter = xasprintf("code:0x%08X", mg->code);
		} else {
			snprintf(label, sizeof label, "%s", mg->sub == MODEL_ERR_FETCHING ? "code being asked" :
			    mg->sub == MODEL_ERR_UNAVAILABLE ? "code not given by the host" : "code not asked yet");
			g->filter = xasprintf("!code:~.%s", failing);
		}
		g->label = xstrdup(label);
		w->failing_jobs += mg->jobs;
		break;
	case MODEL_WRONG_NAME:
	case MODEL_WRONG_OWNER:
		g->section = mg->kind == MODEL_WRONG_NAME ? WRONG_NAME : WRONG_OWNER;
		v = wrong_value(mg->kind == MODEL_WRONG_NAME ? "name" : "owner", mg->text);
		g->filter = xasprintf("%s%s", v, failing);
		free(v);
		g->label = xstrdup(mg->text[0] != '\0' ? mg->text :
		    mg->kind == MODEL_WRONG_NAME ? "(no name)" : "(no owner)");
		break;
	default:
		g->section = WRONG_HOSTS;
		g->label = xstrdup(hosterr_kind_status((enum hosterr_kind)mg->sub));
		g->filter = xasprintf("status:%s", hosterr_kind_name((enum hosterr_kind)mg->sub));
		w->failing_hosts += mg->hosts;
		break;
	}
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

/* Group what is failing (from the groups the model keeps: no walk over the rows). */
void
wrong_build(struct wrong *w, const struct model *m)
{
	const struct model_wrong_group *v;
	size_t n = model_wrong_groups(m, &v);

	memset(w, 0, sizeof *w);
	for (size_t i = 0; i < n; i++)
		if (v[i].kind != MODEL_WRONG_HEAD && (v[i].jobs > 0 || v[i].hosts > 0))
			wrong_add(w, &v[i]);
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
	}
	free(w->v);
	memset(w, 0, sizeof *w);
}

/* Order of headline entries: biggest first, then by code. */
static int
wrong_head_cmp(const void *a, const void *b)
{
	const struct model_wrong_group *x = *(const struct model_wrong_group *const *)a;
	const struct model_wrong_group *y = *(const struct model_wrong_group *const *)b;

	if (x->jobs != y->jobs)
		return x->jobs > y->jobs ? -1 : 1;
	if (x->sub != y->sub)
		return x->sub > y->sub ? -1 : 1;	/* known codes before "code ?" */
	return x->code < y->code ? -1 : x->code > y->code;
}

/* The codes of the jobs in ERROR, biggest first, for the header (from the model's groups). */
char *
wrong_headline(const struct model *m)
{
	enum { SHOWN = 8 };
	const struct model_wrong_group *v, **c;
	size_t n = model_wrong_groups(m, &v), nc = 0, total = 0, other = 0;
	struct strbuf sb;
	char name[64];

	c = xreallocarray(NULL, n ? n : 1, sizeof *c);
	for (size_t i = 0; i < n; i++)
		if (v[i].kind == MODEL_WRONG_HEAD && v[i].jobs > 0) {
			c[nc++] = &v[i];
			total += v[i].jobs;
		}
	if (total == 0) {
		free(c);
		return NULL;
	}
	qsort(c, nc, sizeof *c, wrong_head_cmp);
	for (size_t i = SHOWN; i < nc; i++)
		other += c[i]->jobs;
	strbuf_init(&sb);
	strbuf_addf(&sb, "%zu job%s in ERROR:", total, total == 1 ? "" : "s");
	for (size_t i = 0; i < nc && i < SHOWN; i++)
		strbuf_addf(&sb, "%s %s \u00d7%zu", i ? "," : "",
		    c[i]->sub ? fmt_hresult_short(name, sizeof name, c[i]->code) : "code ?", c[i]->jobs);
	if (other > 0)
		strbuf_addf(&sb, ", other \u00d7%zu", other);
	strbuf_adds(&sb, " (w)");
	free(c);
	return strbuf_detach(&sb, NULL);
}
