/*
 * column: the job table's columns, declared once. One row of MODEL_COLUMNS
 * is one column: its title, width, alignment, when a narrow terminal drops
 * it, its natural sort direction, its cell text and its sort key. The table
 * draws from it, the view sorts by it, the sort picker lists it (no curses).
 */
#ifndef BITSTOP_TUI_COLUMN_H
#define BITSTOP_TUI_COLUMN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct model;
struct model_row;

enum column_align {
	COLUMN_LEFT,
	COLUMN_RIGHT
};

/* Width of a column that takes the spare room (HOST, OWNER, NAME). */
#define COLUMN_FLEX 0
/* Drop order of a column a narrow terminal never drops. */
#define COLUMN_NEVER 100

/*
 * X(id, title, width, align, keep, descending, text, key): keep is the drop
 * order (lower goes first); descending is the column's natural sort order.
 */
#define MODEL_COLUMNS(X) \
	X(MODEL_COL_HOST, "HOST", COLUMN_FLEX, COLUMN_LEFT, COLUMN_NEVER, false, column_text_host, column_key_host) \
	X(MODEL_COL_STATE, "STATE", 15, COLUMN_LEFT, COLUMN_NEVER, false, column_text_state, column_key_state) \
	X(MODEL_COL_TYPE, "TYPE", 4, COLUMN_LEFT, 15, false, column_text_type, column_key_type) \
	X(MODEL_COL_PRI, "PRI", 4, COLUMN_LEFT, 75, false, column_text_pri, column_key_pri) \
	X(MODEL_COL_PROGRESS, "PROGRESS", 16, COLUMN_LEFT, 90, true, column_text_progress, column_key_progress) \
	X(MODEL_COL_BYTES, "BYTES", 11, COLUMN_RIGHT, 40, true, column_text_bytes, column_key_bytes) \
	X(MODEL_COL_RATE, "RATE", 7, COLUMN_RIGHT, 80, true, column_text_rate, column_key_rate) \
	X(MODEL_COL_ETA, "ETA", 6, COLUMN_RIGHT, 70, false, column_text_eta, column_key_eta) \
	X(MODEL_COL_FILES, "FILES", 7, COLUMN_RIGHT, 30, true, column_text_files, column_key_files) \
	X(MODEL_COL_ERR, "ERR", 3, COLUMN_RIGHT, 50, true, column_text_err, column_key_err) \
	X(MODEL_COL_ERROR, "ERROR", 14, COLUMN_LEFT, 60, false, column_text_error, column_key_error) \
	X(MODEL_COL_AGE, "AGE", 4, COLUMN_RIGHT, 20, false, column_text_age, column_key_age) \
	X(MODEL_COL_OWNER, "OWNER", 20, COLUMN_LEFT, 10, false, column_text_owner, column_key_owner) \
	X(MODEL_COL_NAME, "NAME", COLUMN_FLEX, COLUMN_LEFT, COLUMN_NEVER, false, column_text_name, column_key_name)

enum model_col {
#define X(e, t, w, a, k, d, tx, ky) e,
	MODEL_COLUMNS(X)
#undef X
	MODEL_COL_COUNT
};

/* A row's sort key: text compared naturally when text is set, else num (unknown sorts low). */
struct column_key {
	double	 num;
	const char *text;	/* borrowed from the row or the model */
};

/* Write a cell's text into buf (sanitized text only). */
typedef void column_text_fn(char *buf, size_t len, const struct model *m,
    const struct model_row *row, int64_t now_wall_ms);
/* Fill a row's sort key. */
typedef void column_key_fn(const struct model *m, const struct model_row *row,
    struct column_key *key);

struct column {
	const char *title;
	int	 width;		/* COLUMN_FLEX or columns */
	enum column_align align;
	int	 keep;		/* drop order: lower is dropped first */
	bool	 desc;		/* natural sort is descending */
	column_text_fn *text;
	column_key_fn *key;
};

/* The column col (col must be below MODEL_COL_COUNT; else the HOST column). */
const struct column *column_get(enum model_col col);
/* Title of a column ("?" out of range). */
const char *column_title(enum model_col col);

#endif
