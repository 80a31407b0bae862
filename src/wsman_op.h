/*
 * wsman_op: one BITS operation against one host as a protocol state machine.
 *
 * The transport drives it one HTTP exchange at a time: send wsman_op_request(),
 * then report the answer with wsman_op_feed() (or wsman_op_fail() when there was
 * none), and repeat until wsman_op_request() returns NULL. The op never sleeps,
 * never does I/O and never retries anything by itself; an op is used by one thread.
 *
 * Enumerations follow the moving EnumerationContext, stop only on EndOfSequence,
 * and when abandoned part-way (fault, unreadable reply, safety cap) send one
 * best-effort Release for the last context before finishing.
 */
#ifndef BITSTOP_WSMAN_OP_H
#define BITSTOP_WSMAN_OP_H

#include <stdbool.h>
#include <stddef.h>

#include "src/bits_job.h"
#include "src/hosterr.h"

struct wsman_target {
	const char *url;	/* endpoint, used for a:To */
	bool	 https;		/* transport is TLS (for the encryption-required diagnosis) */
	unsigned timeout_ms;	/* OperationTimeout sent (the transport adds its own margin) */
	unsigned max_envelope;	/* MaxEnvelopeSize to send, e.g. 512000 */
	unsigned max_elements;	/* MaxElements for Enumerate/Pull, e.g. 32000 */
};

struct wsman_op;

/*
 * Constructors copy everything they are given; they return NULL for unusable
 * arguments (NULL target/url/job id/strings, priority > 3, unknown state, type > 1).
 */
/* Enumerate (+ Pull ...) all jobs. */
struct wsman_op *wsman_op_new_list(const struct wsman_target *t);
/* Get one job. */
struct wsman_op *wsman_op_new_get(const struct wsman_target *t, const char *job_id);
/* Get, modify Priority, Put the whole instance back (as Set-WSManInstance does). */
struct wsman_op *wsman_op_new_set_priority(const struct wsman_target *t, const char *job_id,
    unsigned prio);
/* SetJobState; for cancel/complete a job that is already gone counts as success. */
struct wsman_op *wsman_op_new_set_state(const struct wsman_target *t, const char *job_id,
    enum bits_set_state st);
/*
 * CreateJob (static) then SetJobState 2 (resume) on the new job; suspended:
 * CreateJob with Suspend=true and no resume, so the job never starts.
 */
struct wsman_op *wsman_op_new_create(const struct wsman_target *t, const char *name,
    const char *remote_url, const char *local_file, unsigned type, bool suspended);
/* AddFile then SetJobState 2 (resume), as doc/protocol.md §10 item 4 advises. */
struct wsman_op *wsman_op_new_add_file(const struct wsman_target *t, const char *job_id,
    const char *remote_url, const char *local_file);
/* GetError (LanguageId 1033). */
struct wsman_op *wsman_op_new_get_error(const struct wsman_target *t, const char *job_id);
/* Free the op and everything it still owns; NULL is a no-op. */
void wsman_op_free(struct wsman_op *op);

/* The request to send now, or NULL when the operation is finished. The body stays valid until the next feed/fail. */
const char *wsman_op_request(struct wsman_op *op, size_t *len);
/* The answer to the request just sent: HTTP status, Content-Type header value (may be NULL), body. */
void wsman_op_feed(struct wsman_op *op, long http_status, const char *content_type,
    const char *body, size_t len);
/* The request just sent got no answer (transport error); err is copied. */
void wsman_op_fail(struct wsman_op *op, const struct hosterr *err);
/*
 * The same, saying whether the request had left (false: it surely never reached
 * the host, e.g. the connection was refused). A change (Put, CreateJob, AddFile,
 * SetJobState) that left and got no answer has an unknown outcome.
 */
void wsman_op_fail_sent(struct wsman_op *op, const struct hosterr *err, bool sent);

bool wsman_op_ok(const struct wsman_op *op);                    /* finished successfully */
const struct hosterr *wsman_op_error(const struct wsman_op *op); /* when finished and not ok */
struct bits_job *wsman_op_take_jobs(struct wsman_op *op, size_t *n); /* list/get results; caller owns */
const char *wsman_op_job_id(const struct wsman_op *op);          /* create: new JobId (NULL if unknown) */
bool wsman_op_outcome_unknown(const struct wsman_op *op);        /* a change left, its answer was lost */
bool wsman_op_already_gone(const struct wsman_op *op);           /* cancel/complete found the job gone: counted as success */
bool wsman_op_take_error_info(struct wsman_op *op, struct bits_error_info *out); /* get_error */
unsigned wsman_op_requests(const struct wsman_op *op);           /* exchanges so far */

/* Safety caps of a list (defaults 100000 items, 5000 Pulls); 0 keeps the current value. */
void wsman_op_set_limits(struct wsman_op *op, size_t max_items, unsigned max_pulls);
/*
 * Jobs identical to the last poll's (a list op): seen is the sorted wire hashes
 * of the last poll's jobs (read while the op lives; n may be 0). Every job read
 * then carries its wire hash, and an item whose hash is in seen is not parsed:
 * it comes back as a job with only wire_hash and wire_reused set, for the
 * caller to take from the last poll.
 */
void wsman_op_set_reuse(struct wsman_op *op, const uint64_t *seen, size_t n);
/* Largest response body accepted (default WSMAN_PARSE_DEFAULT_MAX, 64 MiB). */
void wsman_op_set_max_response(struct wsman_op *op, size_t max);
/* Source of MessageIDs/SessionId ("uuid:..." into out[WSMAN_UUID_SIZE]), for
 * deterministic tests; the default is a random version 4 UUID. Set it before the
 * first wsman_op_request. */
void wsman_op_set_uuid_source(struct wsman_op *op, void (*fn)(char *out, void *arg), void *arg);

/*
 * The error of an HTTP status that carries no SOAP to read (401, 503, a 500 with
 * an empty body, a 200 that is not XML): true and err set; false for a 200 or
 * 500 whose body is to be parsed. Shared by every backend.
 */
bool wsman_status_error(long status, const char *ct, size_t len, bool https, struct hosterr *err);

#endif
