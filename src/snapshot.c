#include "config.h"

#include "src/snapshot.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "src/xalloc.h"

struct host_snapshot *
host_snapshot_new(size_t host)
{
	struct host_snapshot *snap = xcalloc(1, sizeof *snap);

	snap->host = host;
	return snap;
}

void
host_snapshot_free(struct host_snapshot *snap)
{
	if (snap == NULL)
		return;
	hosterr_clear(&snap->error);
	bits_jobs_free(snap->jobs, snap->njobs);
	free(snap->warning);
	free(snap);
}

/* Order by creation time, then JobId, so that output is stable. */
static int
job_cmp_created(const void *a, const void *b)
{
	const struct bits_job *x = a, *y = b;
	uint64_t tx = x->creation_time.p == BITS_SET ? x->creation_time.v : 0;
	uint64_t ty = y->creation_time.p == BITS_SET ? y->creation_time.v : 0;

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return strcmp(x->job_id.s ? x->job_id.s : "", y->job_id.s ? y->job_id.s : "");
}

/* The JobId of job, or NULL when it has none. */
static const char *
job_id_of(const struct bits_job *job)
{
	return job->job_id.p == BITS_SET && job->job_id.s != NULL && job->job_id.s[0] != '\0' ?
	    job->job_id.s : NULL;
}

/* A job's JobId and its place in the answer, for finding repeats. */
struct id_at {
	const char *id;
	size_t	 at;
};

/* Order by JobId (any case), then by place in the answer. */
static int
id_at_cmp(const void *a, const void *b)
{
	const struct id_at *x = a, *y = b;
	int c = strcasecmp(x->id, y->id);

	return c != 0 ? c : x->at < y->at ? -1 : x->at > y->at;
}

/* Drop jobs without a JobId and repeats of one (the first kept), noting it in snap->warning. */
static void
host_snapshot_check_ids(struct host_snapshot *snap)
{
	struct id_at *idx;
	size_t n = 0, noid = 0, dup = 0, out = 0, i;
	bool *drop;

	if (snap->njobs == 0)
		return;
	idx = xreallocarray(NULL, snap->njobs, sizeof *idx);
	drop = xcalloc(snap->njobs, sizeof *drop);
	for (i = 0; i < snap->njobs; i++) {
		if (snap->jobs[i].wire_reused)
			continue;	/* the last poll's job, filled in (and checked) by the model */
		if (job_id_of(&snap->jobs[i]) == NULL) {
			drop[i] = true;
			noid++;
		} else {
			idx[n].id = job_id_of(&snap->jobs[i]);
			idx[n++].at = i;
		}
	}
	qsort(idx, n, sizeof *idx, id_at_cmp);
	for (i = 1; i < n; i++)
		if (strcasecmp(idx[i].id, idx[i - 1].id) == 0) {
			drop[idx[i].at] = true;
			dup++;
		}
	if (noid + dup > 0) {
		for (i = 0; i < snap->njobs; i++) {
			if (drop[i])
				bits_job_done(&snap->jobs[i]);
			else
				snap->jobs[out++] = snap->jobs[i];
		}
		snap->njobs = out;
		free(snap->warning);
		if (noid > 0 && dup > 0)
			snap->warning = xasprintf("%zu job%s without a JobId and %zu repeated JobId%s "
			    "ignored (the first listing kept)", noid, noid > 1 ? "s" : "", dup,
			    dup > 1 ? "s" : "");
		else if (noid > 0)
			snap->warning = xasprintf("%zu job%s without a JobId ignored", noid,
			    noid > 1 ? "s" : "");
		else
			snap->warning = xasprintf("%zu repeated JobId%s ignored (the first listing "
			    "kept)", dup, dup > 1 ? "s" : "");
	}
	free(drop);
	free(idx);
}

void
host_snapshot_sort_jobs(struct host_snapshot *snap)
{
	host_snapshot_check_ids(snap);
	if (snap->njobs > 1)
		qsort(snap->jobs, snap->njobs, sizeof *snap->jobs, job_cmp_created);
}

int64_t
time_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "wmi", "shell", or NULL for HOST_BACKEND_NONE. */
const char *
host_backend_name(enum host_backend b)
{
	switch (b) {
	case HOST_BACKEND_WMI:
		return "wmi";
	case HOST_BACKEND_SHELL:
		return "shell";
	case HOST_BACKEND_NONE:
		break;
	}
	return NULL;
}
