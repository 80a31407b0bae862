#include "config.h"

#include "tui/model.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/xalloc.h"
#include "tui/filter.h"
#include "tui/model_impl.h"

/* Set the filter (copied); NULL or "" clears it. -1 with *cause when it does not parse. */
int
model_set_filter(struct model *m, const char *filter, char **cause)
{
	struct filter *f = NULL;
	char *why = NULL;

	if (filter != NULL && *filter != '\0' && (f = filter_parse(filter, &why)) == NULL) {
		if (cause != NULL)
			*cause = why;
		else
			free(why);
		return -1;
	}
	filter_free(m->compiled);
	m->compiled = f;
	free(m->filter);
	m->filter = f != NULL ? xstrdup(filter) : NULL;
	m->view_dirty = true;
	return 0;
}

/* The filter, or NULL. */
const char *
model_filter(const struct model *m)
{
	return m->filter;
}

/* Sort by col, in its natural direction or inverted. */
void
model_set_sort(struct model *m, enum model_col col, bool invert)
{
	m->sort = (unsigned)col < MODEL_COL_COUNT ? col : MODEL_COL_HOST;
	m->invert = invert;
	m->view_dirty = true;
}

/* The sort column. */
enum model_col
model_sort_col(const struct model *m)
{
	return m->sort;
}

/* Whether the sort is inverted. */
bool
model_sort_invert(const struct model *m)
{
	return m->invert;
}

/* Does the row pass the filter? Ages count to the latest poll. */
static bool
row_matches(const struct model *m, const struct model_row *row)
{
	if (m->compiled == NULL)
		return true;	/* without reading the row: the view is rebuilt often */
	return filter_match(m->compiled, m, row, m->now_wall);
}

/* Compare strings with digit runs compared as numbers ("ws2" < "ws10"), case-insensitively. */
static int
natural_cmp(const char *a, const char *b)
{
	while (*a != '\0' && *b != '\0') {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			const char *ea = a, *eb = b;

			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			for (ea = a; *ea >= '0' && *ea <= '9'; ea++)
				;
			for (eb = b; *eb >= '0' && *eb <= '9'; eb++)
				;
			if (ea - a != eb - b)
				return ea - a < eb - b ? -1 : 1;
			for (; a < ea; a++, b++)
				if (*a != *b)
					return *a < *b ? -1 : 1;
			continue;
		}
		int ca = (unsigned char)*a, cb = (unsigned char)*b;

		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return ca < cb ? -1 : 1;
		a++;
		b++;
	}
	return (*a != '\0') - (*b != '\0');
}

/* Three-way comparison of numbers. */
#define CMP3(x, y) ((x) < (y) ? -1 : (x) > (y) ? 1 : 0)

/* The ties of every sort: configured host order, creation time, then id (a stable view). */
static int
view_tie_cmp(const struct model_row *x, const struct model_row *y)
{
	uint64_t cx, cy;

	if (x->host != y->host)
		return x->host < y->host ? -1 : 1;
	cx = model_u64_or(&x->job->creation_time, 0);
	cy = model_u64_or(&y->job->creation_time, 0);
	if (cx != cy)
		return cx < cy ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* qsort comparator of rows by their ties only (rows of one host). */
static int
view_tie_qcmp(const void *a, const void *b)
{
	return view_tie_cmp(*(struct model_row *const *)a, *(struct model_row *const *)b);
}

/* Sign of the primary comparison: the column's natural direction, then the user's. */
static int
view_sign(const struct model *m)
{
	int sign = column_get(m->sort)->desc ? -1 : 1;

	return m->invert ? -sign : sign;
}

/* A row with its sort key, computed once per rebuild rather than per comparison. */
struct model_key {
	struct column_key key;
	int	 sign;
	struct model_row *row;
};

/* qsort comparator of keyed rows: text naturally, numbers as numbers, then the ties. */
static int
view_key_cmp(const void *a, const void *b)
{
	const struct model_key *x = a, *y = b;
	int c;

	if (x->key.text != NULL && y->key.text != NULL)
		c = natural_cmp(x->key.text, y->key.text);
	else
		c = CMP3(x->key.num, y->key.num);
	c *= x->sign;
	return c != 0 ? c : view_tie_cmp(x->row, y->row);
}

/* The direction of a host-order sort. */
struct host_order_arg {
	const struct model *m;
	int	 sign;
};

/* qsort_r comparator of host indexes by name (natural order), then index. */
static int
view_host_cmp(const void *a, const void *b, void *arg)
{
	const struct host_order_arg *o = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = natural_cmp(o->m->hosts[x].name, o->m->hosts[y].name) * o->sign;

	if (c != 0)
		return c;
	return x < y ? -1 : x > y ? 1 : 0;
}

/* Host indexes in the HOST column's order (inverted or not), built once. */
static const size_t *
view_host_order(struct model *m, bool invert)
{
	size_t **order = &m->host_order[invert ? 1 : 0];
	struct host_order_arg arg = { m, invert ? -1 : 1 };

	if (*order == NULL) {
		*order = xcalloc(m->nhosts ? m->nhosts : 1, sizeof **order);
		for (size_t i = 0; i < m->nhosts; i++)
			(*order)[i] = i;
		if (m->nhosts > 1)
			qsort_r(*order, m->nhosts, sizeof **order, view_host_cmp, &arg);
	}
	return *order;
}

/* Append the rows of one host that pass the filter. */
static void
view_add_host(struct model *m, size_t host)
{
	for (size_t j = 0; j < m->hosts[host].nrows; j++) {
		struct model_row *row = m->hosts[host].rows[j];

		row->view_index = SIZE_MAX;
		if (row_matches(m, row))
			m->view[m->nview++] = row;
	}
}

/*
 * Rebuild the view. By host (the default) the hosts' order is fixed, so the
 * view is each host's rows in turn, sorted among themselves: no global sort.
 * By another column, each row's key is computed once before sorting.
 */
static void
view_rebuild(struct model *m)
{
	size_t total = 0;

	for (size_t i = 0; i < m->nhosts; i++)
		total += m->hosts[i].nrows;
	if (total > m->view_cap) {
		m->view = xreallocarray(m->view, total, sizeof *m->view);
		m->keys = xreallocarray(m->keys, total, sizeof *m->keys);
		m->view_cap = total;
	}
	m->nview = 0;
	if (m->sort == MODEL_COL_HOST) {
		const size_t *order = view_host_order(m, view_sign(m) < 0);

		for (size_t i = 0; i < m->nhosts; i++) {
			size_t first = m->nview;

			view_add_host(m, order[i]);
			if (m->nview - first > 1)
				qsort(m->view + first, m->nview - first, sizeof *m->view, view_tie_qcmp);
		}
		return;
	}
	for (size_t i = 0; i < m->nhosts; i++)
		view_add_host(m, i);
	if (m->nview < 2)
		return;
	for (size_t i = 0; i < m->nview; i++) {
		m->keys[i].key.num = 0;
		m->keys[i].key.text = NULL;
		column_get(m->sort)->key(m, m->view[i], &m->keys[i].key);
		m->keys[i].sign = view_sign(m);
		m->keys[i].row = m->view[i];
	}
	qsort(m->keys, m->nview, sizeof *m->keys, view_key_cmp);
	for (size_t i = 0; i < m->nview; i++)
		m->view[i] = m->keys[i].row;
}

/* The filtered, sorted rows. */
struct model_row *const *
model_view(struct model *m, size_t *n)
{
	if (m->view_dirty) {
		view_rebuild(m);
		for (size_t i = 0; i < m->nview; i++)
			m->view[i]->view_index = i;
		m->view_dirty = false;
	}
	*n = m->nview;
	return m->view;
}

/* Tag or untag a row. */
void
model_tag_toggle(struct model *m, struct model_row *row)
{
	row->tagged = !row->tagged;
	if (!row->vanished) {
		if (row->tagged)
			m->ntagged++;
		else
			m->ntagged--;
	}
}

/* Untag every row; the number untagged. */
size_t
model_untag_all(struct model *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nhosts; i++)
		for (size_t j = 0; j < m->hosts[i].nrows; j++)
			if (m->hosts[i].rows[j]->tagged) {
				m->hosts[i].rows[j]->tagged = false;
				n++;
			}
	m->ntagged = 0;
	return n;
}

/* Tag every row in the view that is not a tombstone; the number newly tagged. */
size_t
model_tag_shown(struct model *m)
{
	struct model_row *const *view;
	size_t nview, n = 0;

	view = model_view(m, &nview);
	for (size_t i = 0; i < nview; i++)
		if (!view[i]->tagged && !view[i]->vanished) {
			view[i]->tagged = true;
			n++;
		}
	m->ntagged += n;
	return n;
}

/* Number of tagged rows still present. */
size_t
model_tagged_count(const struct model *m)
{
	return m->ntagged;	/* kept as rows are tagged, vanish, return or go */
}

/* Append a row to a growing array. */
static void
rows_push(struct model_row ***rows, size_t *n, size_t *cap, struct model_row *row)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*rows = xreallocarray(*rows, *cap, sizeof **rows);
	}
	(*rows)[(*n)++] = row;
}

/* Tagged rows still present: the shown ones in view order, then hidden ones. */
size_t
model_tagged(struct model *m, struct model_row ***out)
{
	struct model_row *const *view;
	struct model_row **rows = NULL;
	size_t nview, n = 0, cap = 0;

	view = model_view(m, &nview);
	for (size_t i = 0; i < nview; i++)
		if (view[i]->tagged && !view[i]->vanished)
			rows_push(&rows, &n, &cap, view[i]);
	for (size_t i = 0; i < m->nhosts; i++) {
		for (size_t j = 0; j < m->hosts[i].nrows; j++) {
			struct model_row *row = m->hosts[i].rows[j];

			if (row->tagged && !row->vanished && row->view_index == SIZE_MAX)
				rows_push(&rows, &n, &cap, row);
		}
	}
	*out = rows;
	return n;
}
