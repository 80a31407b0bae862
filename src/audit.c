#include "config.h"

#include "src/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "src/action.h"
#include "src/sanitize.h"
#include "src/snapshot.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

/* After a failure, audit_ok() tries to reopen the log at most this often. */
#define AUDIT_RETRY_MS 1000

/*
 * The log. Every field is guarded by mu: pollers write intents and outcomes
 * from their threads while the UI asks audit_ok().
 */
struct audit {
	pthread_mutex_t mu;
	char	*path;
	int	 fd;		/* -1 after a failure closed it */
	bool	 ok;
	char	*error;		/* why the log is unusable; NULL when ok */
	char	*user;		/* the local user, for intent lines */
	int64_t	 failed_ms;	/* monotonic time of the last failure or reopen attempt */
};

/* Create the missing parent directories of path, mode 0700. */
static int
audit_mkdirs(const char *path, char **cause)
{
	char *dir = xstrdup(path), *p;
	struct stat st;

	for (p = strchr(dir + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			*cause = xasprintf("audit log: cannot create directory %s: %s", dir,
			    strerror(errno));
			free(dir);
			return -1;
		}
		if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			*cause = xasprintf("audit log: %s is not a directory", dir);
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

/*
 * Open path for appending. The path itself must be a regular file of ours with
 * one link: a symbolic link, a FIFO, a device or someone else's file is refused
 * (O_NOFOLLOW, and O_NONBLOCK so that a FIFO cannot block the open). A file we
 * create is 0600; one of ours that is looser is made 0600 through the descriptor
 * just checked, never through the name. A file whose last byte is not a newline
 * (a record torn by a crash) gets one, so that the next record starts its own
 * line. -1 with *cause.
 */
static int
audit_open_fd(const char *path, char **cause)
{
	struct stat st;
	char last;
	int fd, flags;

	if (audit_mkdirs(path, cause) != 0)
		return -1;
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW |
	    O_NONBLOCK, 0600);
	if (fd < 0) {
		if (errno == ELOOP)
			*cause = xasprintf("audit log %s: is a symbolic link: refused (give the "
			    "real path)", path);
		else if (errno == ENXIO)
			*cause = xasprintf("audit log %s: not a regular file (a FIFO or socket)",
			    path);
		else
			*cause = xasprintf("audit log %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*cause = xasprintf("audit log %s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		*cause = xasprintf("audit log %s: owned by uid %u, not by us (uid %u): refused",
		    path, (unsigned)st.st_uid, (unsigned)geteuid());
		close(fd);
		return -1;
	}
	if (st.st_nlink != 1) {
		*cause = xasprintf("audit log %s: has %lu hard links: refused", path,
		    (unsigned long)st.st_nlink);
		close(fd);
		return -1;
	}
	if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
		*cause = xasprintf("audit log %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) != 0) {
		*cause = xasprintf("audit log %s: cannot make it private (mode %04o): %s", path,
		    (unsigned)(st.st_mode & 07777), strerror(errno));
		close(fd);
		return -1;
	}
	if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n' &&
	    write(fd, "\n", 1) != 1) {
		*cause = xasprintf("audit log %s: cannot end the torn last line: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The local user's name, or "uid N". */
static char *
audit_local_user(void)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &res) == 0 && res != NULL &&
	    pw.pw_name != NULL)
		return xstrdup(pw.pw_name);
	return xasprintf("uid %u", (unsigned)geteuid());
}

struct audit *
audit_open(const char *path, char **cause)
{
	struct audit *a;
	int fd;

	if (path == NULL || path[0] == '\0') {
		*cause = xstrdup("audit log: no path (set audit_log in the config)");
		return NULL;
	}
	if ((fd = audit_open_fd(path, cause)) < 0)
		return NULL;
	a = xcalloc(1, sizeof *a);
	pthread_mutex_init(&a->mu, NULL);
	a->path = xstrdup(path);
	a->fd = fd;
	a->ok = true;
	a->user = audit_local_user();
	return a;
}

void
audit_close(struct audit *a)
{
	if (a == NULL)
		return;
	if (a->fd >= 0)
		close(a->fd);
	pthread_mutex_destroy(&a->mu);
	free(a->path);
	free(a->error);
	free(a->user);
	free(a);
}

/* Mark the log failed with a reason (mu held); closes the descriptor. */
static void
audit_fail(struct audit *a, const char *what, int err)
{
	free(a->error);
	a->error = xasprintf("audit log %s: %s: %s", a->path, what, strerror(err));
	a->ok = false;
	a->failed_ms = time_mono_ms();
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
}

/* Reopen after a failure (mu held); on success the log is usable again. */
static void
audit_reopen(struct audit *a)
{
	char *cause = NULL;

	a->failed_ms = time_mono_ms();
	if ((a->fd = audit_open_fd(a->path, &cause)) < 0) {
		free(a->error);
		a->error = cause;
		a->ok = false;
		return;
	}
	free(a->error);
	a->error = NULL;
	a->ok = true;
}

/*
 * Append one line with a single write() (so concurrent writers never interleave)
 * and, when sync, fsync it before returning. A write cut short (a full disk) is
 * truncated back to the previous end and fails the log. After a failure, each call first
 * reopens the file: the log works again once the cause is fixed. mu held.
 */
static int
audit_write_line(struct audit *a, const struct strbuf *line, bool sync)
{
	struct stat st;
	ssize_t n;

	if (a->fd < 0)
		audit_reopen(a);
	if (a->fd < 0)
		return -1;
	if (fstat(a->fd, &st) != 0) {
		audit_fail(a, "stat failed", errno);
		return -1;
	}
	n = write(a->fd, line->s, line->len);
	if (n < 0) {
		audit_fail(a, "write failed", errno);
		return -1;
	}
	if ((size_t)n != line->len) {
		/* A full disk: take the fragment back so that no torn record stays. */
		if (ftruncate(a->fd, st.st_size) != 0 && write(a->fd, "\n", 1) != 1)
			st.st_size = 0;	/* the next open ends the fragment's line */
		audit_fail(a, "write cut short", ENOSPC);
		return -1;
	}
	if (sync && fsync(a->fd) != 0) {
		audit_fail(a, "fsync failed", errno);
		return -1;
	}
	free(a->error);
	a->error = NULL;
	a->ok = true;
	return 0;
}

/* Append the UTC time now as "time":"YYYY-MM-DDTHH:MM:SSZ". */
static void
audit_add_time(struct strbuf *sb)
{
	time_t now = time(NULL);
	struct tm tm;
	char buf[32];

	gmtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	strbuf_addf(sb, "\"time\":\"%s\"", buf);
}

/* Append ,"key":"value" (or null when value is NULL). */
static void
audit_add_str(struct strbuf *sb, const char *key, const char *value)
{
	strbuf_addf(sb, ",\"%s\":", key);
	if (value == NULL)
		strbuf_adds(sb, "null");
	else
		sanitize_json_append(sb, value);
}

/* The action's parameters as a JSON object. */
static void
audit_add_params(struct strbuf *sb, const struct action_req *req)
{
	strbuf_adds(sb, ",\"params\":{");
	if (req->kind == ACTION_PRIORITY) {
		strbuf_addf(sb, "\"priority\":\"%s\"", bits_priority_name(req->priority));
	} else if (req->kind == ACTION_CREATE) {
		strbuf_addf(sb, "\"type\":\"%s\"", bits_job_type_name(req->type));
		audit_add_str(sb, "display_name", req->display_name);
		audit_add_str(sb, "remote_url", req->remote_url);
		audit_add_str(sb, "local_file", req->local_file);
		if (req->suspended)
			strbuf_adds(sb, ",\"suspended\":true");
	}
	strbuf_addc(sb, '}');
}

int
audit_intent(struct audit *a, const struct action_req *req, const char *host, const char *url)
{
	struct strbuf sb;
	int rc;

	strbuf_init(&sb);
	strbuf_addc(&sb, '{');
	audit_add_time(&sb);
	pthread_mutex_lock(&a->mu);
	audit_add_str(&sb, "user", a->user);
	pthread_mutex_unlock(&a->mu);
	strbuf_addf(&sb, ",\"event\":\"intent\",\"id\":%" PRIu64, req->id);
	if (req->op != NULL)
		audit_add_str(&sb, "op", req->op);
	audit_add_str(&sb, "host", host);
	audit_add_str(&sb, "url", url);
	audit_add_str(&sb, "job", req->job_id);
	audit_add_str(&sb, "name", req->kind == ACTION_CREATE ? req->display_name : req->job_name);
	audit_add_str(&sb, "action", action_kind_name(req->kind));
	audit_add_params(&sb, req);
	strbuf_adds(&sb, "}\n");
	pthread_mutex_lock(&a->mu);
	rc = audit_write_line(a, &sb, true);
	pthread_mutex_unlock(&a->mu);
	strbuf_done(&sb);
	return rc;
}

int
audit_outcome(struct audit *a, const struct action_result *res, const char *host)
{
	struct strbuf sb;
	int rc;

	strbuf_init(&sb);
	strbuf_addc(&sb, '{');
	audit_add_time(&sb);
	strbuf_addf(&sb, ",\"event\":\"outcome\",\"id\":%" PRIu64, res->id);
	if (res->op != NULL)
		audit_add_str(&sb, "op", res->op);
	audit_add_str(&sb, "host", host);
	audit_add_str(&sb, "job", res->job_id);
	audit_add_str(&sb, "action", action_kind_name(res->kind));
	/* A request that left without an answer: the next poll tells, not the log. */
	audit_add_str(&sb, "result", res->ok ? "ok" : res->unknown ? "unknown" : "error");
	if (!res->ok && res->error.has_code)
		strbuf_addf(&sb, ",\"code\":%" PRIu32, res->error.code);
	else
		strbuf_adds(&sb, ",\"code\":null");
	if (res->ok)
		audit_add_str(&sb, "message", res->already_gone ?
		    "the job had already left the queue" : res->via_system_task ?
		    "done as SYSTEM through a one-shot scheduled task (system_task)" : NULL);
	else
		audit_add_str(&sb, "message", res->error.message != NULL ? res->error.message :
		    hosterr_kind_status(res->error.kind));
	strbuf_adds(&sb, "}\n");
	pthread_mutex_lock(&a->mu);
	rc = audit_write_line(a, &sb, false);
	pthread_mutex_unlock(&a->mu);
	strbuf_done(&sb);
	return rc;
}

bool
audit_ok(struct audit *a)
{
	bool ok;

	pthread_mutex_lock(&a->mu);
	if (!a->ok && a->fd < 0 && time_mono_ms() - a->failed_ms >= AUDIT_RETRY_MS)
		audit_reopen(a);
	ok = a->ok;
	pthread_mutex_unlock(&a->mu);
	return ok;
}

const char *
audit_error(struct audit *a)
{
	const char *e;

	pthread_mutex_lock(&a->mu);
	e = a->error;
	pthread_mutex_unlock(&a->mu);
	return e;
}
