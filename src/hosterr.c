#include "config.h"

#include "src/hosterr.h"

#include <stdarg.h>
#include <stdlib.h>

#include "src/xalloc.h"

static const char *const kind_names[HOSTERR_COUNT] = {
#define X(e, n, s) [e] = n,
	HOSTERR_KINDS(X)
#undef X
};
static const char *const kind_status[HOSTERR_COUNT] = {
#define X(e, n, s) [e] = s,
	HOSTERR_KINDS(X)
#undef X
};

const char *
hosterr_kind_name(enum hosterr_kind kind)
{
	return (unsigned)kind < HOSTERR_COUNT ? kind_names[kind] : "unknown";
}

const char *
hosterr_kind_status(enum hosterr_kind kind)
{
	return (unsigned)kind < HOSTERR_COUNT ? kind_status[kind] : "unknown";
}

void
hosterr_set(struct hosterr *e, enum hosterr_kind kind, const char *fmt, ...)
{
	va_list ap;

	free(e->message);
	e->kind = kind;
	e->has_code = false;
	e->code = 0;
	va_start(ap, fmt);
	e->message = xvasprintf(fmt, ap);
	va_end(ap);
}

void
hosterr_set_code(struct hosterr *e, enum hosterr_kind kind, uint32_t code, const char *fmt, ...)
{
	va_list ap;

	free(e->message);
	e->kind = kind;
	e->has_code = true;
	e->code = code;
	va_start(ap, fmt);
	e->message = xvasprintf(fmt, ap);
	va_end(ap);
}

void
hosterr_copy(struct hosterr *dst, const struct hosterr *src)
{
	dst->kind = src->kind;
	dst->has_code = src->has_code;
	dst->code = src->code;
	dst->message = xstrdup_or_null(src->message);
}

void
hosterr_clear(struct hosterr *e)
{
	free(e->message);
	e->message = NULL;
	e->kind = HOSTERR_NONE;
	e->has_code = false;
	e->code = 0;
}
