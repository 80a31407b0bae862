#include "config.h"

#include "src/bits_job.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/xalloc.h"

/* Name tables, one designated array per enum (doc/protocol.md §4). */
static const char *const state_names[BITS_STATE_COUNT] = {
	[BITS_STATE_QUEUED] = "QUEUED",
	[BITS_STATE_CONNECTING] = "CONNECTING",
	[BITS_STATE_TRANSFERRING] = "TRANSFERRING",
	[BITS_STATE_SUSPENDED] = "SUSPENDED",
	[BITS_STATE_ERROR] = "ERROR",
	[BITS_STATE_TRANSIENT_ERROR] = "TRANSIENT_ERROR",
	[BITS_STATE_TRANSFERRED] = "TRANSFERRED",
	[BITS_STATE_ACKNOWLEDGED] = "ACKNOWLEDGED",
	[BITS_STATE_CANCELLED] = "CANCELLED",
};
_Static_assert(sizeof(state_names) / sizeof(state_names[0]) == BITS_STATE_COUNT,
    "one name per job state");

static const char *const priority_names[BITS_PRIORITY_COUNT] = {
	[BITS_PRIORITY_FOREGROUND] = "FOREGROUND",
	[BITS_PRIORITY_HIGH] = "HIGH",
	[BITS_PRIORITY_NORMAL] = "NORMAL",
	[BITS_PRIORITY_LOW] = "LOW",
};
_Static_assert(sizeof(priority_names) / sizeof(priority_names[0]) == BITS_PRIORITY_COUNT,
    "one name per priority");

static const char *const type_names[BITS_TYPE_COUNT] = {
	[BITS_TYPE_DOWNLOAD] = "DOWNLOAD",
	[BITS_TYPE_UPLOAD] = "UPLOAD",
	[BITS_TYPE_UPLOAD_REPLY] = "UPLOAD_REPLY",
};
_Static_assert(sizeof(type_names) / sizeof(type_names[0]) == BITS_TYPE_COUNT,
    "one name per job type");

static const char *const context_names[BITS_CTX_COUNT] = {
	[BITS_CTX_NONE] = "NONE",
	[BITS_CTX_UNKNOWN] = "UNKNOWN",
	[BITS_CTX_GENERAL_QUEUE_MANAGER] = "GENERAL_QUEUE_MANAGER",
	[BITS_CTX_QUEUE_MANAGER_NOTIFICATION] = "QUEUE_MANAGER_NOTIFICATION",
	[BITS_CTX_LOCAL_FILE] = "LOCAL_FILE",
	[BITS_CTX_REMOTE_FILE] = "REMOTE_FILE",
	[BITS_CTX_GENERAL_TRANSPORT] = "GENERAL_TRANSPORT",
	[BITS_CTX_REMOTE_APPLICATION] = "REMOTE_APPLICATION",
};
_Static_assert(sizeof(context_names) / sizeof(context_names[0]) == BITS_CTX_COUNT,
    "one name per error context");

/* Look v up in a table of n names; "UNKNOWN" when out of range. */
static const char *
name_of(const char *const *names, size_t n, uint64_t v)
{
	return v < n ? names[v] : "UNKNOWN";
}

/* Index of name in a table of n names, case-insensitively; -1 when absent. */
static int
index_of(const char *const *names, size_t n, const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcasecmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
bits_state_name(uint64_t state)
{
	return name_of(state_names, BITS_STATE_COUNT, state);
}

const char *
bits_priority_name(uint64_t priority)
{
	return name_of(priority_names, BITS_PRIORITY_COUNT, priority);
}

const char *
bits_job_type_name(uint64_t type)
{
	return name_of(type_names, BITS_TYPE_COUNT, type);
}

const char *
bits_error_context_name(uint64_t ctx)
{
	return name_of(context_names, BITS_CTX_COUNT, ctx);
}

int
bits_state_from_name(const char *name)
{
	return index_of(state_names, BITS_STATE_COUNT, name);
}

int
bits_priority_from_name(const char *name)
{
	return index_of(priority_names, BITS_PRIORITY_COUNT, name);
}

bool
bits_filetime_to_unix(uint64_t filetime, time_t *out)
{
	uint64_t secs;

	if (filetime == 0 || filetime < BITS_FILETIME_UNIX_EPOCH)
		return false;
	secs = (filetime - BITS_FILETIME_UNIX_EPOCH) / 10000000ULL;
	/* Refuse what a (possibly 32-bit) time_t cannot hold. */
	if ((uint64_t)(time_t)secs != secs || (time_t)secs < 0)
		return false;
	*out = (time_t)secs;
	return true;
}

uint64_t
bits_unix_to_filetime(time_t t)
{
	if (t < 0)
		return 0;
	if ((uint64_t)t > (UINT64_MAX - BITS_FILETIME_UNIX_EPOCH) / 10000000ULL)
		return UINT64_MAX;
	return (uint64_t)t * 10000000ULL + BITS_FILETIME_UNIX_EPOCH;
}

bool
bits_job_size_known(const struct bits_job *job)
{
	return job->bytes_total.p == BITS_SET && job->bytes_total.v != BITS_SIZE_UNKNOWN;
}

/* Free a text property and mark it absent. */
static void
text_done(struct bits_text *t)
{
	if (!t->shared)
		free(t->s);
	t->s = NULL;
	t->shared = false;
	t->p = BITS_ABSENT;
}

/* Deep copy of a text property (a shared text is shared again). */
static void
text_copy(struct bits_text *dst, const struct bits_text *src)
{
	dst->p = src->p;
	dst->shared = src->shared && src->p == BITS_SET;
	dst->s = src->p != BITS_SET ? NULL : dst->shared ? src->s : xstrdup_or_null(src->s);
}

/*
 * The intern pool: an open-addressing set of strings kept in 64 KiB chunks,
 * bounded (a server sending ever new names fills it, then texts are copied as
 * before), never freed: the texts live as long as the jobs that point to them.
 */
#define INTERN_SLOTS	(1u << 17)	/* at most half used */
#define INTERN_MAX_LEN	512
#define INTERN_MAX_BYTES ((size_t)8 << 20)
#define INTERN_CHUNK	((size_t)64 << 10)

static struct {
	pthread_mutex_t lock;
	const char **slot;
	size_t	 used;
	char	*chunk;		/* current chunk, and room left in it */
	size_t	 room;
	size_t	 bytes;
} intern = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* FNV-1a of n bytes. */
static uint32_t
intern_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

const char *
bits_intern(const char *s, size_t n)
{
	uint32_t i;
	const char *out = NULL;

	if (n > INTERN_MAX_LEN || memchr(s, '\0', n) != NULL)
		return NULL;
	i = intern_hash(s, n) & (INTERN_SLOTS - 1);
	pthread_mutex_lock(&intern.lock);
	if (intern.slot == NULL)
		intern.slot = xcalloc(INTERN_SLOTS, sizeof *intern.slot);
	for (;; i = (i + 1) & (INTERN_SLOTS - 1)) {
		const char *t = intern.slot[i];

		if (t == NULL)
			break;
		if (strncmp(t, s, n) == 0 && t[n] == '\0') {
			out = t;
			goto done;
		}
	}
	if (intern.used >= INTERN_SLOTS / 2 || intern.bytes + n + 1 > INTERN_MAX_BYTES)
		goto done;
	if (intern.room < n + 1) {
		intern.chunk = xmalloc(INTERN_CHUNK);
		intern.room = INTERN_CHUNK;
	}
	memcpy(intern.chunk, s, n);
	intern.chunk[n] = '\0';
	out = intern.slot[i] = intern.chunk;
	intern.chunk += n + 1;
	intern.room -= n + 1;
	intern.bytes += n + 1;
	intern.used++;
done:
	pthread_mutex_unlock(&intern.lock);
	return out;
}

/* Free what one file owns. */
static void
file_done(struct bits_file *f)
{
	text_done(&f->remote_url);
	text_done(&f->local_file);
	memset(f, 0, sizeof(*f));
}

void
bits_job_done(struct bits_job *job)
{
	size_t i;

	if (job == NULL)
		return;
	text_done(&job->job_id);
	text_done(&job->display_name);
	text_done(&job->description);
	text_done(&job->owner);
	for (i = 0; i < job->nfiles; i++)
		file_done(&job->files[i]);
	free(job->files);
	memset(job, 0, sizeof(*job));
}

void
bits_job_copy(struct bits_job *dst, const struct bits_job *src)
{
	size_t i;

	*dst = *src;
	text_copy(&dst->job_id, &src->job_id);
	text_copy(&dst->display_name, &src->display_name);
	text_copy(&dst->description, &src->description);
	text_copy(&dst->owner, &src->owner);
	dst->files = NULL;
	if (src->nfiles > 0) {
		dst->files = xreallocarray(NULL, src->nfiles, sizeof(*dst->files));
		for (i = 0; i < src->nfiles; i++) {
			dst->files[i] = src->files[i];
			text_copy(&dst->files[i].remote_url, &src->files[i].remote_url);
			text_copy(&dst->files[i].local_file, &src->files[i].local_file);
		}
	}
}

void
bits_jobs_free(struct bits_job *jobs, size_t n)
{
	size_t i;

	if (jobs == NULL)
		return;
	for (i = 0; i < n; i++)
		bits_job_done(&jobs[i]);
	free(jobs);
}

void
bits_error_info_done(struct bits_error_info *info)
{
	if (info == NULL)
		return;
	free(info->context_description);
	free(info->error_description);
	memset(info, 0, sizeof(*info));
}
