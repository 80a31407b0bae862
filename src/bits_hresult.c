#include "config.h"

#include "src/bits_hresult.h"

#include <stdio.h>
#include <string.h>

#include "src/xalloc.h"

struct hresult_entry {
	uint32_t code;
	const char *name;
	const char *meaning;
};

static const struct hresult_entry hresult_table[] = {
#define X(c, n, m) { (uint32_t)(c), #n, m },
	BITS_HRESULTS(X)
#undef X
};

#define X(c, n, m) + 1
enum { HRESULT_TABLE_COUNT = 0 BITS_HRESULTS(X) };
#undef X
_Static_assert(sizeof(hresult_table) / sizeof(hresult_table[0]) == HRESULT_TABLE_COUNT,
    "one entry per declared code");

/* First and last HTTP status BITS maps into BG_E_HTTP_ERROR_xxx (0x80190000 + status). */
#define HTTP_ERROR_BASE 0x80190000u
#define HTTP_ERROR_MIN 100u
#define HTTP_ERROR_MAX 599u
/* HRESULT_FROM_WIN32(e) is this | e. */
#define WIN32_FACILITY_BASE 0x80070000u

/* Binary search of the sorted table. */
static const struct hresult_entry *
table_search(uint32_t code)
{
	size_t lo = 0, hi = HRESULT_TABLE_COUNT;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (hresult_table[mid].code == code)
			return &hresult_table[mid];
		if (hresult_table[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * The table's entry for code. An HRESULT of the Win32 facility (0x8007xxxx,
 * HRESULT_FROM_WIN32) without an entry of its own has the name and meaning of
 * the Win32 error xxxx, as Windows prints it (0x80070002 is ERROR_FILE_NOT_FOUND).
 */
static const struct hresult_entry *
table_find(uint32_t code)
{
	const struct hresult_entry *e = table_search(code);

	if (e == NULL && (code & 0xFFFF0000u) == WIN32_FACILITY_BASE)
		e = table_search(code & 0xFFFFu);
	return e;
}

/* Reason phrase of the commoner HTTP statuses, or NULL. */
static const char *
http_phrase(unsigned status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 407: return "Proxy Authentication Required";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 416: return "Range Not Satisfiable";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return NULL;
	}
}

bool
bits_hresult_lookup(uint32_t code, struct bits_hresult_desc *out)
{
	const struct hresult_entry *e;

	memset(out, 0, sizeof(*out));
	out->code = code;
	e = table_find(code);
	if (e != NULL) {
		snprintf(out->name, sizeof(out->name), "%s", e->name);
		snprintf(out->meaning, sizeof(out->meaning), "%s", e->meaning);
		return true;
	}
	if (code >= HTTP_ERROR_BASE + HTTP_ERROR_MIN && code <= HTTP_ERROR_BASE + HTTP_ERROR_MAX) {
		unsigned status = code - HTTP_ERROR_BASE;
		const char *phrase = http_phrase(status);

		snprintf(out->name, sizeof(out->name), "BG_E_HTTP_ERROR_%u", status);
		if (phrase != NULL)
			snprintf(out->meaning, sizeof(out->meaning),
			    "the remote server answered HTTP %u %s", status, phrase);
		else
			snprintf(out->meaning, sizeof(out->meaning),
			    "the remote server answered HTTP %u", status);
		return true;
	}
	return false;
}

const char *
bits_hresult_name(uint32_t code)
{
	const struct hresult_entry *e = table_find(code);

	return e != NULL ? e->name : NULL;
}

char *
bits_hresult_format(uint32_t code)
{
	struct bits_hresult_desc d;

	if (!bits_hresult_lookup(code, &d))
		return xasprintf("0x%08X", (unsigned)code);
	return xasprintf("0x%08X %s: %s", (unsigned)code, d.name, d.meaning);
}

bool
bits_hresult_is_success(uint32_t code)
{
	return code == 0 || code == BITS_HR_BG_S_PARTIAL_COMPLETE ||
	    code == BITS_HR_BG_S_UNABLE_TO_DELETE_FILES || code == BITS_HR_BG_S_OVERRIDDEN_BY_POLICY;
}

size_t
bits_hresult_count(void)
{
	return HRESULT_TABLE_COUNT;
}

uint32_t
bits_hresult_code_at(size_t i)
{
	return i < HRESULT_TABLE_COUNT ? hresult_table[i].code : 0;
}
