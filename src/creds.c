#include "config.h"

#include "src/creds.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "src/cfg.h"
#include "src/paths.h"
#include "src/sanitize.h"
#include "src/snapshot.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

extern char **environ;

/* Most of a password_command's output kept (the rest is read and dropped). */
#define CREDS_MAX_OUTPUT 65536
/* Longest password accepted at the prompt. */
#define CREDS_MAX_PASSWORD 4096
/* Largest ~/.netrc read. */
#define CREDS_MAX_NETRC (1024 * 1024)

/* The signal that interrupted a password_command (set by its handler; 0: none). */
static volatile sig_atomic_t creds_command_signal;

/* Note the signal; the wait returns EINTR and the command's process group is killed. */
static void
creds_command_handler(int sig)
{
	creds_command_signal = sig;
}

/* Where a cached secret came from: the same command, or the same user's prompt. */
enum creds_source {
	CREDS_COMMAND,
	CREDS_PROMPT
};

/* A secret already obtained, reused by every host with the same source and key. */
struct creds_cache {
	enum creds_source source;
	char	*key;		/* the command (exact) or the user (any case) */
	char	*secret;
};

/* One machine (or default) entry of ~/.netrc. */
struct netrc_entry {
	char	*machine;	/* NULL for the default entry */
	char	*login;
	char	*password;
};

/* Everything creds_resolve() gathers once and reuses across hosts. */
struct creds_state {
	struct creds_cache *cache;
	size_t	 ncache;
	bool	 netrc_loaded;
	struct netrc_entry *netrc;
	size_t	 nnetrc;
	int64_t	 command_timeout_ms;	/* how long a password_command may run */
};

/* Overwrite n bytes of a secret buffer. */
static void
creds_scrub(void *p, size_t n)
{
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, n);
#else
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
#endif
}

int
creds_check_file_private(const char *path, char **cause)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		*cause = xasprintf("%s: permissions %04o are too open: a file holding a password "
		    "must not be accessible by group or others (chmod 600 %s)", path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		*cause = xasprintf("%s: a file holding a password must be owned by you or root "
		    "(it is owned by uid %u)", path, (unsigned)st.st_uid);
		return -1;
	}
	return 0;
}

/* The cached secret for source and key, or NULL. */
static const char *
cache_get(const struct creds_state *st, enum creds_source source, const char *key)
{
	const struct creds_cache *c;
	size_t i;

	for (i = 0; i < st->ncache; i++) {
		c = &st->cache[i];
		if (c->source == source && (source == CREDS_COMMAND ? strcmp(c->key, key) :
		    strcasecmp(c->key, key)) == 0)
			return c->secret;
	}
	return NULL;
}

/* Remember a secret (copied) under source and key. */
static void
cache_put(struct creds_state *st, enum creds_source source, const char *key, const char *secret)
{
	st->cache = xreallocarray(st->cache, st->ncache + 1, sizeof *st->cache);
	st->cache[st->ncache].source = source;
	st->cache[st->ncache].key = xstrdup(key);
	st->cache[st->ncache++].secret = xstrdup(secret);
}

/* Free the state, scrubbing every secret. */
static void
creds_state_done(struct creds_state *st)
{
	size_t i;

	for (i = 0; i < st->ncache; i++) {
		free(st->cache[i].key);
		xfree_secret(st->cache[i].secret);
	}
	free(st->cache);
	for (i = 0; i < st->nnetrc; i++) {
		free(st->netrc[i].machine);
		free(st->netrc[i].login);
		xfree_secret(st->netrc[i].password);
	}
	free(st->netrc);
}

/* The environment minus $BITSTOP_PASSWORD: a password_command never sees a password. */
static char **
creds_child_env(void)
{
	size_t n = 0, i, j = 0;
	char **env;

	while (environ[n] != NULL)
		n++;
	env = xcalloc(n + 1, sizeof *env);
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "BITSTOP_PASSWORD=", 17) != 0)
			env[j++] = environ[i];
	env[j] = NULL;
	return env;
}

/*
 * Give the terminal on fd to process group pgrp (our own when pgrp is 0), so that
 * a password_command in its own group may still ask for a passphrase. Best effort.
 */
static void
creds_give_terminal(int fd, pid_t pgrp)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;

	sigemptyset(&ign.sa_mask);
	sigaction(SIGTTOU, &ign, &old);
	if (tcsetpgrp(fd, pgrp != 0 ? pgrp : getpgrp()) != 0) {
		/* not our terminal any more: nothing to give back */
	}
	sigaction(SIGTTOU, &old, NULL);
}

/*
 * Read the command's output from fd into buf (at most CREDS_MAX_OUTPUT bytes kept)
 * until end of file, the deadline (monotonic ms) or a signal. 0 at end of file,
 * -1 when the deadline passed, the signal number when interrupted.
 */
static int
creds_read_output(int fd, int64_t deadline, char *buf, size_t *len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char drop[512];
	int64_t left;
	ssize_t r;

	for (;;) {
		if (creds_command_signal != 0)
			return creds_command_signal;
		if ((left = deadline - time_mono_ms()) <= 0)
			return -1;
		if (poll(&pfd, 1, left > 1000 ? 1000 : (int)left) <= 0)
			continue;	/* EINTR or a second passed: check the signal and deadline */
		if (*len < CREDS_MAX_OUTPUT)
			r = read(fd, buf + *len, CREDS_MAX_OUTPUT - *len);
		else
			r = read(fd, drop, sizeof drop);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			break;
		if (*len < CREDS_MAX_OUTPUT)
			*len += (size_t)r;
	}
	creds_scrub(drop, sizeof drop);
	return 0;
}

/*
 * Wait for pid until the deadline or a signal: 0 with *status once it exited, -1
 * past the deadline, the signal number when interrupted.
 */
static int
creds_wait_child(pid_t pid, int64_t deadline, int *status)
{
	pid_t r;

	for (;;) {
		if ((r = waitpid(pid, status, WNOHANG)) == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return 0;	/* already reaped: nothing to wait for */
		if (creds_command_signal != 0)
			return creds_command_signal;
		if (time_mono_ms() >= deadline)
			return -1;
		usleep(10 * 1000);
	}
}

/* The command as shown in messages: sanitized, cut to 60 characters. malloc'd. */
static char *
creds_command_label(const char *cmd)
{
	char *safe = sanitize_terminal(cmd);

	if (strlen(safe) > 60)
		memcpy(safe + 57, "...", 4);
	return safe;
}

/* The signals that stop a password_command (then re-raised). */
static const int creds_command_sigs[] = { SIGINT, SIGTERM, SIGHUP };
#define CREDS_NSIGS (sizeof creds_command_sigs / sizeof creds_command_sigs[0])

/* Catch the stopping signals without SA_RESTART (the wait must return); old keeps ours. */
static void
creds_catch_signals(struct sigaction old[CREDS_NSIGS])
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = creds_command_handler;
	sigemptyset(&sa.sa_mask);
	creds_command_signal = 0;
	for (size_t i = 0; i < CREDS_NSIGS; i++)
		sigaction(creds_command_sigs[i], &sa, &old[i]);
}

/* Put back the handlers creds_catch_signals() replaced. */
static void
creds_restore_signals(const struct sigaction old[CREDS_NSIGS])
{
	for (size_t i = 0; i < CREDS_NSIGS; i++)
		sigaction(creds_command_sigs[i], &old[i], NULL);
}

/*
 * Start /bin/sh -c cmd in a process group of its own, its standard output on
 * outfd; the command gets an ordinary SIGPIPE and no blocked signals, whatever
 * ours are. 0, or posix_spawn's error.
 */
static int
creds_spawn(const char *cmd, int outfd, pid_t *pid)
{
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	char **env = creds_child_env();
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, pipe_default;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, outfd, STDOUT_FILENO);
	sigemptyset(&none);
	sigemptyset(&pipe_default);
	sigaddset(&pipe_default, SIGPIPE);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &pipe_default);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
	    POSIX_SPAWN_SETPGROUP);
	rc = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, env);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	return rc;
}

/*
 * What became of the command: stop (>0 the signal, <0 the deadline, 0 it ended
 * with status) and its output buf (len bytes). The first line is the password
 * (*out); else -1 with *cause, which never quotes the output.
 */
static int
creds_command_verdict(const char *cmd, const char *host, int64_t timeout_ms, int stop,
    int status, char *buf, size_t len, char **out, char **cause)
{
	size_t line;
	char *label;

	buf[len] = '\0';
	line = strcspn(buf, "\n");
	if (line > 0 && buf[line - 1] == '\r')
		line--;
	label = creds_command_label(cmd);
	if (stop > 0)
		*cause = xasprintf("%s: password_command '%s' interrupted by signal %d (stopped)",
		    host, label, stop);
	else if (stop < 0)
		*cause = xasprintf("%s: password_command '%s' timed out after %lld s (stopped)",
		    host, label, (long long)((timeout_ms + 999) / 1000));
	else if (WIFSIGNALED(status))
		*cause = xasprintf("%s: password_command was killed by signal %d", host,
		    WTERMSIG(status));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		*cause = xasprintf("%s: password_command failed (exit status %d)", host,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else if (line == 0)
		*cause = xasprintf("%s: password_command printed no password", host);
	else
		*out = xstrndup(buf, line);
	free(label);
	return *out != NULL ? 0 : -1;
}

/*
 * Run cmd through /bin/sh -c and take the first line of its standard output as
 * host's password (*out, a secret). Standard input and error stay the user's,
 * so a command may ask for a passphrase (it gets the terminal while it runs).
 * The command runs in a process group of its own, killed whole when timeout_ms
 * passes or when SIGINT, SIGTERM or SIGHUP arrives (which is then re-raised).
 * The output never appears in messages.
 */
static int
creds_run_command(const char *cmd, const char *host, int64_t timeout_ms, char **out,
    char **cause)
{
	struct sigaction old[CREDS_NSIGS];
	char *buf;
	size_t len = 0;
	int64_t deadline = time_mono_ms() + timeout_ms;
	pid_t pid;
	int fds[2], rc, status = 0, tty = -1, stop;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		*cause = xasprintf("%s: cannot run password_command: %s", host, strerror(errno));
		return -1;
	}
	creds_catch_signals(old);
	rc = creds_spawn(cmd, fds[1], &pid);
	close(fds[1]);
	if (rc != 0) {
		creds_restore_signals(old);
		close(fds[0]);
		*cause = xasprintf("%s: cannot run password_command: %s", host, strerror(rc));
		return -1;
	}
	/* In the foreground of a terminal: the command's group gets it while it runs. */
	if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp()) {
		tty = STDIN_FILENO;
		creds_give_terminal(tty, pid);
		kill(-pid, SIGCONT);	/* in case it touched the terminal before it had it */
	}
	buf = xmalloc(CREDS_MAX_OUTPUT + 1);
	stop = creds_read_output(fds[0], deadline, buf, &len);
	close(fds[0]);
	if (stop == 0)
		stop = creds_wait_child(pid, deadline, &status);
	if (stop != 0) {
		kill(-pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			continue;
	}
	if (tty >= 0)
		creds_give_terminal(tty, 0);
	creds_restore_signals(old);
	rc = creds_command_verdict(cmd, host, timeout_ms, stop, status, buf, len, out, cause);
	creds_scrub(buf, len);
	free(buf);
	if (stop > 0)
		raise(stop);	/* the program's own disposition now */
	return rc;
}

/*
 * Next netrc token from *p: a word, or a "quoted string" with backslash escapes.
 * NULL at the end. malloc'd.
 */
static char *
netrc_token(const char **p)
{
	const char *s = *p;
	struct strbuf sb;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0') {
		*p = s;
		return NULL;
	}
	strbuf_init(&sb);
	if (*s == '"') {
		for (s++; *s != '\0' && *s != '"'; s++) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			strbuf_addc(&sb, *s);
		}
		if (*s == '"')
			s++;
	} else {
		while (*s != '\0' && !isspace((unsigned char)*s))
			strbuf_addc(&sb, *s++);
	}
	*p = s;
	return strbuf_detach(&sb, NULL);
}

/* Parse netrc text into st->netrc (machine/default entries with login and password). */
static void
netrc_parse(struct creds_state *st, const char *text)
{
	const char *p = text, *end;
	struct netrc_entry *cur = NULL;
	char *tok, **field;

	while ((tok = netrc_token(&p)) != NULL) {
		field = NULL;
		if (strcmp(tok, "machine") == 0 || strcmp(tok, "default") == 0) {
			st->netrc = xreallocarray(st->netrc, st->nnetrc + 1, sizeof *st->netrc);
			cur = &st->netrc[st->nnetrc++];
			memset(cur, 0, sizeof *cur);
			if (strcmp(tok, "machine") == 0)
				cur->machine = netrc_token(&p);
		} else if (strcmp(tok, "login") == 0 && cur != NULL) {
			field = &cur->login;
		} else if (strcmp(tok, "password") == 0 && cur != NULL) {
			field = &cur->password;
		} else if (strcmp(tok, "macdef") == 0) {
			/* a macro runs to the next blank line */
			end = strstr(p, "\n\n");
			p = end != NULL ? end + 2 : p + strlen(p);
			cur = NULL;
		}
		if (field != NULL) {
			xfree_secret(*field);
			*field = netrc_token(&p);
		}
		xfree_secret(tok);
	}
}

/*
 * Read ~/.netrc once; one that group or others can read, or that is not a regular
 * file (a FIFO would block), is ignored with a warning.
 */
static void
netrc_load(struct creds_state *st, struct config *cfg)
{
	char *home, *path, *text;
	struct stat sb;
	ssize_t r;
	size_t len = 0;
	int fd;

	st->netrc_loaded = true;
	if ((home = paths_home()) == NULL)
		return;
	path = xasprintf("%s/.netrc", home);
	free(home);
	/* Non-blocking open: a FIFO must not hold us up; only a regular file is read. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		free(path);
		return;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		config_add_warning(cfg, "%s: not a regular file, so its passwords are not used",
		    path);
		close(fd);
		free(path);
		return;
	}
	if ((sb.st_mode & 077) != 0) {
		config_add_warning(cfg, "%s: permissions %04o are too open, so its passwords are "
		    "not used (chmod 600 %s)", path, (unsigned)(sb.st_mode & 07777), path);
		close(fd);
		free(path);
		return;
	}
	text = xmalloc(CREDS_MAX_NETRC + 1);
	while (len < CREDS_MAX_NETRC &&
	    ((r = read(fd, text + len, CREDS_MAX_NETRC - len)) > 0 || (r < 0 && errno == EINTR)))
		if (r > 0)
			len += (size_t)r;
	close(fd);
	text[len] = '\0';
	netrc_parse(st, text);
	creds_scrub(text, len);
	free(text);
	free(path);
}

/*
 * The netrc entry for host and user: a machine entry whose name matches the host
 * and whose login (when both are known) matches the user, else the default entry
 * under the same login rule. NULL when none has a password.
 */
static const struct netrc_entry *
netrc_find(const struct creds_state *st, const char *host, const char *user)
{
	const struct netrc_entry *dflt = NULL, *e;
	size_t i;

	for (i = 0; i < st->nnetrc; i++) {
		e = &st->netrc[i];
		if (e->password == NULL)
			continue;
		if (user != NULL && e->login != NULL && strcasecmp(user, e->login) != 0)
			continue;
		if (e->machine == NULL) {
			if (dflt == NULL)
				dflt = e;
		} else if (strcasecmp(e->machine, host) == 0)
			return e;
	}
	return dflt;
}

/* The signal that interrupted the prompt (set by its handler), or -1 when it could not be shown. */
static volatile sig_atomic_t creds_prompt_signal;

/* Note the signal; the read returns EINTR and the prompt restores the terminal. */
static void
creds_prompt_handler(int sig)
{
	creds_prompt_signal = sig;
}

/*
 * Turn the terminal's echo off, show prompt, read one line from fd, and restore
 * the terminal on every path. Echo goes off before the prompt appears, so that
 * nothing typed after the prompt is echoed or flushed.
 */
static int
creds_read_noecho(int fd, const char *prompt, char *buf, size_t size, size_t *len)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa, old[sizeof sigs / sizeof sigs[0]];
	struct termios saved, quiet;
	sigset_t block, oldmask;
	size_t i, n = 0;
	ssize_t r;
	char c;

	if (tcgetattr(fd, &saved) != 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = creds_prompt_handler;	/* no SA_RESTART: read must return */
	sigemptyset(&sa.sa_mask);
	creds_prompt_signal = 0;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, &old[i]);
	sigemptyset(&block);
	sigaddset(&block, SIGTSTP);	/* ^Z waits until echo is back on */
	sigprocmask(SIG_BLOCK, &block, &oldmask);
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	quiet.c_lflag |= ICANON;
	tcsetattr(fd, TCSAFLUSH, &quiet);
	if (write(fd, prompt, strlen(prompt)) < 0)
		creds_prompt_signal = -1;
	while (creds_prompt_signal == 0) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			break;
		if (n + 1 < size)
			buf[n++] = c;
	}
	creds_scrub(&c, sizeof c);
	tcsetattr(fd, TCSAFLUSH, &saved);
	if (write(fd, "\n", 1) < 0) {
		/* the newline is cosmetic */
	}
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &old[i], NULL);
	buf[n] = '\0';
	*len = n;
	if (creds_prompt_signal != 0) {
		creds_scrub(buf, n);
		if (creds_prompt_signal > 0)
			raise(creds_prompt_signal);	/* the program's own disposition now */
		return -1;
	}
	return 0;
}

/* Ask for user's password on the terminal (echo off). *out is a secret. */
static int
creds_prompt(const char *user, const char *host, size_t nhosts, char **out, char **cause)
{
	char *buf = xmalloc(CREDS_MAX_PASSWORD + 1), *safe_user, *safe_host, *prompt;
	size_t len = 0;
	int fd, rc;

	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		*cause = xasprintf("%s: no terminal to ask for the password of %s: %s", host, user,
		    strerror(errno));
		free(buf);
		return -1;
	}
	safe_user = sanitize_terminal(user);
	safe_host = sanitize_terminal(host);
	if (nhosts > 1)
		prompt = xasprintf("Password for %s (%s and %zu more host%s): ", safe_user, safe_host,
		    nhosts - 1, nhosts > 2 ? "s" : "");
	else
		prompt = xasprintf("Password for %s on %s: ", safe_user, safe_host);
	free(safe_user);
	free(safe_host);
	rc = creds_read_noecho(fd, prompt, buf, CREDS_MAX_PASSWORD + 1, &len);
	free(prompt);
	close(fd);
	if (rc != 0)
		*cause = xasprintf("%s: could not read the password of %s from the terminal", host,
		    user);
	else if (len == 0)
		*cause = xasprintf("%s: no password given for %s", host, user);
	else
		*out = xstrndup(buf, len);
	creds_scrub(buf, len);
	free(buf);
	return *out != NULL ? 0 : -1;
}

/* True when h still needs a password (basic auth, none yet). */
static bool
creds_needed(const struct host_cfg *h)
{
	return h->settings.auth == AUTH_BASIC && h->settings.password == NULL;
}

/* The non-interactive sources for host h: its command, the environment, ~/.netrc. */
static int
creds_from_sources(struct creds_state *st, struct config *cfg, struct host_cfg *h,
    char **cause)
{
	const char *env = getenv("BITSTOP_PASSWORD"), *cached;
	const struct netrc_entry *e;
	char *pw = NULL;

	if (h->settings.password_command != NULL) {
		if ((cached = cache_get(st, CREDS_COMMAND, h->settings.password_command)) != NULL) {
			h->settings.password = xstrdup(cached);
			return 0;
		}
		if (creds_run_command(h->settings.password_command, h->name, st->command_timeout_ms,
		    &pw, cause) != 0)
			return -1;
		cache_put(st, CREDS_COMMAND, h->settings.password_command, pw);
		h->settings.password = pw;
		return 0;
	}
	if (env != NULL && env[0] != '\0') {
		h->settings.password = xstrdup(env);
		return 0;
	}
	if (!st->netrc_loaded)
		netrc_load(st, cfg);
	if ((e = netrc_find(st, h->hostname, h->settings.user)) != NULL) {
		if (h->settings.user == NULL && e->login != NULL)
			h->settings.user = xstrdup(e->login);
		h->settings.password = xstrdup(e->password);
	}
	return 0;
}

/* Prompt once per distinct user for the hosts still without a password. */
static int
creds_prompt_all(struct creds_state *st, struct config *cfg, bool interactive, char **cause)
{
	const char *cached;
	char *pw = NULL;
	size_t i, j, n;

	for (i = 0; i < cfg->nhosts; i++) {
		struct host_cfg *h = &cfg->hosts[i];

		if (!creds_needed(h))
			continue;
		if (h->settings.user == NULL) {
			*cause = xasprintf("%s: basic authentication needs a user (set 'user' in the "
			    "config or use -u)", h->name);
			return -1;
		}
		if ((cached = cache_get(st, CREDS_PROMPT, h->settings.user)) != NULL) {
			h->settings.password = xstrdup(cached);
			continue;
		}
		if (!interactive) {
			*cause = xasprintf("%s: no password for %s (use password_command in the "
			    "config, $BITSTOP_PASSWORD or ~/.netrc, or run on a terminal)", h->name,
			    h->settings.user);
			return -1;
		}
		for (n = 0, j = i; j < cfg->nhosts; j++)
			if (creds_needed(&cfg->hosts[j]) && cfg->hosts[j].settings.user != NULL &&
			    strcasecmp(cfg->hosts[j].settings.user, h->settings.user) == 0)
				n++;
		if (creds_prompt(h->settings.user, h->name, n, &pw, cause) != 0)
			return -1;
		cache_put(st, CREDS_PROMPT, h->settings.user, pw);
		h->settings.password = pw;
		pw = NULL;
	}
	return 0;
}

/* Overwrite $BITSTOP_PASSWORD's value where it lies (what /proc/PID/environ shows) and drop it. */
static void
creds_forget_environment(void)
{
	char *env = getenv("BITSTOP_PASSWORD");

	if (env == NULL)
		return;
	creds_scrub(env, strlen(env));
	unsetenv("BITSTOP_PASSWORD");
}

int
creds_resolve(struct config *cfg, bool interactive, char **cause)
{
	return creds_resolve_timed(cfg, interactive, CREDS_COMMAND_TIMEOUT_MS, cause);
}

int
creds_resolve_timed(struct config *cfg, bool interactive, int64_t command_timeout_ms,
    char **cause)
{
	struct creds_state st;
	size_t i;
	int rc = 0;

	memset(&st, 0, sizeof st);
	st.command_timeout_ms = command_timeout_ms > 0 ? command_timeout_ms :
	    CREDS_COMMAND_TIMEOUT_MS;
	for (i = 0; i < cfg->nhosts && rc == 0; i++)
		if (creds_needed(&cfg->hosts[i]))
			rc = creds_from_sources(&st, cfg, &cfg->hosts[i], cause);
	if (rc == 0)
		rc = creds_prompt_all(&st, cfg, interactive, cause);
	creds_state_done(&st);
	creds_forget_environment();
	return rc;
}
