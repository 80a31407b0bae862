#include "config.h"

#include "tui/model.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/xalloc.h"
#include "tui/model_impl.h"

static const char *const col_titles[MODEL_COL_COUNT] = {
#define X(e, t, d) [e] = t,
	MODEL_COLUMNS(X)
#undef X
};
static const bool col_desc[MODEL_COL_COUNT] = {
#define X(e, t, d) [e] = d,
	MODEL_COLUMNS(X)
#undef X
};

/* Set the filter (copied); NULL or "" clears it. */
void
model_set_filter(struct model *m, const char *filter)
{
	free(m->filter);
	m->filter = filter != NULL && *filter != '\0' ? xstrdup(filter) : NULL;
	m->view_dirty = true;
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

/* Title of a column. */
const char *
model_col_title(enum model_col col)
{
	return (unsigned)col < MODEL_COL_COUNT ? col_titles[col] : "?";
}

/* Job state as a number (BITS_STATE_COUNT when absent). */
unsigned
model_row_state(const struct model_row *row)
{
	const struct bits_u64 *s = &row->job->state;

	return s->p == BITS_SET && s->v < BITS_STATE_COUNT ? (unsigned)s->v : BITS_STATE_COUNT;
}

/* Does the row match the filter (case-insensitive substring)? */
static bool
row_matches(const struct model *m, const struct model_row *row)
{
	unsigned st = model_row_state(row);

	if (m->filter == NULL)
		return true;
	return strcasestr(m->hosts[row->host].name, m->filter) != NULL ||
	    strcasestr(row->name, m->filter) != NULL ||
	    strcasestr(row->owner, m->filter) != NULL ||
	    (st < BITS_STATE_COUNT && strcasestr(bits_state_name(st), m->filter) != NULL);
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

/* Sort key of a row as a double, for the numeric columns; unknown sorts low. */
static double
row_number(const struct model_row *row, enum model_col col)
{
	const struct bits_job *j = row->job;
	double pct;
	uint64_t eta;

	switch (col) {
	case MODEL_COL_STATE:
		return model_row_state(row);
	case MODEL_COL_PRI:
		return (double)model_u64_or(&j->priority, BITS_PRIORITY_COUNT);
	case MODEL_COL_PROGRESS:
		return model_row_percent(row, &pct) ? pct : -1;
	case MODEL_COL_BYTES:
		return bits_job_size_known(j) ? (double)j->bytes_total.v : -1;
	case MODEL_COL_RATE:
		return row->rate;
	case MODEL_COL_ETA:
		/* Unknown ETA sorts after every known one. */
		return model_row_eta(row, &eta) ? (double)eta : 1e300;
	case MODEL_COL_FILES:
		return (double)model_u64_or(&j->files_total, 0);
	case MODEL_COL_ERR:
		return (double)model_u64_or(&j->transient_error_count, 0);
	case MODEL_COL_AGE:
		/* Older first: ascending creation time. */
		return (double)model_u64_or(&j->creation_time, 0);
	default:
		return 0;
	}
}

/* qsort_r comparator for the view. */
static int
view_cmp(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;
	const struct model_row *x = *(struct model_row *const *)a;
	const struct model_row *y = *(struct model_row *const *)b;
	int c = 0;
	uint64_t cx, cy;

	switch (m->sort) {
	case MODEL_COL_HOST:
		c = natural_cmp(m->hosts[x->host].name, m->hosts[y->host].name);
		break;
	case MODEL_COL_OWNER:
		c = natural_cmp(x->owner, y->owner);
		break;
	case MODEL_COL_NAME:
		c = natural_cmp(x->name, y->name);
		break;
	default:
		c = CMP3(row_number(x, m->sort), row_number(y, m->sort));
		break;
	}
	if (col_desc[m->sort])
		c = -c;
	if (m->invert)
		c = -c;
	if (c != 0)
		return c;
	/* Ties: configured host order, then creation time, then id (stable view). */
	if (x->host != y->host)
		return x->host < y->host ? -1 : 1;
	cx = model_u64_or(&x->job->creation_time, 0);
	cy = model_u64_or(&y->job->creation_time, 0);
	if (cx != cy)
		return cx < cy ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The filtered, sorted rows. */
struct model_row *const *
model_view(struct model *m, size_t *n)
{
	if (m->view_dirty) {
		size_t total = 0;

		for (size_t i = 0; i < m->nhosts; i++)
			total += m->hosts[i].nrows;
		if (total > m->view_cap) {
			m->view = xreallocarray(m->view, total, sizeof *m->view);
			m->view_cap = total;
		}
		m->nview = 0;
		for (size_t i = 0; i < m->nhosts; i++) {
			for (size_t j = 0; j < m->hosts[i].nrows; j++) {
				struct model_row *row = m->hosts[i].rows[j];

				row->view_index = SIZE_MAX;
				if (row_matches(m, row))
					m->view[m->nview++] = row;
			}
		}
		if (m->nview > 1)
			qsort_r(m->view, m->nview, sizeof *m->view, view_cmp, m);
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
	(void)m;
	row->tagged = !row->tagged;
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
	return n;
}

/* Number of tagged rows still present. */
size_t
model_tagged_count(const struct model *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nhosts; i++)
		for (size_t j = 0; j < m->hosts[i].nrows; j++)
			n += m->hosts[i].rows[j]->tagged && !m->hosts[i].rows[j]->vanished;
	return n;
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
