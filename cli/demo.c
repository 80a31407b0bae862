#include "config.h"

#include "cli/demo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "src/cfg.h"
#include "src/xalloc.h"

#define DEMO_START_TIMEOUT_MS 10000

struct demo {
	pid_t	 pid;
	bool	 exited;
	char	*dir;		/* temporary directory: ready file and log */
	char	*password;	/* secret */
	unsigned n;
	unsigned *ports;
};

/* Path of the bitsim binary: next to our own executable, else BINDIR, else $PATH. */
static char *
demo_find_bitsim(void)
{
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);

	if (len > 0) {
		char *slash;

		self[len] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			char *p;

			*slash = '\0';
			p = xasprintf("%s/bitsim", self);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	{
		char *p = xasprintf("%s/bitsim", BINDIR);

		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return xstrdup("bitsim");
}

/* A random password of hex digits. */
static char *
demo_random_password(void)
{
	unsigned char raw[16];
	char *s = xmalloc(sizeof raw * 2 + 1);

	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
		for (size_t i = 0; i < sizeof raw; i++)
			raw[i] = (unsigned char)(rand() ^ (int)time(NULL));
	}
	for (size_t i = 0; i < sizeof raw; i++)
		sprintf(s + 2 * i, "%02x", raw[i]);
	return s;
}

/* Read the ready file once it is complete: host lines give the ports. */
static int
demo_read_ready(struct demo *d, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned found = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		unsigned idx, port;
		char addr[128];

		if (sscanf(line, "host %u %127[^:]:%u", &idx, addr, &port) == 3 && idx < d->n) {
			d->ports[idx] = port;
			found++;
		}
	}
	fclose(f);
	return found == d->n ? 0 : -1;
}

struct demo *
demo_start(unsigned n, char **cause)
{
	struct demo *d = xcalloc(1, sizeof *d);
	const char *tmp = getenv("TMPDIR");
	char *tmpl, *bitsim, *ready, *log, nbuf[16], cbuf[16];
	int64_t waited = 0;

	tmpl = xasprintf("%s/bitstop-demo-XXXXXX", tmp != NULL && *tmp == '/' ? tmp : "/tmp");
	if (mkdtemp(tmpl) == NULL) {
		*cause = xasprintf("cannot create a temporary directory in %s: %s",
		    tmp != NULL && *tmp == '/' ? tmp : "/tmp", strerror(errno));
		free(tmpl);
		free(d);
		return NULL;
	}
	d->dir = tmpl;
	d->n = n;
	d->ports = xcalloc(n, sizeof *d->ports);
	d->password = demo_random_password();
	bitsim = demo_find_bitsim();
	ready = xasprintf("%s/ready", d->dir);
	log = xasprintf("%s/bitsim.log", d->dir);
	snprintf(nbuf, sizeof nbuf, "%u", n);
	/* The second half of the fleet: Windows 10/11 clients, reached through the shell. */
	snprintf(cbuf, sizeof cbuf, "%u", n / 2);

	d->pid = fork();
	if (d->pid < 0) {
		*cause = xasprintf("cannot start the simulator: %s", strerror(errno));
		goto fail;
	}
	if (d->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		int null = open("/dev/null", O_RDONLY);

		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		/* The simulator gets its own random password, never the user's. */
		unsetenv("BITSTOP_PASSWORD");
		setenv("BITSIM_PASSWORD", d->password, 1);
		setpgid(0, 0);
		execlp(bitsim, bitsim, "--hosts", nbuf, "--client-hosts", cbuf, "--base-port", "0",
		    "--ready-file", ready, "--jobs", "12", "--speed", "1", "--churn", "40", "--user", "demo",
		    "--die-with-parent", (char *)NULL);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", bitsim, strerror(errno));
		_exit(127);
	}
	while (demo_read_ready(d, ready) != 0) {
		int status;
		struct timespec ts = { 0, 20 * 1000000L };

		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			d->exited = true;
			*cause = xasprintf("the simulator (%s) exited at start; see %s", bitsim, log);
			goto fail;
		}
		if (waited >= DEMO_START_TIMEOUT_MS) {
			*cause = xasprintf("the simulator did not start within %d s; see %s",
			    DEMO_START_TIMEOUT_MS / 1000, log);
			goto fail;
		}
		nanosleep(&ts, NULL);
		waited += 20;
	}
	free(bitsim);
	free(ready);
	free(log);
	return d;
fail:
	free(bitsim);
	free(ready);
	free(log);
	demo_stop(d);
	return NULL;
}

void
demo_add_hosts(struct demo *d, struct config *cfg)
{
	for (unsigned i = 0; i < d->n; i++) {
		char *spec = xasprintf("http://127.0.0.1:%u/wsman", d->ports[i]);
		char *cause = NULL;
		struct host_cfg *h;

		if (config_add_host(cfg, spec, "demo", &cause) != 0) {
			fprintf(stderr, "bitstop: demo host %s: %s\n", spec, cause);
			free(cause);
			free(spec);
			continue;
		}
		free(spec);
		h = &cfg->hosts[cfg->nhosts - 1];
		free(h->name);
		h->name = xasprintf("sim-%02u", i + 1);
		free(h->settings.user);
		h->settings.user = xstrdup("demo");
		h->settings.auth = AUTH_BASIC;
		h->settings.allow_unencrypted = true;	/* loopback only */
		xfree_secret(h->settings.password);
		h->settings.password = xstrdup(d->password);
	}
}

void
demo_stop(struct demo *d)
{
	if (d == NULL)
		return;
	if (d->pid > 0 && !d->exited) {
		int status;

		kill(d->pid, SIGTERM);
		for (int i = 0; i < 100; i++) {
			struct timespec ts = { 0, 20 * 1000000L };

			if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
				d->exited = true;
				break;
			}
			nanosleep(&ts, NULL);
		}
		if (!d->exited) {
			kill(d->pid, SIGKILL);
			waitpid(d->pid, &status, 0);
		}
	}
	if (d->dir != NULL) {
		char *p = xasprintf("%s/ready", d->dir);

		unlink(p);
		free(p);
		p = xasprintf("%s/bitsim.log", d->dir);
		unlink(p);
		free(p);
		rmdir(d->dir);
	}
	xfree_secret(d->password);
	free(d->ports);
	free(d->dir);
	free(d);
}
