#include "config.h"

#include "sim/sim_host.h"
#include "src/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Each job carries its own random state, so the natural transitions it goes
 * through depend only on the seed and on simulated time, never on how often
 * or in which order clients look at the host.
 */

struct sim_err {
	uint32_t	 code;
	uint32_t	 context;
	const char	*text;
};

static const struct sim_err sim_fatal_errors[] = {
	{ 0x80190194u, 5, "HTTP status 404: The requested URL does not exist on the server." },
	{ 0x80190193u, 5, "HTTP status 403: The client does not have sufficient access rights "
	    "to the requested server object." },
	{ 0x80070005u, 4, "Access is denied." },
	{ 0x80070070u, 4, "There is not enough space on the disk." },
	{ 0x80072EE7u, 6, "The server name or address could not be resolved" },
};

static const struct sim_err sim_transient_errors[] = {
	{ 0x80072EE2u, 6, "The operation timed out" },
	{ 0x80072EFEu, 6, "The connection with the server was terminated abnormally" },
	{ 0x80200010u, 6, "A connection could not be established because the network is disconnected." },
	{ 0x801901F7u, 5, "HTTP status 503: The service is temporarily overloaded." },
};

static const char *const sim_context_text[] = {
	"",
	"An unknown error occurred.",
	"The error occurred in the Background Intelligent Transfer Service (BITS) queue manager.",
	"The error occurred while the queue manager was notifying the program.",
	"The error occurred while the local file was being processed. Verify that the file is "
	    "not in use, and then try again.",
	"The error occurred while the remote file was being processed.",
	"The error occurred in the transport layer. The client could not connect to the server.",
	"The error occurred while the remote application was processing the request.",
};

/* Names alternate between ASCII and non-ASCII so that a few jobs show both. */
static const char *const sim_names[] = {
	"Windows Update KB5034441",
	"Mise à jour du catalogue",
	"SCCM content 0x1F2A",
	"Обновление драйверов",
	"Defender signatures",
	"更新パッケージ ダウンロード",
	"Office click-to-run",
	"Sauvegarde nocturne – serveur Zürich",
	"VMM template sync",
	"📦 package mirror",
	"Teams machine-wide installer",
	"Σύγχρονισμός αρχείων",
};

static const char *const sim_owners[] = {
	"NT AUTHORITY\\SYSTEM",
	"NT AUTHORITY\\NETWORK SERVICE",
	"CONTOSO\\svc-sccm",
	"NT AUTHORITY\\LOCAL SERVICE",
	"CONTOSO\\jürgen.müller",
	"BUILTIN\\Administrators",
};

static const char *const sim_descriptions[] = {
	"Scheduled content download",
	"Retry after maintenance window & reboot",
	"Téléchargement planifié",
};

static const char *const sim_hosts[] = {
	"dl.contoso.com", "wsus01.contoso.local", "cdn.example.net", "10.20.30.40",
};

/* Initial states cycle through this pattern (offset per host). */
static const enum sim_state sim_pattern[] = {
	SIM_TRANSFERRING, SIM_QUEUED, SIM_SUSPENDED, SIM_TRANSFERRED, SIM_TRANSIENT_ERROR,
	SIM_CONNECTING, SIM_ERROR, SIM_TRANSFERRING, SIM_SUSPENDED, SIM_TRANSFERRING,
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Random numbers: splitmix64 step and a value in [0, n). */
uint64_t
sim_rand_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* A random value in [0, n). */
uint64_t
sim_rand_below(uint64_t *state, uint64_t n)
{
	return n == 0 ? 0 : sim_rand_next(state) % n;
}

/* Write an upper-case GUID ("XXXXXXXX-XXXX-...") of 36 chars plus NUL. */
void
sim_rand_guid(uint64_t *state, char out[37])
{
	uint64_t a = sim_rand_next(state), b = sim_rand_next(state);

	snprintf(out, 37, "%08X-%04X-%04X-%04X-%012llX",
	    (unsigned)(a >> 32), (unsigned)((a >> 16) & 0xFFFF),
	    (unsigned)((a & 0x0FFF) | 0x4000), (unsigned)(((b >> 48) & 0x3FFF) | 0x8000),
	    (unsigned long long)(b & 0xFFFFFFFFFFFFull));
}

/* FILETIME ticks for simulated Unix seconds. */
uint64_t
sim_filetime(double unix_seconds)
{
	if (unix_seconds <= 0)
		return 0;
	return (uint64_t)(unix_seconds * 10000000.0) + 116444736000000000ull;
}

/* Derived totals. */
uint64_t
sim_job_bytes_total(const struct sim_job *j)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < j->nfiles; i++) {
		if (j->files[i].bytes_total == SIM_SIZE_UNKNOWN)
			return SIM_SIZE_UNKNOWN;
		sum += j->files[i].bytes_total;
	}
	return sum;
}

/* Bytes transferred over all files. */
uint64_t
sim_job_bytes_transferred(const struct sim_job *j)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < j->nfiles; i++)
		sum += j->files[i].bytes_transferred;
	return sum;
}

/* Files whose every byte has arrived. */
uint32_t
sim_job_files_transferred(const struct sim_job *j)
{
	uint32_t n = 0;

	for (size_t i = 0; i < j->nfiles; i++)
		if (j->files[i].bytes_total != SIM_SIZE_UNKNOWN &&
		    j->files[i].bytes_transferred == j->files[i].bytes_total)
			n++;
	return n;
}

/* Set a writable string property (takes a copy; value NULL = nil). */
void
sim_job_set_string(struct sim_job *j, char **field, const char *value, double now)
{
	free(*field);
	*field = xstrdup_or_null(value);
	j->modified = now;
}

/* A log-uniform file size between 4 KiB and about 4 GiB. */
static uint64_t
sim_random_size(uint64_t *rng)
{
	unsigned shift = 12 + (unsigned)sim_rand_below(rng, 20);

	return ((uint64_t)1 << shift) + sim_rand_below(rng, (uint64_t)1 << shift);
}

/* Give every file of j a known size. */
static void
sim_job_learn_sizes(struct sim_job *j)
{
	for (size_t i = 0; i < j->nfiles; i++)
		if (j->files[i].bytes_total == SIM_SIZE_UNKNOWN)
			j->files[i].bytes_total = sim_random_size(&j->rng);
}

/* Append a file (copies the strings). */
static void
sim_job_push_file(struct sim_job *j, const char *remote, const char *local, uint64_t total)
{
	struct sim_file *f;

	j->files = xreallocarray(j->files, j->nfiles + 1, sizeof *j->files);
	f = &j->files[j->nfiles++];
	f->remote_url = xstrdup(remote);
	f->local_file = xstrdup(local);
	f->bytes_total = total;
	f->bytes_transferred = 0;
}

/* Spread n bytes of progress over the files in order; returns bytes used. */
static uint64_t
sim_job_add_bytes(struct sim_job *j, uint64_t n)
{
	uint64_t used = 0;

	for (size_t i = 0; i < j->nfiles && n > 0; i++) {
		struct sim_file *f = &j->files[i];
		uint64_t left = f->bytes_total - f->bytes_transferred;
		uint64_t take = n < left ? n : left;

		f->bytes_transferred += take;
		n -= take;
		used += take;
	}
	return used;
}

/* Decide whether (and when) the transfer now starting at t will fail. */
static void
sim_job_plan_failure(struct sim_job *j, double t)
{
	uint64_t r = sim_rand_below(&j->rng, 100);

	j->fail_at = 0;
	j->fail_fatal = 0;
	if (r < 10) {
		j->fail_at = t + 2 + (double)sim_rand_below(&j->rng, 90);
		j->fail_fatal = r < 3;
	}
}

/* Put the job in an error state with a random error of the right kind. */
static void
sim_job_fail(struct sim_job *j, int fatal, double t)
{
	const struct sim_err *e;

	if (fatal)
		e = &sim_fatal_errors[sim_rand_below(&j->rng, NELEM(sim_fatal_errors))];
	else
		e = &sim_transient_errors[sim_rand_below(&j->rng, NELEM(sim_transient_errors))];
	j->error_code = e->code;
	j->error_context = e->context;
	j->state = fatal ? SIM_ERROR : SIM_TRANSIENT_ERROR;
	j->modified = t;
	j->fail_at = 0;
	if (!fatal) {
		j->transient_errors++;
		j->next_event = t + j->min_retry_delay;
	} else
		j->next_event = 0;
}

/* Enter QUEUED at t: it will start connecting a little later. */
static void
sim_job_queue(struct sim_job *j, double t)
{
	j->state = SIM_QUEUED;
	j->modified = t;
	j->next_event = t + 1 + (double)sim_rand_below(&j->rng, 3);
}

/* Start transferring at t. */
static void
sim_job_start_transfer(struct sim_job *j, double t)
{
	sim_job_learn_sizes(j);
	j->state = SIM_TRANSFERRING;
	j->modified = t;
	j->next_event = t;
	j->seg_bytes = sim_job_bytes_transferred(j);
	sim_job_plan_failure(j, t);
}

/* Advance one job to time t through as many transitions as fall before it. */
static void
sim_job_advance(struct sim_job *j, double t)
{
	for (int guard = 0; guard < 10000; guard++) {
		switch (j->state) {
		case SIM_QUEUED:
			if (j->next_event == 0 || j->next_event > t)
				return;
			j->state = SIM_CONNECTING;
			j->modified = j->next_event;
			j->next_event += 1 + (double)sim_rand_below(&j->rng, 2);
			break;
		case SIM_CONNECTING:
			if (j->next_event == 0 || j->next_event > t)
				return;
			sim_job_start_transfer(j, j->next_event);
			break;
		case SIM_TRANSFERRING: {
			/* bytes are a function of time since the stretch began, so
			 * the result does not depend on how often we look */
			uint64_t total = sim_job_bytes_total(j);
			uint64_t done = sim_job_bytes_transferred(j);
			double from = j->next_event;
			double finish = from + (double)(total - j->seg_bytes) / (double)j->rate;
			double until = t;
			uint64_t target;
			int ev = 0;	/* 1 finished, 2 failed */

			if (finish <= until) {
				until = finish;
				ev = 1;
			}
			if (j->fail_at > 0 && j->fail_at <= until) {
				until = j->fail_at;
				ev = 2;
			}
			target = ev == 1 ? total :
			    j->seg_bytes + (uint64_t)((until - from) * (double)j->rate);
			if (target > total)
				target = total;
			if (target > done && sim_job_add_bytes(j, target - done) > 0)
				j->modified = until;
			if (ev == 0)
				return;
			if (target > j->seg_bytes)
				j->last_progress = until;
			if (ev == 2) {
				sim_job_fail(j, j->fail_fatal, until);
				break;
			}
			j->state = SIM_TRANSFERRED;
			j->completed = until;
			j->modified = until;
			j->next_event = 0;
			j->ack_at = until + 20 + (double)sim_rand_below(&j->rng, 100);
			return;
		}
		case SIM_TRANSIENT_ERROR:
			if (j->next_event == 0 || j->next_event > t)
				return;
			if (j->next_event - j->last_progress > j->no_progress_timeout) {
				j->state = SIM_ERROR;
				j->modified = j->next_event;
				j->next_event = 0;
				return;
			}
			sim_job_queue(j, j->next_event);
			break;
		default:
			return;
		}
	}
}

/* Append a job to the queue (takes ownership). */
static void
sim_host_push(struct sim_host *h, struct sim_job *j)
{
	if (h->njobs == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 8;
		h->jobs = xreallocarray(h->jobs, h->cap, sizeof *h->jobs);
	}
	h->jobs[h->njobs++] = j;
}

/* Free a job and everything it owns. */
static void
sim_job_free(struct sim_job *j)
{
	if (j == NULL)
		return;
	for (size_t i = 0; i < j->nfiles; i++) {
		free(j->files[i].remote_url);
		free(j->files[i].local_file);
	}
	free(j->files);
	free(j->display_name);
	free(j->description);
	free(j->owner);
	free(j);
}

/* Remove j from the queue and free it. */
static void
sim_host_remove(struct sim_host *h, struct sim_job *j)
{
	for (size_t i = 0; i < h->njobs; i++) {
		if (h->jobs[i] == j) {
			memmove(&h->jobs[i], &h->jobs[i + 1], (h->njobs - i - 1) * sizeof *h->jobs);
			h->njobs--;
			break;
		}
	}
	sim_job_free(j);
}

/* A new job with defaults and a fresh id from rng. */
static struct sim_job *
sim_job_new(uint64_t *rng, double now)
{
	struct sim_job *j = xcalloc(1, sizeof *j);
	char guid[37];

	j->rng = sim_rand_next(rng);
	sim_rand_guid(&j->rng, guid);
	snprintf(j->job_id, sizeof j->job_id, "{%s}", guid);
	j->priority = 2;
	j->min_retry_delay = 600;
	j->no_progress_timeout = 1209600;
	j->created = now;
	j->modified = now;
	j->last_progress = now;
	j->state = SIM_SUSPENDED;
	j->rate = 65536;
	return j;
}

/* The seeded properties of a new job named name (the draws keep their order). */
static void
sim_seed_props(struct sim_job *j, const char *name, double now)
{
	static const uint32_t delays[] = { 600, 600, 300, 120, 60 };
	static const uint32_t timeouts[] = { 1209600, 1209600, 86400, 3600 };
	uint64_t *r = &j->rng;
	uint64_t pr = sim_rand_below(r, 10);

	j->display_name = xstrdup(name);
	j->owner = xstrdup(sim_owners[sim_rand_below(r, NELEM(sim_owners))]);
	switch (sim_rand_below(r, 6)) {
	case 0: case 1: j->description = NULL; break;
	case 2: j->description = xstrdup(""); break;
	default: j->description = xstrdup(sim_descriptions[sim_rand_below(r, NELEM(sim_descriptions))]);
	}
	j->priority = pr < 6 ? 2 : pr < 7 ? 0 : pr < 9 ? 1 : 3;
	j->min_retry_delay = delays[sim_rand_below(r, NELEM(delays))];
	j->no_progress_timeout = timeouts[sim_rand_below(r, NELEM(timeouts))];
	j->type = sim_rand_below(r, 10) == 0 ? 1 : 0;
	j->created = now - 60 - (double)sim_rand_below(r, 7 * 86400);
	j->rate = (uint64_t)16384 << sim_rand_below(r, 10);
}

/* The seeded files of a new job that starts in st; returns how many (0 to 3). */
static size_t
sim_seed_files(struct sim_job *j, enum sim_state st)
{
	uint64_t *r = &j->rng;
	size_t nfiles = j->type == 1 ? 1 : 1 + (size_t)sim_rand_below(r, 3);

	if (st == SIM_SUSPENDED && sim_rand_below(r, 4) == 0)
		nfiles = 0;	/* a fresh job nobody added files to */
	for (size_t k = 0; k < nfiles; k++) {
		const char *host = sim_hosts[sim_rand_below(r, NELEM(sim_hosts))];
		char *remote, *local;

		if (k == 1)
			remote = xasprintf("https://%s/get?id=%u&lang=fr-FR", host,
			    (unsigned)sim_rand_below(r, 100000));
		else
			remote = xasprintf("http://%s/content/pkg%03u/file%zu.cab", host,
			    (unsigned)sim_rand_below(r, 1000), k);
		local = xasprintf("C:\\ProgramData\\Cache\\%s\\file%zu.cab", j->job_id, k);
		if (j->type == 1) {
			char *tmp = remote;

			remote = xasprintf("https://%s/upload/report%zu.log", host, k);
			free(tmp);
		}
		sim_job_push_file(j, remote, local, SIM_SIZE_UNKNOWN);
		free(remote);
		free(local);
	}
	return nfiles;
}

/* Put a new job with nfiles files into its starting state st, as of now. */
static void
sim_seed_state(struct sim_job *j, enum sim_state st, size_t nfiles, double now)
{
	uint64_t *r = &j->rng;

	if (nfiles == 0)
		st = SIM_SUSPENDED;
	j->modified = j->created + (double)sim_rand_below(r, (uint64_t)(now - j->created));
	j->last_progress = j->modified;
	switch (st) {
	case SIM_QUEUED:
	case SIM_CONNECTING:
		j->state = st;
		j->next_event = now + 1 + (double)sim_rand_below(r, 5);
		break;
	case SIM_SUSPENDED:
		j->state = st;
		if (nfiles > 0 && sim_rand_below(r, 2) == 0) {
			sim_job_learn_sizes(j);
			sim_job_add_bytes(j, sim_rand_below(r, sim_job_bytes_total(j)));
		}
		break;
	case SIM_TRANSFERRING:
		sim_job_learn_sizes(j);
		sim_job_add_bytes(j, sim_rand_below(r, sim_job_bytes_total(j)));
		j->state = SIM_TRANSFERRING;
		j->next_event = now;
		j->seg_bytes = sim_job_bytes_transferred(j);
		sim_job_plan_failure(j, now);
		break;
	case SIM_ERROR:
	case SIM_TRANSIENT_ERROR:
		sim_job_learn_sizes(j);
		sim_job_add_bytes(j, sim_rand_below(r, sim_job_bytes_total(j)));
		sim_job_fail(j, st == SIM_ERROR, j->modified);
		if (st == SIM_TRANSIENT_ERROR)
			j->next_event = now + 5 + (double)sim_rand_below(r, j->min_retry_delay);
		break;
	default:
		sim_job_learn_sizes(j);
		sim_job_add_bytes(j, sim_job_bytes_total(j));
		j->state = SIM_TRANSFERRED;
		j->completed = j->modified;
		break;
	}
}

/* Generate seeded job number i of host h in its starting state. */
static struct sim_job *
sim_host_seed_job(struct sim_host *h, int i, double now)
{
	struct sim_job *j = sim_job_new(&h->rng, now);
	enum sim_state st = sim_pattern[((size_t)h->index * 3 + (size_t)i) % NELEM(sim_pattern)];

	sim_seed_props(j, sim_names[((size_t)h->index + (size_t)i) % NELEM(sim_names)], now);
	sim_seed_state(j, st, sim_seed_files(j, st), now);
	return j;
}

/* The earliest owner acknowledgement due by t, or NULL. */
static struct sim_job *
sim_host_next_ack(struct sim_host *h, double t)
{
	struct sim_job *best = NULL;

	for (size_t i = 0; i < h->njobs; i++) {
		struct sim_job *j = h->jobs[i];

		if (j->state == SIM_TRANSFERRED && j->ack_at > 0 && j->ack_at <= t &&
		    (best == NULL || j->ack_at < best->ack_at))
			best = j;
	}
	return best;
}

/* A new job arriving at time at: queued, created now, transferring soon. */
static void
sim_host_arrive(struct sim_host *h, double at, double t)
{
	struct sim_job *j = sim_host_seed_job(h, h->arrivals++, at);

	if (j->nfiles == 0) {
		sim_job_push_file(j, "http://wsus01.contoso.local/content/new/update.cab",
		    "C:\\ProgramData\\Cache\\update.cab", SIM_SIZE_UNKNOWN);
	}
	for (size_t k = 0; k < j->nfiles; k++) {
		j->files[k].bytes_transferred = 0;
		j->files[k].bytes_total = SIM_SIZE_UNKNOWN;
	}
	j->created = j->modified = j->last_progress = at;
	j->completed = 0;
	j->transient_errors = 0;
	j->error_code = j->error_context = 0;
	j->fail_at = 0;
	j->state = SIM_QUEUED;
	j->next_event = at + 1 + (double)sim_rand_below(&j->rng, 4);
	sim_job_advance(j, t);
	sim_host_push(h, j);
}

/* Run the natural transitions of every job up to simulated time t. */
void
sim_host_advance(struct sim_host *h, double t)
{
	if (t <= h->now)
		return;
	for (size_t i = 0; i < h->njobs; i++)
		sim_job_advance(h->jobs[i], t);
	while (h->churn > 0) {
		struct sim_job *ack = sim_host_next_ack(h, t);
		double arrive = h->next_arrival <= t ? h->next_arrival : 0;

		if (ack != NULL && (arrive == 0 || ack->ack_at <= arrive)) {
			sim_host_remove(h, ack);	/* completed by its owner: leaves the queue */
			continue;
		}
		if (arrive == 0)
			break;
		if (h->njobs < h->target_jobs && h->njobs < h->max_jobs)
			sim_host_arrive(h, arrive, t);
		h->next_arrival = arrive + h->churn / 2 + (double)sim_rand_below(&h->rng,
		    (uint64_t)h->churn + 1);
	}
	h->now = t;
}

/* Turn on churn (see sim_host.h). */
void
sim_host_set_churn(struct sim_host *h, double mean_seconds)
{
	h->churn = mean_seconds;
	h->target_jobs = h->njobs;
	h->next_arrival = h->now + mean_seconds / 2 + (double)sim_rand_below(&h->rng,
	    (uint64_t)mean_seconds + 1);
	for (size_t i = 0; i < h->njobs; i++) {
		struct sim_job *j = h->jobs[i];

		if (j->state == SIM_TRANSFERRED)
			j->ack_at = h->now + 20 + (double)sim_rand_below(&j->rng, 200);
	}
}

/* Fill host index with njobs seeded jobs at simulated time now. */
void
sim_host_init(struct sim_host *h, int index, uint64_t seed, int njobs, double now)
{
	memset(h, 0, sizeof *h);
	h->index = index;
	h->rng = seed ^ ((uint64_t)(index + 1) * 0xD1B54A32D192ED03ull);
	(void)sim_rand_next(&h->rng);
	h->now = now;
	h->create_suspended = 1;
	h->max_jobs = (size_t)njobs > SIM_MAX_JOBS ? (size_t)njobs : SIM_MAX_JOBS;
	for (int i = 0; i < njobs && i < SIM_JOBS_LIMIT; i++)
		sim_host_push(h, sim_host_seed_job(h, i, now));
}

/* Free every job of the host. */
void
sim_host_done(struct sim_host *h)
{
	for (size_t i = 0; i < h->njobs; i++)
		sim_job_free(h->jobs[i]);
	free(h->jobs);
	h->jobs = NULL;
	h->njobs = h->cap = 0;
}

/* The job with this id (braces, any case), or NULL. */
struct sim_job *
sim_host_find(struct sim_host *h, const char *job_id)
{
	char buf[40];

	if (job_id == NULL)
		return NULL;
	/* accept the GUID with or without braces */
	if (job_id[0] != '{') {
		snprintf(buf, sizeof buf, "{%.37s}", job_id);
		job_id = buf;
	}
	for (size_t i = 0; i < h->njobs; i++)
		if (strcasecmp(h->jobs[i]->job_id, job_id) == 0)
			return h->jobs[i];
	return NULL;
}

/* SetJobState; returns an HRESULT. A job reaching a final state is freed (*jp = NULL). */
uint32_t
sim_host_set_state(struct sim_host *h, struct sim_job **jp, int action)
{
	struct sim_job *j = *jp;
	enum sim_state st = j->state;
	double t = h->now;

	if (st == SIM_ACKNOWLEDGED || st == SIM_CANCELLED)
		return BITS_HR_BG_E_INVALID_STATE;
	switch (action) {
	case SIM_ACT_CANCEL:
		sim_host_remove(h, j);
		*jp = NULL;
		return SIM_S_OK;
	case SIM_ACT_COMPLETE: {
		uint32_t hr = SIM_S_OK;

		if (st != SIM_TRANSFERRED) {
			if (j->type != 0)
				return BITS_HR_BG_E_INVALID_STATE;
			if (sim_job_files_transferred(j) < j->nfiles)
				hr = 0x00200017u;	/* BG_S_PARTIAL_COMPLETE */
		}
		sim_host_remove(h, j);
		*jp = NULL;
		return hr;
	}
	case SIM_ACT_RESUME:
		if (st == SIM_SUSPENDED || st == SIM_ERROR || st == SIM_TRANSIENT_ERROR) {
			if (j->nfiles == 0)
				return BITS_HR_BG_E_EMPTY;
			sim_job_queue(j, t);
		}
		return SIM_S_OK;
	case SIM_ACT_SUSPEND:
		if (st == SIM_QUEUED || st == SIM_CONNECTING || st == SIM_TRANSFERRING ||
		    st == SIM_ERROR || st == SIM_TRANSIENT_ERROR) {
			j->state = SIM_SUSPENDED;
			j->modified = t;
			j->next_event = 0;
			j->fail_at = 0;
		}
		return SIM_S_OK;
	default:
		return BITS_HR_E_INVALIDARG;
	}
}

/* CreateJob (no files when remote and local are NULL); returns an HRESULT. */
uint32_t
sim_host_create_job(struct sim_host *h, const char *name, const char *remote,
    const char *local, int account, int type, int suspend, const char *desc,
    struct sim_job **out)
{
	static const char *const accounts[] = { "NT AUTHORITY\\SYSTEM",
	    "NT AUTHORITY\\LOCAL SERVICE", "NT AUTHORITY\\NETWORK SERVICE" };
	struct sim_job *j;

	*out = NULL;
	if (name == NULL || strlen(name) > 256 || account < 0 || account > 2 ||
	    type < 0 || type > 1 || (remote == NULL) != (local == NULL))
		return BITS_HR_E_INVALIDARG;
	if (h->njobs >= h->max_jobs)
		return BITS_HR_BG_E_TOO_MANY_JOBS_PER_MACHINE;
	j = sim_job_new(&h->rng, h->now);
	j->display_name = xstrdup(name);
	j->description = desc != NULL ? xstrdup(desc) : NULL;
	j->owner = xstrdup(accounts[account]);
	j->type = type;
	j->rate = (uint64_t)65536 << sim_rand_below(&j->rng, 8);
	if (remote != NULL)
		sim_job_push_file(j, remote, local, SIM_SIZE_UNKNOWN);
	if (suspend < 0)
		suspend = h->create_suspended;
	if (!suspend && j->nfiles > 0)
		sim_job_queue(j, h->now);
	sim_host_push(h, j);
	*out = j;
	return SIM_S_OK;
}

/* AddFile; returns an HRESULT. */
uint32_t
sim_host_add_file(struct sim_host *h, struct sim_job *j, const char *remote, const char *local)
{
	if (remote == NULL || local == NULL)
		return BITS_HR_E_INVALIDARG;
	if (j->state == SIM_TRANSFERRED || j->state == SIM_ACKNOWLEDGED ||
	    j->state == SIM_CANCELLED)
		return BITS_HR_BG_E_INVALID_STATE;
	if (j->type == 1 && j->nfiles >= 1)
		return BITS_HR_BG_E_TOO_MANY_FILES;
	if (j->nfiles >= SIM_MAX_FILES)
		return BITS_HR_BG_E_TOO_MANY_FILES_IN_JOB;
	sim_job_push_file(j, remote, local, SIM_SIZE_UNKNOWN);
	j->modified = h->now;
	return SIM_S_OK;
}

/* GetError: HRESULT of the call; the job's error through the out parameters. */
uint32_t
sim_host_get_error(const struct sim_job *j, uint32_t *context, uint32_t *code,
    const char **context_desc, const char **error_desc)
{
	const struct sim_err *e = NULL;

	if ((j->state != SIM_ERROR && j->state != SIM_TRANSIENT_ERROR) || j->error_code == 0)
		return BITS_HR_BG_E_ERROR_INFORMATION_UNAVAILABLE;
	for (size_t i = 0; i < NELEM(sim_fatal_errors) && e == NULL; i++)
		if (sim_fatal_errors[i].code == j->error_code)
			e = &sim_fatal_errors[i];
	for (size_t i = 0; i < NELEM(sim_transient_errors) && e == NULL; i++)
		if (sim_transient_errors[i].code == j->error_code)
			e = &sim_transient_errors[i];
	*context = j->error_context;
	*code = j->error_code;
	*context_desc = j->error_context < NELEM(sim_context_text) ?
	    sim_context_text[j->error_context] : "";
	*error_desc = e != NULL ? e->text : "Unspecified error";
	return SIM_S_OK;
}
