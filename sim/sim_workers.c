#include "config.h"

#include "sim/sim_workers.h"
#include "sim/sim_control.h"
#include "sim/sim_net.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * With --workers N the hosts are spread over N processes (host i to worker
 * i % N), each with its own event loop, descriptor table and control
 * listener on 127.0.0.1. This process only forwards control requests: a
 * request naming one host goes to that host's worker, every other request
 * to all of them. The workers start from the same seed and see the same
 * control requests in the same order, so a random frac= pick is the same
 * in each and every worker answers alike; the first worker's answer is
 * returned.
 */

/* One worker process. */
struct sim_worker {
	pid_t	 pid;
	int	 report_fd;	/* read end of its report pipe */
	char	 control[64];	/* its control listener, "ADDR:PORT" */
};

/* The forwarding process's state, shared with the control thread. */
struct sim_workers {
	struct sim_server *srv;
	struct sim_worker *w;
	int		 n;
	atomic_int	 quit;		/* /quit came */
	atomic_int	 answered;	/* ... and its answer has gone out */
};

/* GET path from a worker's control listener: status and body. */
static int
sim_workers_ask(const struct sim_worker *w, const char *path, int *status, struct strbuf *body)
{
	struct sockaddr_storage addr;
	socklen_t len;
	struct timeval tv = { .tv_sec = 30 };
	struct strbuf resp;
	char *cause = NULL, buf[4096], *req;
	const char *p;
	ssize_t n;
	int fd, rc = -1;

	if (sim_net_parse_addr(w->control, &addr, &len, &cause) != 0) {
		free(cause);
		return -1;
	}
	fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&addr, len) != 0) {
		close(fd);
		return -1;
	}
	req = xasprintf("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, w->control);
	n = write(fd, req, strlen(req));
	free(req);
	strbuf_init(&resp);
	while (n > 0 && (n = read(fd, buf, sizeof buf)) > 0)
		strbuf_add(&resp, buf, (size_t)n);
	close(fd);
	p = resp.len > 0 ? strstr(resp.s, "\r\n\r\n") : NULL;
	if (p != NULL && strncmp(resp.s, "HTTP/1.", 7) == 0 && resp.len > 12) {
		*status = atoi(resp.s + 9);
		strbuf_adds(body, p + 4);
		rc = 0;
	}
	strbuf_done(&resp);
	return rc;
}

/* Append one query argument, percent-encoded, to the strbuf in cls. */
static enum MHD_Result
sim_workers_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct strbuf *sb = cls;
	const char *parts[2] = { key, value };

	(void)kind;
	strbuf_addc(sb, strchr(sb->s, '?') != NULL ? '&' : '?');
	for (int i = 0; i < 2 && parts[i] != NULL; i++) {
		if (i == 1)
			strbuf_addc(sb, '=');
		for (const unsigned char *c = (const unsigned char *)parts[i]; *c != '\0'; c++) {
			if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			    (*c >= '0' && *c <= '9') || strchr("-_.~,", *c) != NULL)
				strbuf_addc(sb, (char)*c);
			else
				strbuf_addf(sb, "%%%02X", *c);
		}
	}
	return MHD_YES;
}

/* The worker that owns the single host named by host=, or -1. */
static int
sim_workers_owner(const struct sim_workers *ws, struct MHD_Connection *conn)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "host");
	char *end;
	long v;

	if (h == NULL || *h == '\0')
		return -1;
	v = strtol(h, &end, 10);
	if (*end != '\0' || v < 0 || v >= ws->srv->nsites)
		return -1;
	return (int)(v % ws->n);
}

/* /hosts: each worker's own lines, in host order. */
static void
sim_workers_hosts(struct sim_workers *ws, const char *path, int *status, struct strbuf *out)
{
	char **line = xcalloc((size_t)ws->srv->nsites, sizeof *line);

	for (int k = 0; k < ws->n; k++) {
		struct strbuf b;
		int st = 502;

		strbuf_init(&b);
		sim_workers_ask(&ws->w[k], path, &st, &b);
		if (st > *status)
			*status = st;
		for (char *s = b.s, *nl; s != NULL && *s != '\0'; s = nl + 1) {
			long i;

			nl = strchr(s, '\n');
			if (nl == NULL)
				break;
			*nl = '\0';
			if (sscanf(s, "host %ld", &i) == 1 && i >= 0 && i < ws->srv->nsites &&
			    i % ws->n == k && line[i] == NULL)
				line[i] = xstrdup(s);
		}
		strbuf_done(&b);
	}
	for (int i = 0; i < ws->srv->nsites; i++) {
		if (line[i] != NULL)
			strbuf_addf(out, "%s\n", line[i]);
		free(line[i]);
	}
	free(line);
}

/* Pass one control request on; status and answer as the workers gave them. */
static void
sim_workers_forward(struct sim_workers *ws, struct MHD_Connection *conn, const char *url,
    int *status, struct strbuf *out)
{
	struct strbuf path;
	int owner = sim_workers_owner(ws, conn);

	strbuf_init(&path);
	strbuf_adds(&path, url);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, sim_workers_arg, &path);
	*status = 200;
	if (strcmp(url, "/hosts") == 0) {
		sim_workers_hosts(ws, path.s, status, out);
	} else if (owner >= 0 && (strcmp(url, "/stats") == 0 || strcmp(url, "/jobs") == 0)) {
		if (sim_workers_ask(&ws->w[owner], path.s, status, out) != 0) {
			*status = 502;
			strbuf_addf(out, "error: worker %d does not answer\n", owner);
		}
	} else {
		if (strcmp(url, "/quit") == 0)
			ws->quit = 1;	/* before the workers go: their exit is expected */
		for (int k = 0; k < ws->n; k++) {
			struct strbuf b;
			int st = 0;

			strbuf_init(&b);
			if (sim_workers_ask(&ws->w[k], path.s, &st, &b) != 0) {
				st = 502;
				strbuf_reset(&b);
				strbuf_addf(&b, "error: worker %d does not answer\n", k);
			}
			if (k == 0 || (st > *status && *status < 400)) {
				*status = st;
				strbuf_reset(out);
				strbuf_add(out, b.s, b.len);
			}
			strbuf_done(&b);
		}
	}
	strbuf_done(&path);
}

/* The control listener's request handler in the forwarding process. */
static enum MHD_Result
sim_workers_control(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload, size_t *upload_size,
    void **con_cls)
{
	struct sim_workers *ws = cls;
	struct strbuf out;
	int status = 200;

	(void)method, (void)version, (void)upload;
	if (*con_cls == NULL) {
		*con_cls = ws;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	strbuf_init(&out);
	sim_workers_forward(ws, conn, url, &status, &out);
	return sim_control_reply(conn, status, &out);
}

/* A control request is over: after /quit, the process may now end. */
static void
sim_workers_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct sim_workers *ws = cls;

	(void)conn, (void)con_cls, (void)toe;
	if (ws->quit)
		ws->answered = 1;
}

/* Read a worker's report until it closes the pipe; 0 when it said "ready". */
static int
sim_workers_read_report(struct sim_workers *ws, int k)
{
	struct sim_worker *w = &ws->w[k];
	struct strbuf sb;
	char buf[4096];
	ssize_t n;
	int ready = 0;

	strbuf_init(&sb);
	while ((n = read(w->report_fd, buf, sizeof buf)) > 0 ||
	    (n < 0 && errno == EINTR))
		if (n > 0)
			strbuf_add(&sb, buf, (size_t)n);
	close(w->report_fd);
	w->report_fd = -1;
	for (char *s = sb.s, *nl; s != NULL && (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
		char addr[64];
		int i;

		*nl = '\0';
		if (sscanf(s, "host %d %63s", &i, addr) == 2 && i >= 0 && i < ws->srv->nsites)
			snprintf(ws->srv->sites[i].addrstr, sizeof ws->srv->sites[i].addrstr,
			    "%s", addr);
		else if (sscanf(s, "control %63s", addr) == 1)
			snprintf(w->control, sizeof w->control, "%s", addr);
		else if (strcmp(s, "ready") == 0)
			ready = 1;
	}
	strbuf_done(&sb);
	return ready && w->control[0] != '\0' ? 0 : -1;
}

/* Start worker k: a child that serves its hosts and exits with their status. */
static int
sim_workers_fork(struct sim_workers *ws, const struct sim_worker_hooks *hooks, int k)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		fprintf(stderr, "bitsim: pipe: %s\n", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bitsim: fork: %s\n", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		for (int j = 0; j < k; j++)
			if (ws->w[j].report_fd >= 0)
				close(ws->w[j].report_fd);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		ws->srv->cfg.worker = k;
		_exit(hooks->serve(ws->srv, hooks->arg, fds[1]));
	}
	close(fds[1]);
	ws->w[k].pid = pid;
	ws->w[k].report_fd = fds[0];
	return 0;
}

/* Stop every worker still running and collect them; 0 if all exited 0. */
static int
sim_workers_stop(struct sim_workers *ws)
{
	int rc = 0;

	for (int k = 0; k < ws->n; k++)
		if (ws->w[k].pid > 0)
			kill(ws->w[k].pid, SIGTERM);
	for (int k = 0; k < ws->n; k++) {
		int st = 0;
		pid_t got;

		if (ws->w[k].pid <= 0)
			continue;
		while ((got = waitpid(ws->w[k].pid, &st, 0)) < 0 && errno == EINTR)
			;
		if (got < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			rc = 1;
		ws->w[k].pid = 0;
	}
	return rc;
}

/* Start the forwarding control listener on addr; NULL with a message on error. */
static struct MHD_Daemon *
sim_workers_listen(struct sim_workers *ws, const char *addr)
{
	struct sim_server *srv = ws->srv;
	struct MHD_Daemon *d;
	char *cause = NULL;
	int fd, on = 1;

	if (sim_net_parse_addr(addr, &srv->ctl_addr, &srv->ctl_addrlen, &cause) != 0) {
		fprintf(stderr, "bitsim: %s\n", cause);
		free(cause);
		return NULL;
	}
	fd = socket(srv->ctl_addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (fd < 0 || bind(fd, (struct sockaddr *)&srv->ctl_addr, srv->ctl_addrlen) != 0 ||
	    listen(fd, 64) != 0 ||
	    getsockname(fd, (struct sockaddr *)&srv->ctl_addr, &srv->ctl_addrlen) != 0) {
		fprintf(stderr, "bitsim: control listener %s: %s\n", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
	    sim_workers_control, ws, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_NOTIFY_COMPLETED, sim_workers_completed, ws,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "bitsim: cannot start the control daemon on %s\n", addr);
		close(fd);
		return NULL;
	}
	{
		char host[INET6_ADDRSTRLEN];
		const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&srv->ctl_addr;
		const struct sockaddr_in *a4 = (const struct sockaddr_in *)&srv->ctl_addr;

		if (srv->ctl_addr.ss_family == AF_INET6) {
			inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof host);
			snprintf(srv->ctl_addrstr, sizeof srv->ctl_addrstr, "[%s]:%u", host,
			    ntohs(a6->sin6_port));
		} else {
			inet_ntop(AF_INET, &a4->sin_addr, host, sizeof host);
			snprintf(srv->ctl_addrstr, sizeof srv->ctl_addrstr, "%s:%u", host,
			    ntohs(a4->sin_port));
		}
	}
	return d;
}

/* Fork the workers, forward control requests, wait for the end. */
int
sim_workers_main(struct sim_server *srv, const struct sim_worker_hooks *hooks,
    const char *control_addr, const char *ready_file)
{
	struct sim_workers ws = { .srv = srv, .n = srv->cfg.workers };
	struct MHD_Daemon *ctl = NULL;
	struct timespec tick = { .tv_nsec = 100 * 1000 * 1000 };
	sigset_t mask;
	int rc = 1;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	srv->sites = xcalloc((size_t)srv->nsites, sizeof *srv->sites);
	ws.w = xcalloc((size_t)ws.n, sizeof *ws.w);
	for (int k = 0; k < ws.n; k++) {
		ws.w[k].report_fd = -1;
		if (sim_workers_fork(&ws, hooks, k) != 0)
			goto out;
	}
	for (int k = 0; k < ws.n; k++)
		if (sim_workers_read_report(&ws, k) != 0) {
			fprintf(stderr, "bitsim: worker %d did not start\n", k);
			goto out;
		}
	ctl = sim_workers_listen(&ws, control_addr);
	if (ctl == NULL)
		goto out;
	if (ready_file != NULL && hooks->ready(srv, ready_file) != 0)
		goto out;
	rc = 0;
	for (int left = 50; !ws.quit || (!ws.answered && left-- > 0);) {
		int sig = sigtimedwait(&mask, NULL, &tick);

		if (sig == SIGINT || sig == SIGTERM)
			break;
		if (sig == SIGCHLD && !ws.quit) {
			fprintf(stderr, "bitsim: a worker exited; stopping\n");
			rc = 1;
			break;
		}
	}
out:
	if (ctl != NULL)
		MHD_stop_daemon(ctl);
	for (int k = 0; k < ws.n; k++)
		if (ws.w[k].report_fd >= 0)
			close(ws.w[k].report_fd);
	if (sim_workers_stop(&ws) != 0 && !ws.quit)
		rc = 1;
	free(ws.w);
	free(srv->sites);
	srv->sites = NULL;
	return rc;
}
