/*
 * bits_job: the BITS job model (BitsClientJob / BitsClientFile, doc/protocol.md §4).
 *
 * Every property keeps the three wire cases apart: absent (element missing),
 * nil (xsi:nil="true") and set (possibly the empty string). Integers are exact
 * uint64 (never a double). BytesTotal 18446744073709551615 is BG_SIZE_UNKNOWN.
 */
#ifndef BITSTOP_BITS_JOB_H
#define BITSTOP_BITS_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define BITS_SIZE_UNKNOWN UINT64_MAX
/* FILETIME ticks (100 ns since 1601-01-01) at the Unix epoch. */
#define BITS_FILETIME_UNIX_EPOCH 116444736000000000ULL

enum bits_presence {
	BITS_ABSENT = 0,	/* element not in the instance */
	BITS_NIL,		/* xsi:nil="true" */
	BITS_SET		/* a value (a string may be "") */
};

struct bits_text {
	enum bits_presence p;
	bool	 shared;	/* s is in the intern pool (bits_intern): not freed */
	char	*s;		/* owned unless shared; non-NULL exactly when p == BITS_SET */
};

struct bits_u64 {
	enum bits_presence p;
	uint64_t v;		/* meaningful only when p == BITS_SET */
};

struct bits_bool {
	enum bits_presence p;
	bool	 v;
};

enum bits_state {
	BITS_STATE_QUEUED = 0,
	BITS_STATE_CONNECTING,
	BITS_STATE_TRANSFERRING,
	BITS_STATE_SUSPENDED,
	BITS_STATE_ERROR,
	BITS_STATE_TRANSIENT_ERROR,
	BITS_STATE_TRANSFERRED,
	BITS_STATE_ACKNOWLEDGED,
	BITS_STATE_CANCELLED,
	BITS_STATE_COUNT
};

enum bits_priority {
	BITS_PRIORITY_FOREGROUND = 0,
	BITS_PRIORITY_HIGH,
	BITS_PRIORITY_NORMAL,
	BITS_PRIORITY_LOW,
	BITS_PRIORITY_COUNT
};

enum bits_job_type {
	BITS_TYPE_DOWNLOAD = 0,
	BITS_TYPE_UPLOAD,
	BITS_TYPE_UPLOAD_REPLY,
	BITS_TYPE_COUNT
};

/* SetJobState's JobState parameter (BP-SETSTATE). */
enum bits_set_state {
	BITS_SET_CANCEL = 0,
	BITS_SET_COMPLETE = 1,
	BITS_SET_RESUME = 2,
	BITS_SET_SUSPEND = 3
};

enum bits_error_context {
	BITS_CTX_NONE = 0,
	BITS_CTX_UNKNOWN,
	BITS_CTX_GENERAL_QUEUE_MANAGER,
	BITS_CTX_QUEUE_MANAGER_NOTIFICATION,
	BITS_CTX_LOCAL_FILE,
	BITS_CTX_REMOTE_FILE,
	BITS_CTX_GENERAL_TRANSPORT,
	BITS_CTX_REMOTE_APPLICATION,
	BITS_CTX_COUNT
};

struct bits_file {
	struct bits_text remote_url;
	struct bits_text local_file;
	struct bits_u64	 bytes_total;
	struct bits_u64	 bytes_transferred;
	struct bits_bool completed;
};

struct bits_job {
	struct bits_text job_id;		/* "{GUID}" */
	struct bits_text display_name;
	struct bits_text description;
	struct bits_text owner;
	struct bits_u64	 state;			/* enum bits_state */
	struct bits_u64	 priority;		/* enum bits_priority */
	struct bits_u64	 minimum_retry_delay;
	struct bits_u64	 no_progress_timeout;
	struct bits_u64	 creation_time;		/* FILETIME ticks */
	struct bits_u64	 modification_time;	/* JobLastModificationTime */
	struct bits_u64	 completion_time;
	struct bits_u64	 bytes_total;
	struct bits_u64	 bytes_transferred;
	struct bits_u64	 files_total;
	struct bits_u64	 files_transferred;
	struct bits_u64	 transient_error_count;
	enum bits_presence files_p;		/* ABSENT (the usual "no files"), NIL, or SET */
	struct bits_file *files;		/* owned array of nfiles */
	size_t	 nfiles;
	/* Hash of the item's bytes it was read from (0: not known), and whether it
	 * is only that: a job identical to the last poll's, to be taken from it. */
	uint64_t wire_hash;
	bool	 wire_reused;
};

/* GetError's output (BP-GETERR). */
struct bits_error_info {
	uint32_t error_context;			/* enum bits_error_context */
	uint32_t error_code;			/* HRESULT */
	char	*context_description;		/* owned, may be NULL */
	char	*error_description;		/* owned, may be NULL */
};

/* Names ("TRANSFERRING", "NORMAL", "DOWNLOAD", "REMOTE_FILE"); "UNKNOWN" when out of range. */
const char *bits_state_name(uint64_t state);
const char *bits_priority_name(uint64_t priority);
const char *bits_job_type_name(uint64_t type);
const char *bits_error_context_name(uint64_t ctx);
/* Parse a state / priority name, case-insensitively; -1 when unknown. */
int bits_state_from_name(const char *name);
int bits_priority_from_name(const char *name);

/* FILETIME ticks to Unix seconds; false for 0 (unset) or a time before 1970. */
bool bits_filetime_to_unix(uint64_t filetime, time_t *out);
/* Unix seconds to FILETIME ticks. */
uint64_t bits_unix_to_filetime(time_t t);
/* True when the job's BytesTotal is set and not BG_SIZE_UNKNOWN. */
bool bits_job_size_known(const struct bits_job *job);

/* Free what the job owns (not the struct itself); the job is zeroed. */
void bits_job_done(struct bits_job *job);
/* Deep copy. */
void bits_job_copy(struct bits_job *dst, const struct bits_job *src);
/*
 * A shared, read-only copy of s[0..n) for text that repeats across jobs and
 * hosts (display names, descriptions, owners, remote URLs), kept until exit;
 * NULL once the pool is full (then the caller keeps a copy of its own). Any
 * thread may call it.
 */
const char *bits_intern(const char *s, size_t n);
/* Free an array of n jobs and the array. */
void bits_jobs_free(struct bits_job *jobs, size_t n);
void bits_error_info_done(struct bits_error_info *info);

#endif
