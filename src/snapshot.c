#include "config.h"

#include "src/snapshot.h"

#include <stdlib.h>
#include <string.h>
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

void
host_snapshot_sort_jobs(struct host_snapshot *snap)
{
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
