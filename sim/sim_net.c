#include "config.h"

#include "sim/sim_net.h"
#include "sim/sim_clock.h"
#include "src/slurp.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * One thread runs everything. Each listening address has its own MHD daemon
 * in external-epoll mode; the daemons' epoll fds, the control daemon's and a
 * signalfd sit in one epoll set. A daemon runs when its fd is ready, again at
 * once when MHD says it has queued work, and in a once-a-second sweep for
 * idle timeouts. Delayed answers wait in the timer heap (sim_timer.c). What
 * answers requests is not known here: the caller hands the loop its callbacks
 * (struct sim_net_ops).
 */

#define SIM_TAG_SIGNAL	0
#define SIM_TAG_CONTROL	1
#define SIM_TAG_SITE	2	/* + site index */

/* Parse "ADDR:PORT" ("[v6]:PORT" too) into addr. */
int
sim_net_parse_addr(const char *s, struct sockaddr_storage *addr, socklen_t *len,
    char **cause)
{
	char host[128];
	const char *colon;
	char *end;
	unsigned long port;

	memset(addr, 0, sizeof *addr);
	colon = strrchr(s, ':');
	if (colon == NULL || (size_t)(colon - s) >= sizeof host) {
		*cause = xasprintf("bad address \"%s\" (want ADDR:PORT)", s);
		return -1;
	}
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || port > 65535) {
		*cause = xasprintf("bad port in \"%s\"", s);
		return -1;
	}
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;

		host[strlen(host) - 1] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1) {
			*cause = xasprintf("bad IPv6 address in \"%s\"", s);
			return -1;
		}
		*len = sizeof *a6;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)addr;

		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) {
			*cause = xasprintf("bad IPv4 address in \"%s\"", s);
			return -1;
		}
		*len = sizeof *a4;
	}
	return 0;
}

/* Write "ADDR:PORT" for addr into out. */
static void
sim_net_format(const struct sockaddr_storage *addr, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	if (addr->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)addr;

		inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof host);
		snprintf(out, size, "[%s]:%u", host, ntohs(a6->sin6_port));
	} else {
		const struct sockaddr_in *a4 = (const struct sockaddr_in *)addr;

		inet_ntop(AF_INET, &a4->sin_addr, host, sizeof host);
		snprintf(out, size, "%s:%u", host, ntohs(a4->sin_port));
	}
}

/*
 * Port 0 asks for any free port. The kernel would pick one from its ephemeral
 * range (32768 and up on Linux), the same range the client's own outgoing
 * connections draw from, so a large fleet on one machine could find its
 * servers squatting on the ports it needs. bitsim picks from below it instead.
 */
#define SIM_PORT_LOW	10000
#define SIM_PORT_HIGH	32767

/* The port of addr. */
static uint16_t
sim_net_port(const struct sockaddr_storage *addr)
{
	if (addr->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)addr)->sin6_port);
	return ntohs(((const struct sockaddr_in *)addr)->sin_port);
}

/* Set the port of addr. */
static void
sim_net_set_port(struct sockaddr_storage *addr, uint16_t port)
{
	if (addr->ss_family == AF_INET6)
		((struct sockaddr_in6 *)addr)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)addr)->sin_port = htons(port);
}

/*
 * Bind fd to addr; port 0 tries the free ports below the ephemeral range in
 * turn, from a point that differs between processes.
 */
static int
sim_net_bind_port(int fd, struct sockaddr_storage *addr, socklen_t len)
{
	static unsigned next;
	unsigned span = SIM_PORT_HIGH - SIM_PORT_LOW + 1, tries;

	if (sim_net_port(addr) != 0)
		return bind(fd, (struct sockaddr *)addr, len);
	if (next == 0)
		next = (unsigned)getpid() * 7919u + (unsigned)time(NULL);
	for (tries = 0; tries < span; tries++) {
		sim_net_set_port(addr, (uint16_t)(SIM_PORT_LOW + next++ % span));
		if (bind(fd, (struct sockaddr *)addr, len) == 0)
			return 0;
		if (errno != EADDRINUSE && errno != EACCES)
			break;
	}
	sim_net_set_port(addr, 0);
	return -1;
}

/* Bind and listen on addr; the bound address (real port) is written back. */
static int
sim_net_bind(struct sockaddr_storage *addr, socklen_t *len, char **cause)
{
	int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int on = 1;
	char name[80];

	if (fd < 0) {
		*cause = xasprintf("socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (sim_net_bind_port(fd, addr, *len) != 0 || listen(fd, 128) != 0) {
		sim_net_format(addr, name, sizeof name);
		*cause = xasprintf("bind %s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	if (getsockname(fd, (struct sockaddr *)addr, len) != 0) {
		*cause = xasprintf("getsockname: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Add a daemon's epoll fd to the loop under tag. */
static int
sim_net_watch(struct sim_server *srv, struct MHD_Daemon *d, uint64_t tag, int *epfd,
    char **cause)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	if (di == NULL || epoll_ctl(srv->epfd, EPOLL_CTL_ADD, di->epoll_fd, &ev) != 0) {
		*cause = xasprintf("epoll_ctl: %s", strerror(errno));
		return -1;
	}
	*epfd = di->epoll_fd;
	return 0;
}

/* Bind site->addr (port 0: a free port) and start its daemon. */
int
sim_net_listen_site(struct sim_server *srv, struct sim_site *site, char **cause)
{
	unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
	int fd = sim_net_bind(&site->addr, &site->addrlen, cause);

	if (fd < 0)
		return -1;
	sim_net_format(&site->addr, site->addrstr, sizeof site->addrstr);
	if (srv->tls_cert_pem != NULL)
		flags |= MHD_USE_TLS;
	site->daemon = MHD_start_daemon(flags, 0, NULL, NULL, srv->ops->site_access, site,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_NOTIFY_COMPLETED, srv->ops->site_completed, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, srv->ops->site_connection, site,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
	    srv->tls_cert_pem != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
	    srv->tls_cert_pem, MHD_OPTION_HTTPS_MEM_KEY, srv->tls_key_pem,
	    MHD_OPTION_END);
	if (site->daemon == NULL) {
		*cause = xasprintf("cannot start the HTTP daemon for %s", site->addrstr);
		close(fd);
		return -1;
	}
	if (sim_net_watch(srv, site->daemon, SIM_TAG_SITE + (uint64_t)site->index,
	    &site->epfd, cause) != 0)
		return -1;
	site->listening = 1;
	return 0;
}

/*
 * Close every request of site that waits on a timer: resume them marked to be
 * dropped and let MHD run until none is left suspended (MHD must not stop a
 * daemon with suspended connections).
 */
static void
sim_net_drain(struct sim_server *srv, struct sim_site *site)
{
	for (int i = 0; i < 10; i++) {
		srv->ops->drop_site(site);
		MHD_run(site->daemon);
		if (site->pending == NULL)
			return;
	}
}

/* Stop accepting on a site (connections are then refused). */
void
sim_net_site_close(struct sim_server *srv, struct sim_site *site)
{
	MHD_socket fd;

	if (!site->listening)
		return;
	site->listening = 0;
	sim_net_drain(srv, site);
	fd = MHD_quiesce_daemon(site->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
}

/* Listen again on the same address after sim_net_site_close. */
int
sim_net_site_reopen(struct sim_server *srv, struct sim_site *site, char **cause)
{
	if (site->listening || site->index % srv->cfg.workers != srv->cfg.worker)
		return 0;	/* listening, or another worker's host */
	if (site->daemon != NULL) {
		sim_net_drain(srv, site);
		epoll_ctl(srv->epfd, EPOLL_CTL_DEL, site->epfd, NULL);
		MHD_stop_daemon(site->daemon);
		site->daemon = NULL;
		site->epfd = -1;
	}
	return sim_net_listen_site(srv, site, cause);
}

/* Bind the control listener. */
int
sim_net_listen_control(struct sim_server *srv, char **cause)
{
	int fd = sim_net_bind(&srv->ctl_addr, &srv->ctl_addrlen, cause);

	if (fd < 0)
		return -1;
	sim_net_format(&srv->ctl_addr, srv->ctl_addrstr, sizeof srv->ctl_addrstr);
	srv->ctl_daemon = MHD_start_daemon(MHD_USE_EPOLL, 0, NULL, NULL, srv->ops->control_access, srv,
	    MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_END);
	if (srv->ctl_daemon == NULL) {
		*cause = xasprintf("cannot start the control daemon on %s", srv->ctl_addrstr);
		close(fd);
		return -1;
	}
	return sim_net_watch(srv, srv->ctl_daemon, SIM_TAG_CONTROL, &srv->ctl_epfd, cause);
}

/* Set up epoll, signals and TLS material. */
int
sim_net_init(struct sim_server *srv, char **cause)
{
	sigset_t mask;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = SIM_TAG_SIGNAL };

	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epfd < 0) {
		*cause = xasprintf("epoll_create1: %s", strerror(errno));
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	srv->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (srv->sigfd < 0 || epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->sigfd, &ev) != 0) {
		*cause = xasprintf("signalfd: %s", strerror(errno));
		return -1;
	}
	if (srv->cfg.tls_cert != NULL) {
		srv->tls_cert_pem = slurp_file(srv->cfg.tls_cert, 0, NULL, cause);
		if (srv->tls_cert_pem == NULL)
			return -1;
		srv->tls_key_pem = slurp_file(srv->cfg.tls_key, 0, NULL, cause);
		if (srv->tls_key_pem == NULL)
			return -1;
	}
	srv->mono_start = sim_clock_mono();
	return 0;
}

/* Run one daemon and note whether MHD wants to run again at once. */
static void
sim_net_run_daemon(struct MHD_Daemon *d, int *again)
{
	MHD_UNSIGNED_LONG_LONG t;

	MHD_run(d);
	if (MHD_get_timeout(d, &t) == MHD_YES && t == 0)
		*again = 1;
}

/* The once-a-second pass: idle timeouts, expired enumerations. */
static void
sim_net_sweep(struct sim_server *srv)
{
	double now = sim_clock_mono();

	for (int i = 0; i < srv->nsites; i++) {
		struct sim_site *s = &srv->sites[i];

		if (s->daemon != NULL)
			MHD_run(s->daemon);
		srv->ops->sweep(s, now);
	}
}

/* Run until /quit or a signal; returns the exit status. */
int
sim_net_run(struct sim_server *srv)
{
	struct epoll_event evs[128];
	double next_sweep = sim_clock_mono() + 1;
	char *again = xcalloc((size_t)srv->nsites + 2, 1);
	int any_again = 0;

	while (!srv->quit) {
		int timeout = 1000, n;
		double now = sim_clock_mono();
		struct sim_timer *t = sim_timer_first(&srv->timers);

		if (t != NULL) {
			double due = t->due - now;

			if (due * 1000 < timeout)
				timeout = due <= 0 ? 0 : (int)(due * 1000) + 1;
		}
		if ((next_sweep - now) * 1000 < timeout)
			timeout = next_sweep <= now ? 0 : (int)((next_sweep - now) * 1000) + 1;
		if (any_again)
			timeout = 0;
		n = epoll_wait(srv->epfd, evs, (int)(sizeof evs / sizeof evs[0]), timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (any_again) {
			any_again = 0;
			for (int i = 0; i < srv->nsites; i++) {
				int more = 0;

				if (!again[i] || srv->sites[i].daemon == NULL)
					continue;
				again[i] = 0;
				sim_net_run_daemon(srv->sites[i].daemon, &more);
				if (more)
					again[i] = 1, any_again = 1;
			}
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;
			int more = 0;

			if (tag == SIM_TAG_SIGNAL) {
				srv->quit = 1;
			} else if (tag == SIM_TAG_CONTROL) {
				sim_net_run_daemon(srv->ctl_daemon, &more);
			} else if (tag - SIM_TAG_SITE < (uint64_t)srv->nsites) {
				struct sim_site *s = &srv->sites[tag - SIM_TAG_SITE];

				if (s->daemon != NULL)
					sim_net_run_daemon(s->daemon, &more);
				if (more)
					again[s->index] = 1, any_again = 1;
			}
		}
		now = sim_clock_mono();
		while ((t = sim_timer_first(&srv->timers)) != NULL && t->due <= now) {
			struct sim_site *site;

			sim_timer_cancel(&srv->timers, t);
			site = srv->ops->fire(t);
			again[site->index] = 1;
			any_again = 1;
		}
		if (now >= next_sweep) {
			sim_net_sweep(srv);
			next_sweep = now + 1;
		}
	}
	free(again);
	return 0;
}

/* Stop every daemon and close the loop. */
void
sim_net_done(struct sim_server *srv)
{
	for (int i = 0; i < srv->nsites; i++) {
		struct sim_site *s = &srv->sites[i];

		if (s->daemon == NULL)
			continue;
		sim_net_drain(srv, s);
		MHD_stop_daemon(s->daemon);
		s->daemon = NULL;
	}
	if (srv->ctl_daemon != NULL)
		MHD_stop_daemon(srv->ctl_daemon);
	srv->ctl_daemon = NULL;
	if (srv->sigfd >= 0)
		close(srv->sigfd);
	if (srv->epfd >= 0)
		close(srv->epfd);
	sim_timer_done(&srv->timers);
	xfree_secret(srv->tls_key_pem);
	free(srv->tls_cert_pem);
}
