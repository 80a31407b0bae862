#include "config.h"

#include "tui/filter.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/bits_hresult.h"
#include "src/bits_job.h"
#include "src/strbuf.h"
#include "src/xalloc.h"
#include "tui/fmt.h"
#include "tui/model.h"

/* Declared once: the fields of field:value words. */
#define FILTER_FIELDS(X) \
	X(FF_HOST, "host") \
	X(FF_STATE, "state") \
	X(FF_PRIORITY, "priority") \
	X(FF_GROUP, "group") \
	X(FF_BACKEND, "backend") \
	X(FF_CODE, "code") \
	X(FF_OWNER, "owner") \
	X(FF_NAME, "name") \
	X(FF_STATUS, "status")

enum filter_field {
#define X(e, n) e,
	FILTER_FIELDS(X)
#undef X
	FF_COUNT
};

static const char *const filter_field_names[FF_COUNT] = {
#define X(e, n) [e] = n,
	FILTER_FIELDS(X)
#undef X
};

/* Declared once: the fields of comparisons (age>2d). */
#define FILTER_NUMBERS(X) \
	X(FN_AGE, "age") \
	X(FN_PROGRESS, "progress") \
	X(FN_ERRORS, "errors")

enum filter_number {
#define X(e, n) e,
	FILTER_NUMBERS(X)
#undef X
	FN_COUNT
};

static const char *const filter_number_names[FN_COUNT] = {
#define X(e, n) [e] = n,
	FILTER_NUMBERS(X)
#undef X
};

enum filter_kind {
	FK_WORD,	/* substring of host, name, owner, state */
	FK_EXACT,	/* field:value */
	FK_REGEX,	/* field:~re */
	FK_COMPARE,	/* age>2d */
	FK_STALLED
};

enum filter_op { FO_LT, FO_LE, FO_GT, FO_GE, FO_EQ };

struct filter_term {
	enum filter_kind kind;
	bool	 negate;
	int	 field;		/* enum filter_field or enum filter_number */
	char	*text;		/* FK_WORD, FK_EXACT */
	regex_t	 re;		/* FK_REGEX */
	enum filter_op op;
	double	 num;
};

struct filter {
	struct filter_term *terms;
	size_t	 n;
};

/* Split text into words at spaces; double quotes keep spaces (and are dropped). -1 with *cause. */
static int
filter_words(const char *text, char ***out, size_t *n, char **cause)
{
	char **v = NULL;
	struct strbuf w;
	const char *p = text;

	*n = 0;
	strbuf_init(&w);
	while (*p != '\0') {
		bool quoted = false, any = false;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		strbuf_reset(&w);
		for (; *p != '\0' && (quoted || (*p != ' ' && *p != '\t')); p++) {
			any = true;
			if (*p == '"')
				quoted = !quoted;
			else
				strbuf_addc(&w, *p);
		}
		if (quoted) {
			*cause = xstrdup("a double quote is not closed");
			strbuf_done(&w);
			for (size_t i = 0; i < *n; i++)
				free(v[i]);
			free(v);
			*n = 0;
			return -1;
		}
		if (any) {
			v = xreallocarray(v, *n + 1, sizeof *v);
			v[(*n)++] = xstrdup(w.s != NULL ? w.s : "");
		}
	}
	strbuf_done(&w);
	*out = v;
	return 0;
}

/* A list of names for messages: "host, state, ...". */
static char *
filter_name_list(const char *const *names, size_t n)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", names[i]);
	return strbuf_detach(&sb, NULL);
}

/* Parse an age ("90", "90s", "15m", "2h", "2d", "1w") into seconds. */
static bool
filter_parse_age(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		return false;
	switch (tolower((unsigned char)*end)) {
	case '\0':
	case 's':
		break;
	case 'm':
		v *= 60;
		break;
	case 'h':
		v *= 3600;
		break;
	case 'd':
		v *= 86400;
		break;
	case 'w':
		v *= 7 * 86400;
		break;
	default:
		return false;
	}
	if (*end != '\0' && end[1] != '\0')
		return false;
	*out = v;
	return true;
}

/* A comparison word (age>2d); 1 parsed, 0 not a comparison, -1 error with *cause. */
static int
filter_parse_compare(struct filter_term *t, const char *w, char **cause)
{
	size_t len = strcspn(w, "<>=");
	const char *op = w + len, *val;
	char *end;

	if (*op == '\0' || len == 0)
		return 0;
	for (int i = 0; i < FN_COUNT; i++) {
		if (strlen(filter_number_names[i]) != len || strncasecmp(w, filter_number_names[i], len) != 0)
			continue;
		t->kind = FK_COMPARE;
		t->field = i;
		if (op[0] == '<' && op[1] == '=')
			t->op = FO_LE, val = op + 2;
		else if (op[0] == '>' && op[1] == '=')
			t->op = FO_GE, val = op + 2;
		else if (op[0] == '<')
			t->op = FO_LT, val = op + 1;
		else if (op[0] == '>')
			t->op = FO_GT, val = op + 1;
		else
			t->op = FO_EQ, val = op + 1;
		if (i == FN_AGE) {
			if (!filter_parse_age(val, &t->num)) {
				*cause = xasprintf("'%s': an age is a number with s, m, h, d or w (age>2d)", w);
				return -1;
			}
			return 1;
		}
		t->num = strtod(val, &end);
		if (end == val || *end != '\0' || t->num < 0) {
			*cause = xasprintf("'%s': %s is compared with a number (%s<10)", w,
			    filter_number_names[i], filter_number_names[i]);
			return -1;
		}
		return 1;
	}
	return 0;
}

/* Check an exact value of a field with a closed set of values. */
static int
filter_check_value(const struct filter_term *t, const char *w, char **cause)
{
	switch (t->field) {
	case FF_STATE:
		if (bits_state_from_name(t->text) >= 0)
			return 0;
		*cause = xasprintf("'%s': no such state (QUEUED, CONNECTING, TRANSFERRING, SUSPENDED, "
		    "ERROR, TRANSIENT_ERROR, TRANSFERRED, ACKNOWLEDGED, CANCELLED)", w);
		return -1;
	case FF_PRIORITY:
		if (bits_priority_from_name(t->text) >= 0)
			return 0;
		*cause = xasprintf("'%s': no such priority (FOREGROUND, HIGH, NORMAL, LOW)", w);
		return -1;
	default:
		return 0;
	}
}

/* A field word (field:value or field:~re); 1 parsed, 0 not one, -1 error with *cause. */
static int
filter_parse_field(struct filter_term *t, const char *w, char **cause)
{
	const char *colon = strchr(w, ':'), *val;
	size_t len;
	char *list, err[128];
	int rc;

	if (colon == NULL)
		return 0;
	len = (size_t)(colon - w);
	val = colon + 1;
	for (int i = 0; i < FF_COUNT; i++) {
		if (strlen(filter_field_names[i]) != len || strncasecmp(w, filter_field_names[i], len) != 0)
			continue;
		t->field = i;
		if (*val == '~') {
			t->kind = FK_REGEX;
			if ((rc = regcomp(&t->re, val + 1, REG_EXTENDED | REG_ICASE | REG_NOSUB)) != 0) {
				regerror(rc, &t->re, err, sizeof err);
				regfree(&t->re);
				t->kind = FK_WORD;
				*cause = xasprintf("'%s': not a regular expression: %s", w, err);
				return -1;
			}
			return 1;
		}
		t->kind = FK_EXACT;
		t->text = xstrdup(val);
		return filter_check_value(t, w, cause) < 0 ? -1 : 1;
	}
	list = filter_name_list(filter_field_names, FF_COUNT);
	*cause = xasprintf("'%s': no field '%.*s' (fields: %s)", w, (int)len, w, list);
	free(list);
	return -1;
}

/* Parse one word into t; -1 with *cause. */
static int
filter_parse_word(struct filter_term *t, const char *w, char **cause)
{
	int rc;

	memset(t, 0, sizeof *t);
	if (*w == '!') {
		t->negate = true;
		w++;
	}
	if (*w == '\0') {
		*cause = xstrdup("'!' needs a word after it");
		return -1;
	}
	if (strcasecmp(w, "stalled") == 0) {
		t->kind = FK_STALLED;
		return 0;
	}
	if ((rc = filter_parse_field(t, w, cause)) != 0)
		return rc < 0 ? -1 : 0;
	if ((rc = filter_parse_compare(t, w, cause)) != 0)
		return rc < 0 ? -1 : 0;
	t->kind = FK_WORD;
	t->text = xstrdup(w);
	return 0;
}

/* Free one term. */
static void
filter_term_done(struct filter_term *t)
{
	if (t->kind == FK_REGEX)
		regfree(&t->re);
	free(t->text);
}

/* Parse text. */
struct filter *
filter_parse(const char *text, char **cause)
{
	struct filter *f;
	char **words = NULL;
	size_t n;
	bool bad = false;

	if (filter_words(text != NULL ? text : "", &words, &n, cause) != 0)
		return NULL;
	f = xcalloc(1, sizeof *f);
	f->terms = xcalloc(n ? n : 1, sizeof *f->terms);
	for (size_t i = 0; i < n; i++) {
		if (!bad && filter_parse_word(&f->terms[f->n], words[i], cause) == 0)
			f->n++;
		else if (!bad) {
			filter_term_done(&f->terms[f->n]);
			bad = true;
		}
		free(words[i]);
	}
	free(words);
	if (bad) {
		filter_free(f);
		return NULL;
	}
	return f;
}

/* Does a term read the error code (code:...)? The code is fetched for every failing job then. */
bool
filter_reads_code(const struct filter *f)
{
	for (size_t i = 0; f != NULL && i < f->n; i++)
		if ((f->terms[i].kind == FK_EXACT || f->terms[i].kind == FK_REGEX) &&
		    f->terms[i].field == FF_CODE)
			return true;
	return false;
}

/* Free a filter; NULL is a no-op. */
void
filter_free(struct filter *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++)
		filter_term_done(&f->terms[i]);
	free(f->terms);
	free(f);
}

/*
 * The texts a field has for a row (up to 3: code has hex, short and full
 * names); the number written.
 */
static size_t
filter_field_texts(const struct model *m, const struct model_row *row, int field,
    const char *out[3], char bufs[3][64])
{
	const struct bits_job *j = row->job;
	unsigned st = model_row_state(row);
	struct bits_hresult_desc d;

	switch (field) {
	case FF_HOST:
		out[0] = model_row_host_name(m, row);
		return 1;
	case FF_STATE:
		out[0] = st < BITS_STATE_COUNT ? bits_state_name(st) : "";
		return 1;
	case FF_PRIORITY:
		out[0] = j->priority.p == BITS_SET ? bits_priority_name(j->priority.v) : "";
		return 1;
	case FF_GROUP:
		out[0] = model_row_group(m, row);
		return 1;
	case FF_BACKEND:
		out[0] = model_row_backend(m, row);
		return 1;
	case FF_CODE:
		if (row->err != MODEL_ERR_KNOWN)
			return 0;
		snprintf(bufs[0], 64, "0x%08X", row->err_code);
		out[0] = bufs[0];
		out[1] = fmt_hresult_short(bufs[1], 64, row->err_code);
		if (!bits_hresult_lookup(row->err_code, &d))
			return 2;
		snprintf(bufs[2], 64, "%s", d.name);
		out[2] = bufs[2];
		return 3;
	case FF_OWNER:
		out[0] = row->owner;
		return 1;
	case FF_NAME:
		out[0] = row->name;
		return 1;
	case FF_STATUS:
		out[0] = model_row_host_status(m, row);
		return 1;
	default:
		return 0;
	}
}

/* A comparison word against the row. */
static bool
filter_compare(const struct filter_term *t, const struct model_row *row, int64_t now_wall_ms)
{
	double v, pct;
	uint64_t secs;

	switch (t->field) {
	case FN_AGE:
		if (!model_row_age(row, now_wall_ms, &secs))
			return false;
		v = (double)secs;
		break;
	case FN_PROGRESS:
		if (!model_row_percent(row, &pct))
			return false;
		v = pct;
		break;
	default:
		v = row->job->transient_error_count.p == BITS_SET ? (double)row->job->transient_error_count.v : 0;
		break;
	}
	switch (t->op) {
	case FO_LT:
		return v < t->num;
	case FO_LE:
		return v <= t->num;
	case FO_GT:
		return v > t->num;
	case FO_GE:
		return v >= t->num;
	default:
		return v == t->num;
	}
}

/* One word against the row, before negation. */
static bool
filter_term_match(const struct filter_term *t, const struct model *m, const struct model_row *row,
    int64_t now_wall_ms)
{
	const char *texts[3];
	char bufs[3][64];
	size_t n;
	unsigned st;

	switch (t->kind) {
	case FK_WORD:
		st = model_row_state(row);
		return strcasestr(model_row_host_name(m, row), t->text) != NULL ||
		    strcasestr(row->name, t->text) != NULL || strcasestr(row->owner, t->text) != NULL ||
		    (st < BITS_STATE_COUNT && strcasestr(bits_state_name(st), t->text) != NULL);
	case FK_STALLED:
		return model_row_stalled(m, row);
	case FK_COMPARE:
		return filter_compare(t, row, now_wall_ms);
	case FK_EXACT:
	case FK_REGEX:
		n = filter_field_texts(m, row, t->field, texts, bufs);
		for (size_t i = 0; i < n; i++) {
			if (t->kind == FK_EXACT ? strcasecmp(texts[i], t->text) == 0 :
			    regexec(&t->re, texts[i], 0, NULL, 0) == 0)
				return true;
		}
		return false;
	}
	return false;
}

/* Does the row pass every word? */
bool
filter_match(const struct filter *f, const struct model *m, const struct model_row *row,
    int64_t now_wall_ms)
{
	for (size_t i = 0; i < f->n; i++)
		if (filter_term_match(&f->terms[i], m, row, now_wall_ms) == f->terms[i].negate)
			return false;
	return true;
}
