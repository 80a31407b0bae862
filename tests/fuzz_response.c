/*
 * fuzz_response: libFuzzer harness for everything a hostile server's answer
 * reaches: the envelope parser, enumeration items and BITS instances (from the
 * tree and streamed), method outputs, fault decoding and its mapping to a host
 * error, the operations' state machines fed with the same body at each step (as
 * 200 and as 500), and the --once writers that print what was parsed.
 *
 * Protects: no input makes any of these crash, leak, read out of bounds or
 * hang, and the streaming enumeration reader always agrees with the tree reader
 * (libFuzzer with ASan+UBSan; replayed by make check through fuzz_main.c).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>

#include "src/bits_job.h"
#include "src/cfg.h"
#include "src/hosterr.h"
#include "cli/output.h"
#include "src/sanitize.h"
#include "src/snapshot.h"
#include "src/wsman_bits.h"
#include "src/wsman_fault.h"
#include "src/wsman_msg.h"
#include "src/wsman_op.h"
#include "src/wsman_parse.h"
#include "src/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Most exchanges one operation is fed (enough to reach Pull and Release). */
#define FUZZ_MAX_STEPS 6
/* Cap on jobs taken from one response, as the poller's own cap would do. */
#define FUZZ_MAX_JOBS 2000

static FILE *fuzz_sink;
static struct config *fuzz_cfg;

/* One-time setup: the parser, a sink for the writers, a one-host config. */
static void
fuzz_init(void)
{
	char *cause = NULL;

	if (fuzz_sink != NULL)
		return;
	xmlInitParser();
	fuzz_sink = fopen("/dev/null", "w");
	if (fuzz_sink == NULL)
		abort();
	fuzz_cfg = config_new();
	if (config_add_host(fuzz_cfg, "http://fuzz.example:5985/wsman", "fuzz", &cause) != 0)
		abort();
}

/* Print a host error the way the screen and the writers would. */
static void
fuzz_show_error(const struct hosterr *e)
{
	char *s = sanitize_terminal(e->message);

	fprintf(fuzz_sink, "%s %s %s\n", hosterr_kind_name(e->kind), hosterr_kind_status(e->kind), s);
	free(s);
}

/* Run the three --once writers over jobs (taken over by the snapshot). */
static void
fuzz_write_jobs(struct bits_job *jobs, size_t njobs)
{
	struct host_snapshot *snap = host_snapshot_new(0);
	enum output_format fmts[] = { OUTPUT_JSON, OUTPUT_TSV, OUTPUT_TABLE };

	snap->state = HOST_STATE_OK;
	snap->jobs = jobs;
	snap->njobs = njobs;
	host_snapshot_sort_jobs(snap);
	for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
		output_write(fuzz_sink, fuzz_sink, fmts[i], fuzz_cfg, &snap, 1, (time_t)0);
	host_snapshot_free(snap);
}

/* The fault decoder and its mapping in both request contexts. */
static void
fuzz_fault(const struct wsman_response *r)
{
	struct wsman_fault f;
	struct hosterr e = { 0 };
	char *cause = NULL, *q;

	if (wsman_fault_parse(r, &f, &cause) != 0) {
		free(cause);
		return;
	}
	q = wsman_fault_qname(&f);
	fprintf(fuzz_sink, "%s %d%d%d%d\n", q, wsman_fault_is_not_found(&f),
	    wsman_fault_is_access_denied(&f), wsman_fault_is_timeout(&f),
	    wsman_fault_is_provider_missing(&f));
	free(q);
	if (wsman_fault_text(&f) != NULL)
		fputs(wsman_fault_text(&f), fuzz_sink);
	wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_CLASS, &e);
	fuzz_show_error(&e);
	hosterr_clear(&e);
	wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_INSTANCE, &e);
	fuzz_show_error(&e);
	hosterr_clear(&e);
	wsman_fault_done(&f);
}

/* Method outputs: ReturnValue, JobId, GetError's fields. */
static void
fuzz_output(const struct wsman_response *r)
{
	struct bits_error_info info = { 0 };
	uint32_t rv;
	char *cause = NULL, *s;

	if (wsman_bits_return_value(r->body, &rv, &cause) != 0) {
		free(cause);
		cause = NULL;
	}
	s = wsman_bits_out_string(r->body, "JobId");
	free(s);
	if (wsman_bits_error_info(r->body, &info, &cause) != 0)
		free(cause);
	bits_error_info_done(&info);
}

/* An instance (Get/Put answer): convert it and rebuild it for a Put. */
static void
fuzz_instance(const struct wsman_response *r)
{
	struct bits_job job;
	char *cause = NULL, *xml;

	memset(&job, 0, sizeof job);
	if (wsman_bits_from_xml(r->body, &job, &cause) == 0) {
		struct bits_job *one = xmalloc(sizeof *one);

		*one = job;
		fuzz_write_jobs(one, 1);
	} else {
		free(cause);
		bits_job_done(&job);
	}
	xml = wsman_bits_rewrite_property(r->body, "Priority", "1");
	free(xml);
}

/* What the tree reader made of an input, for the streaming reader to match. */
struct fuzz_tree {
	bool	 parsed;
	enum wsman_body_kind kind;
	bool	 end_of_sequence;
	int	 items_rc;		/* wsman_bits_take_items() */
	size_t	 njobs;
	char	**ids;			/* the jobs' ids (NULL when nil or absent) */
};

/* Free what a fuzz_tree holds. */
static void
fuzz_tree_done(struct fuzz_tree *t)
{
	for (size_t i = 0; i < t->njobs; i++)
		free(t->ids[i]);
	free(t->ids);
}

/*
 * The streaming reader of enumerations (wsman_parse_enumeration with the BITS
 * items sink) must agree with the tree reader on the same input: both parse it
 * or neither, the same body kind and end of sequence, and, for Enumerate and Pull
 * responses, both take the items or neither, with the same jobs in the same
 * order. A difference would show a host differently depending on the path.
 */
static void
fuzz_stream(const char *data, size_t size, const char *content_type, const struct fuzz_tree *t)
{
	struct wsman_response r;
	struct wsman_item_sink sink;
	struct wsman_bits_items *items = wsman_bits_items_new(FUZZ_MAX_JOBS, 0);
	struct bits_job *jobs = NULL;
	size_t njobs = 0;
	char *cause = NULL;
	int rc;

	wsman_bits_items_sink(items, &sink);
	rc = wsman_parse_enumeration(&r, data, size, content_type, 0, &sink, &cause);
	if ((rc == 0) != t->parsed)
		abort();
	if (rc != 0) {
		free(cause);
		wsman_bits_items_free(items);
		return;
	}
	if (r.kind != t->kind || r.end_of_sequence != t->end_of_sequence)
		abort();
	if (r.kind == WSMAN_BODY_ENUMERATE || r.kind == WSMAN_BODY_PULL) {
		rc = wsman_bits_items_take(items, &jobs, &njobs, &cause);
		if ((rc == 0) != (t->items_rc == 0))
			abort();
		free(cause);
		if (rc == 0 && njobs != t->njobs)
			abort();
		for (size_t i = 0; rc == 0 && i < njobs; i++) {
			const char *a = jobs[i].job_id.s, *b = t->ids[i];

			if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
				abort();
		}
		bits_jobs_free(jobs, njobs);
	}
	wsman_bits_items_free(items);
	wsman_response_done(&r);
}

/* The parser and the readers of each body kind, called directly; the streaming
 * reader is checked against them. */
static void
fuzz_parse(const char *data, size_t size, const char *content_type)
{
	struct wsman_response r;
	struct fuzz_tree t = { 0 };
	char *cause = NULL;
	struct bits_job *jobs = NULL;
	size_t njobs = 0, nitems = 0;
	xmlNodePtr *items;

	if (wsman_parse_response(&r, data, size, content_type, 0, &cause) != 0) {
		free(cause);
		fuzz_stream(data, size, content_type, &t);
		return;
	}
	t.parsed = true;
	t.kind = r.kind;
	t.end_of_sequence = r.end_of_sequence;
	fputs(wsman_body_kind_name(r.kind), fuzz_sink);
	items = wsman_response_items(&r, &nitems);
	free(items);
	switch (r.kind) {
	case WSMAN_BODY_FAULT:
		fuzz_fault(&r);
		break;
	case WSMAN_BODY_ENUMERATE:
	case WSMAN_BODY_PULL:
		t.items_rc = wsman_bits_take_items(&r, &jobs, &njobs, FUZZ_MAX_JOBS, &cause);
		if (t.items_rc != 0) {
			free(cause);
		} else {
			t.njobs = njobs;
			t.ids = xcalloc(njobs + 1, sizeof *t.ids);
			for (size_t i = 0; i < njobs; i++)
				t.ids[i] = jobs[i].job_id.s != NULL ? xstrdup(jobs[i].job_id.s) : NULL;
		}
		fuzz_write_jobs(jobs, njobs);
		break;
	case WSMAN_BODY_OUTPUT:
		fuzz_output(&r);
		break;
	case WSMAN_BODY_INSTANCE:
		fuzz_instance(&r);
		break;
	default:
		break;
	}
	wsman_response_done(&r);
	fuzz_stream(data, size, content_type, &t);
	fuzz_tree_done(&t);
}

/* Deterministic MessageIDs, so that a replayed input behaves the same. */
static void
fuzz_uuid(char *out, void *arg)
{
	unsigned *n = arg;

	snprintf(out, WSMAN_UUID_SIZE, "uuid:00000000-0000-4000-8000-%012u", (*n)++ % 1000000u);
}

/* Drive one operation, answering every request with the same body and status. */
static void
fuzz_op(struct wsman_op *op, long status, const char *data, size_t size)
{
	unsigned uuid_n = 0;
	struct bits_job *jobs;
	struct bits_error_info info;
	size_t n = 0, len;

	if (op == NULL)
		abort();
	wsman_op_set_uuid_source(op, fuzz_uuid, &uuid_n);
	wsman_op_set_limits(op, FUZZ_MAX_JOBS, 8);
	for (int step = 0; step < FUZZ_MAX_STEPS && wsman_op_request(op, &len) != NULL; step++)
		wsman_op_feed(op, status, "application/soap+xml;charset=UTF-8", data, size);
	if (wsman_op_ok(op)) {
		jobs = wsman_op_take_jobs(op, &n);
		fuzz_write_jobs(jobs, n);
		if (wsman_op_job_id(op) != NULL)
			fputs(wsman_op_job_id(op), fuzz_sink);
		memset(&info, 0, sizeof info);
		if (wsman_op_take_error_info(op, &info))
			bits_error_info_done(&info);
	} else if (wsman_op_error(op) != NULL) {
		fuzz_show_error(wsman_op_error(op));
	}
	wsman_op_free(op);
}

/* The operation an input drives, picked from its length (see below). */
static struct wsman_op *
fuzz_new_op(const struct wsman_target *t, unsigned which)
{
	static const char job[] = "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}";

	switch (which) {
	case 0:
		return wsman_op_new_list(t);
	case 1:
		return wsman_op_new_get(t, job);
	case 2:
		return wsman_op_new_set_priority(t, job, 1);
	case 3:
		return wsman_op_new_set_state(t, job, BITS_SET_CANCEL);
	case 4:
		return wsman_op_new_set_state(t, job, BITS_SET_RESUME);
	case 5:
		return wsman_op_new_create(t, "fuzz", "https://srv/f?a=1&b=2", "C:\\f", 0, false);
	case 6:
		return wsman_op_new_add_file(t, job, "https://srv/f", "C:\\f");
	default:
		return wsman_op_new_get_error(t, job);
	}
}

/*
 * Every input goes through the parser and the readers of its body kind; then it
 * answers each request of one operation, as HTTP 200 or 500. The operation and
 * the status come from the input's length, so that one run stays cheap while
 * mutations (which change lengths all the time) cover them all.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct wsman_target t = {
		.url = "http://fuzz.example:5985/wsman", .https = false,
		.timeout_ms = 5000, .max_envelope = 512000, .max_elements = 32000
	};
	const char *body = (const char *)data;
	unsigned first = (unsigned)(size % 16), last = first;

#ifdef FUZZ_REPLAY
	/* Replayed inputs (make check) go through every operation and status. */
	first = 0;
	last = 15;
#endif
	fuzz_init();
	for (unsigned which = first; which <= last; which++) {
		fuzz_parse(body, size, which == 15 ? NULL : "application/soap+xml;charset=UTF-8");
		fuzz_op(fuzz_new_op(&t, which / 2), which % 2 == 0 ? 200 : 500, body, size);
		if (which == 15)
			fuzz_op(wsman_op_new_list(&t), 401, body, size);
	}
	return 0;
}
