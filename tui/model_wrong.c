/*
 * model_wrong: what is failing, kept up to date host by host (the model's part
 * of the "what's wrong" view and of the header's line). Each host holds its
 * contribution to the fleet's groups; when a host's rows change (its snapshot
 * applied, a code answered), its old contribution is taken off and the new one
 * added, so reading the groups never walks the rows.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "src/bits_job.h"
#include "src/snapshot.h"
#include "src/xalloc.h"
#include "tui/model_impl.h"

/* Hash of a group's key. */
static uint64_t
mw_hash(enum model_wrong_kind kind, int sub, uint32_t code, const char *text)
{
	uint64_t h = 1469598103934665603ull ^ ((uint64_t)kind << 40 ^ (uint64_t)(unsigned)sub << 32 ^ code);

	for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ull;
	h ^= h >> 29;
	return h != 0 ? h : 1;
}

/* Find or add the group of this key; its index in m->wrong. */
static size_t
mw_group(struct model *m, enum model_wrong_kind kind, int sub, uint32_t code, const char *text)
{
	uint64_t h = mw_hash(kind, sub, code, text);
	size_t mask, i;

	if ((m->nwrong + 1) * 2 > m->wrong_slots) {
		/* Grow the index (slots hold group index + 1; 0 is empty). */
		size_t n = m->wrong_slots ? m->wrong_slots * 2 : 64;

		free(m->wrong_index);
		m->wrong_index = xcalloc(n, sizeof *m->wrong_index);
		m->wrong_slots = n;
		for (size_t g = 0; g < m->nwrong; g++) {
			for (i = m->wrong[g].hash & (n - 1); m->wrong_index[i] != 0; i = (i + 1) & (n - 1))
				;
			m->wrong_index[i] = g + 1;
		}
	}
	mask = m->wrong_slots - 1;
	for (i = h & mask; m->wrong_index[i] != 0; i = (i + 1) & mask) {
		struct model_wrong_group *g = &m->wrong[m->wrong_index[i] - 1];

		if (g->hash == h && g->kind == kind && g->sub == sub && g->code == code &&
		    strcmp(g->text, text) == 0)
			return m->wrong_index[i] - 1;
	}
	m->wrong = xreallocarray(m->wrong, m->nwrong + 1, sizeof *m->wrong);
	memset(&m->wrong[m->nwrong], 0, sizeof m->wrong[m->nwrong]);
	m->wrong[m->nwrong].hash = h;
	m->wrong[m->nwrong].kind = kind;
	m->wrong[m->nwrong].sub = sub;
	m->wrong[m->nwrong].code = code;
	m->wrong[m->nwrong].text = xstrdup(text);
	m->wrong_index[i] = m->nwrong + 1;
	return m->nwrong++;
}

/* Count jobs of a group into a host's contribution (a handful of entries). */
static void
mw_add(struct model_wrong_host *wh, size_t group, size_t jobs)
{
	for (size_t i = 0; i < wh->n; i++)
		if (wh->v[i].group == group) {
			wh->v[i].jobs += jobs;
			return;
		}
	wh->v = xreallocarray(wh->v, wh->n + 1, sizeof *wh->v);
	wh->v[wh->n].group = group;
	wh->v[wh->n++].jobs = jobs;
}

/* Take a host's contribution off the groups (sign -1) or put it on (+1). */
static void
mw_apply(struct model *m, const struct model_wrong_host *wh, int sign)
{
	for (size_t i = 0; i < wh->n; i++) {
		struct model_wrong_group *g = &m->wrong[wh->v[i].group];

		if (sign > 0) {
			g->jobs += wh->v[i].jobs;
			g->hosts++;
		} else {
			g->jobs -= wh->v[i].jobs;
			g->hosts--;
		}
	}
}

/* The groups of one failing row. */
static void
mw_row(struct model *m, struct model_wrong_host *wh, const struct model_row *row, unsigned st)
{
	uint32_t code = row->err == MODEL_ERR_KNOWN ? row->err_code : 0;

	mw_add(wh, mw_group(m, MODEL_WRONG_CODE, (int)row->err, code, ""), 1);
	mw_add(wh, mw_group(m, MODEL_WRONG_NAME, 0, 0, row->name), 1);
	mw_add(wh, mw_group(m, MODEL_WRONG_OWNER, 0, 0, row->owner), 1);
	if (st == BITS_STATE_ERROR)
		mw_add(wh, mw_group(m, MODEL_WRONG_HEAD, row->err == MODEL_ERR_KNOWN, code, ""), 1);
}

/* Recount host i's contribution to the groups from its rows. */
void
model_wrong_host_update(struct model *m, size_t i)
{
	const struct model_host *h = &m->hosts[i];
	struct model_wrong_host *wh = &m->wrong_hosts[i];
	size_t live = 0;

	mw_apply(m, wh, -1);
	wh->n = 0;
	for (size_t j = 0; j < h->nrows; j++) {
		const struct model_row *row = h->rows[j];
		unsigned st = model_row_state(row);

		if (row->vanished)
			continue;
		live++;
		if (st == BITS_STATE_ERROR || st == BITS_STATE_TRANSIENT_ERROR)
			mw_row(m, wh, row, st);
	}
	if (h->last != NULL && h->last->state == HOST_STATE_ERROR)
		mw_add(wh, mw_group(m, MODEL_WRONG_HOST, (int)h->last->error.kind, 0, ""), live);
	mw_apply(m, wh, +1);
}

/* Free the groups and the hosts' contributions. */
void
model_wrong_free(struct model *m)
{
	for (size_t i = 0; i < m->nwrong; i++)
		free(m->wrong[i].text);
	free(m->wrong);
	free(m->wrong_index);
	for (size_t i = 0; i < m->nhosts; i++)
		free(m->wrong_hosts[i].v);
	free(m->wrong_hosts);
}

/* The fleet's groups (some may count nothing now). */
size_t
model_wrong_groups(const struct model *m, const struct model_wrong_group **v)
{
	*v = m->wrong;
	return m->nwrong;
}
