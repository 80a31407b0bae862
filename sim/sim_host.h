/* sim_host: the BITS job model of one simulated host and its state machine. */
#ifndef BITSIM_SIM_HOST_H
#define BITSIM_SIM_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "src/bits_hresult.h"

/* BG_JOB_STATE values, as the State property carries them. */
enum sim_state {
	SIM_QUEUED = 0,
	SIM_CONNECTING = 1,
	SIM_TRANSFERRING = 2,
	SIM_SUSPENDED = 3,
	SIM_ERROR = 4,
	SIM_TRANSIENT_ERROR = 5,
	SIM_TRANSFERRED = 6,
	SIM_ACKNOWLEDGED = 7,
	SIM_CANCELLED = 8
};

/* SetJobState's JobState parameter. */
enum sim_action {
	SIM_ACT_CANCEL = 0,
	SIM_ACT_COMPLETE = 1,
	SIM_ACT_RESUME = 2,
	SIM_ACT_SUSPEND = 3
};

#define SIM_SIZE_UNKNOWN	UINT64_MAX
#define SIM_S_OK		0u
#define SIM_MAX_JOBS		300	/* MaxJobsPerMachine, BITS' default */
#define SIM_JOBS_LIMIT		10000	/* the most --max-jobs allows */
#define SIM_MAX_FILES		200	/* MaxFilesPerJob */

struct sim_file {
	char		*remote_url;
	char		*local_file;
	uint64_t	 bytes_total;	/* SIM_SIZE_UNKNOWN until connected */
	uint64_t	 bytes_transferred;
};

/* One job. Strings are owned; description NULL renders as xsi:nil. */
struct sim_job {
	char		 job_id[40];	/* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" */
	char		*display_name;
	char		*description;
	char		*owner;
	uint32_t	 priority;
	uint32_t	 min_retry_delay;
	uint32_t	 no_progress_timeout;
	uint32_t	 transient_errors;
	int		 type;		/* 0 download, 1 upload */
	enum sim_state	 state;
	struct sim_file	*files;
	size_t		 nfiles;
	double		 created;	/* simulated Unix seconds */
	double		 modified;
	double		 completed;	/* 0 until TRANSFERRED */
	/* simulation */
	uint64_t	 rng;
	uint64_t	 rate;		/* bytes per simulated second */
	double		 next_event;	/* next natural transition; while transferring,
					 * the start of the current stretch */
	uint64_t	 seg_bytes;	/* bytes transferred when that stretch began */
	double		 last_progress;
	double		 fail_at;	/* planned error while transferring; 0 none */
	int		 fail_fatal;
	double		 ack_at;	/* churn: when the owner completes a TRANSFERRED job */
	uint32_t	 error_code;	/* HRESULT for GetError, 0 none */
	uint32_t	 error_context;	/* BG_ERROR_CONTEXT */
};

/* A host's queue of jobs (owned) and its simulated clock. */
struct sim_host {
	int		  index;
	struct sim_job	**jobs;
	size_t		  njobs;
	size_t		  cap;
	uint64_t	  rng;
	double		  now;		/* simulated Unix seconds reached so far */
	int		  create_suspended;	/* CreateJob default when Suspend is absent */
	size_t		  max_jobs;	/* MaxJobsPerMachine (CreateJob refuses past it) */
	double		  churn;	/* mean simulated seconds between new jobs; 0 = off */
	double		  next_arrival;	/* churn: simulated time of the next new job */
	int		  arrivals;	/* churn: jobs created so far (names and patterns) */
	size_t		  target_jobs;	/* churn: arrivals stop while the queue is this full */
};

/* Fill host index with njobs seeded jobs at simulated time now. */
void sim_host_init(struct sim_host *h, int index, uint64_t seed, int njobs, double now);
void sim_host_done(struct sim_host *h);
/* Run the natural transitions of every job up to simulated time t. */
void sim_host_advance(struct sim_host *h, double t);
/*
 * Turn on churn: owners complete TRANSFERRED jobs a little after they finish
 * (the jobs leave the queue) and new jobs arrive about every mean_seconds, while
 * the queue holds fewer jobs than at start. Events are processed in simulated-time
 * order, so the result does not depend on how often the host is read.
 */
void sim_host_set_churn(struct sim_host *h, double mean_seconds);
/* The job with this id (braces, any case), or NULL. */
struct sim_job *sim_host_find(struct sim_host *h, const char *job_id);
/* Apply SetJobState; returns an HRESULT (0 on success). A job reaching a
 * final state is removed and freed, so *jp is set to NULL then. */
uint32_t sim_host_set_state(struct sim_host *h, struct sim_job **jp, int action);
/* CreateJob. remote/local may both be NULL (a job with no files). Returns an
 * HRESULT; on success *out is the new job (owned by the host). */
uint32_t sim_host_create_job(struct sim_host *h, const char *name, const char *remote,
    const char *local, int account, int type, int suspend, const char *desc,
    struct sim_job **out);
/* AddFile; returns an HRESULT. */
uint32_t sim_host_add_file(struct sim_host *h, struct sim_job *j, const char *remote,
    const char *local);
/* GetError: HRESULT of the call; the job's error through the out parameters. */
uint32_t sim_host_get_error(const struct sim_job *j, uint32_t *context, uint32_t *code,
    const char **context_desc, const char **error_desc);
/* Derived totals. */
uint64_t sim_job_bytes_total(const struct sim_job *j);
uint64_t sim_job_bytes_transferred(const struct sim_job *j);
uint32_t sim_job_files_transferred(const struct sim_job *j);
/* Set a writable string property (takes a copy; value NULL = nil). */
void sim_job_set_string(struct sim_job *j, char **field, const char *value, double now);

/* Random numbers: splitmix64 step and a value in [0, n). */
uint64_t sim_rand_next(uint64_t *state);
uint64_t sim_rand_below(uint64_t *state, uint64_t n);
/* Write an upper-case GUID ("XXXXXXXX-XXXX-...") of 36 chars plus NUL. */
void sim_rand_guid(uint64_t *state, char out[37]);
/* FILETIME ticks for simulated Unix seconds. */
uint64_t sim_filetime(double unix_seconds);

#endif
