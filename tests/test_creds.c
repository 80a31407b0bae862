/*
 * Tests for src/creds.c: where passwords come from (bitstop(1)), in order
 * password_command > $BITSTOP_PASSWORD > ~/.netrc > prompt, and that no secret
 * leaks into messages or into the command's environment.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "src/cfg.h"
#include "src/creds.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

/* A private temporary HOME for one test. */
struct home {
	char	 dir[64];
};

/* Assert that haystack contains needle, showing both when not. */
static void
assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

/* Write text to dir/name with mode; returns the malloc'd path. */
static char *
write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

/* Group setup: a fresh empty HOME and no password in the environment. */
static int
home_setup(void **state)
{
	struct home *h = xcalloc(1, sizeof *h);

	snprintf(h->dir, sizeof h->dir, "/tmp/test_creds.XXXXXX");
	if (mkdtemp(h->dir) == NULL)
		return -1;
	setenv("HOME", h->dir, 1);
	unsetenv("BITSTOP_PASSWORD");
	*state = h;
	return 0;
}

/* Remove the temporary HOME. */
static int
home_teardown(void **state)
{
	struct home *h = *state;
	char *cmd = xasprintf("rm -rf '%s'", h->dir);
	int rc = system(cmd);

	free(cmd);
	free(h);
	unsetenv("BITSTOP_PASSWORD");
	return rc == 0 ? 0 : -1;
}

/* A config from text (which must load). */
static struct config *
cfg_from(const char *text)
{
	struct config *cfg = config_new();
	char *cause = NULL;

	if (config_load_string(cfg, text, "t.conf", &cause) != 0)
		fail_msg("%s", cause);
	return cfg;
}

/* Protects: a file holding a password must be 0600-like, as ssh requires of keys. */
static void
test_file_private(void **state)
{
	struct home *h = *state;
	char *path = write_file(h->dir, "f.conf", "x", 0600), *cause = NULL;

	assert_int_equal(creds_check_file_private(path, &cause), 0);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(creds_check_file_private(path, &cause), -1);
	assert_contains(cause, "permissions 0644 are too open");
	assert_contains(cause, path);
	free(cause);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(creds_check_file_private(path, &cause), -1);
	assert_contains(cause, "0640");
	free(cause);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(creds_check_file_private(path, &cause), 0);
	unlink(path);
	assert_int_equal(creds_check_file_private(path, &cause), -1);
	assert_contains(cause, "No such file");
	free(cause);
	free(path);
}

/* Protects: the order password_command > $BITSTOP_PASSWORD > ~/.netrc. */
static void
test_order(void **state)
{
	struct home *h = *state;
	char *netrc = write_file(h->dir, ".netrc",
	    "machine a login alice password netrc-a\n"
	    "machine b login alice password netrc-b\n"
	    "machine c login alice password netrc-c\n", 0600);
	struct config *cfg;
	char *cause = NULL;

	cfg = cfg_from("defaults = { user = \"alice\"; };\n"
	    "hosts = ( { host = \"a\"; password_command = \"printf 'cmd-pw\\\\nsecond\\\\n'\"; },"
	    " \"b\" );\n");
	setenv("BITSTOP_PASSWORD", "env-pw", 1);
	if (creds_resolve(cfg, false, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(cfg->hosts[0].settings.password, "cmd-pw");
	assert_string_equal(cfg->hosts[1].settings.password, "env-pw");
	config_free(cfg);

	unsetenv("BITSTOP_PASSWORD");
	cfg = cfg_from("hosts = ( { host = \"c\"; user = \"alice\"; } );\n");
	if (creds_resolve(cfg, false, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(cfg->hosts[0].settings.password, "netrc-c");
	config_free(cfg);
	unlink(netrc);
	free(netrc);
}

/* Protects: a failing command is an error naming host and status, never its output. */
static void
test_command_failure(void **state)
{
	struct config *cfg;
	char *cause = NULL;

	(void)state;
	cfg = cfg_from("defaults = { user = \"u\"; password_command = \"echo leaked-secret; exit 3\"; };\n"
	    "hosts = [ \"ws01\" ];\n");
	assert_int_equal(creds_resolve(cfg, false, &cause), -1);
	assert_string_equal(cause, "ws01: password_command failed (exit status 3)");
	free(cause);
	config_free(cfg);

	cfg = cfg_from("defaults = { user = \"u\"; password_command = \"true\"; };\n"
	    "hosts = [ \"ws01\" ];\n");
	assert_int_equal(creds_resolve(cfg, false, &cause), -1);
	assert_string_equal(cause, "ws01: password_command printed no password");
	free(cause);
	config_free(cfg);

	cfg = cfg_from("defaults = { user = \"u\"; password_command = \"echo s; kill -9 $$\"; };\n"
	    "hosts = [ \"ws01\" ];\n");
	assert_int_equal(creds_resolve(cfg, false, &cause), -1);
	assert_string_equal(cause, "ws01: password_command was killed by signal 9");
	free(cause);
	config_free(cfg);
}

/* Protects: the command never sees $BITSTOP_PASSWORD, and runs once for all hosts sharing it. */
static void
test_command_env_and_reuse(void **state)
{
	struct home *h = *state;
	char *count = xasprintf("%s/count", h->dir), *text, *cause = NULL;
	struct config *cfg;
	FILE *f;
	int lines = 0, c;

	text = xasprintf("defaults = { user = \"u\"; password_command = "
	    "\"echo run >> %s; [ -z \\\"${BITSTOP_PASSWORD+x}\\\" ] && echo clean || echo dirty\"; };\n"
	    "hosts = [ \"h1\", \"h2\", \"h3\" ];\n", count);
	cfg = cfg_from(text);
	setenv("BITSTOP_PASSWORD", "env-secret", 1);
	if (creds_resolve(cfg, false, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(cfg->hosts[0].settings.password, "clean");
	assert_string_equal(cfg->hosts[2].settings.password, "clean");
	assert_non_null(f = fopen(count, "r"));
	while ((c = fgetc(f)) != EOF)
		lines += c == '\n';
	fclose(f);
	assert_int_equal(lines, 1);
	config_free(cfg);
	free(text);
	free(count);
}

/* Protects: netrc login matching, the default entry, quoting, macdef, user taken from login. */
static void
test_netrc_rules(void **state)
{
	struct home *h = *state;
	char *netrc = write_file(h->dir, ".netrc",
	    "macdef init\nmachine a login x password macro-pw\n\n"
	    "machine a login bob password bob-a\n"
	    "machine A login alice password \"with space\\\"q\"\n"
	    "machine solo login carol password solo-pw\n"
	    "default login alice password default-pw\n", 0600);
	struct config *cfg;
	char *cause = NULL;

	cfg = cfg_from("hosts = ( { host = \"a\"; user = \"alice\"; }, { host = \"a:5985\"; "
	    "user = \"bob\"; auth = \"basic\"; allow_unencrypted = true; },"
	    " { host = \"other\"; user = \"Alice\"; }, \"solo\" );\n");
	if (creds_resolve(cfg, false, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(cfg->hosts[0].settings.password, "with space\"q");
	assert_string_equal(cfg->hosts[1].settings.password, "bob-a");
	assert_string_equal(cfg->hosts[2].settings.password, "default-pw");
	assert_string_equal(cfg->hosts[3].settings.user, "carol");
	assert_string_equal(cfg->hosts[3].settings.password, "solo-pw");
	config_free(cfg);

	/* a login that matches no entry and no default: no password, not interactive */
	cfg = cfg_from("hosts = ( { host = \"solo\"; user = \"mallory\"; } );\n");
	assert_int_equal(creds_resolve(cfg, false, &cause), -1);
	assert_contains(cause, "solo: no password for mallory");
	free(cause);
	config_free(cfg);
	unlink(netrc);
	free(netrc);
}

/* Protects: a ~/.netrc others can read is not used, with a warning saying why. */
static void
test_netrc_mode(void **state)
{
	struct home *h = *state;
	char *netrc = write_file(h->dir, ".netrc", "machine a login u password pw\n", 0644);
	struct config *cfg = cfg_from("hosts = ( { host = \"a\"; user = \"u\"; } );\n");
	char *cause = NULL;

	assert_int_equal(creds_resolve(cfg, false, &cause), -1);
	assert_contains(cause, "a: no password for u");
	free(cause);
	assert_int_equal(cfg->nwarnings, 1);
	assert_contains(cfg->warnings[0], "/.netrc: permissions 0644 are too open");
	assert_null(cfg->hosts[0].settings.password);
	config_free(cfg);
	unlink(netrc);
	free(netrc);
}

/* Protects: negotiate needs no password; basic without a user is an error saying so. */
static void
test_negotiate_and_missing_user(void **state)
{
	struct config *cfg;
	char *cause = NULL;

	(void)state;
	cfg = cfg_from("defaults = { auth = \"negotiate\"; };\nhosts = [ \"k1\" ];\n");
	assert_int_equal(creds_resolve(cfg, false, &cause), 0);
	assert_null(cfg->hosts[0].settings.password);
	config_free(cfg);
	cfg = cfg_from("hosts = [ \"b1\" ];\n");
	assert_int_equal(creds_resolve(cfg, false, &cause), -1);
	assert_contains(cause, "b1: basic authentication needs a user");
	free(cause);
	config_free(cfg);
}

/* Read from fd into sb until needle appears, EOF, or 10 s pass; true when found. */
static bool
read_until(int fd, struct strbuf *sb, const char *needle)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[256];
	ssize_t n;
	int i;

	for (i = 0; i < 100; i++) {
		if (needle != NULL && strstr(sb->s, needle) != NULL)
			return true;
		if (poll(&p, 1, 100) <= 0)
			continue;
		if ((n = read(fd, buf, sizeof buf)) <= 0)
			return needle == NULL;
		strbuf_add(sb, buf, (size_t)n);
	}
	return false;
}

/* In the child on the pseudo-terminal: resolve and check what was typed. */
static void
prompt_child(void)
{
	struct config *cfg;
	char *cause = NULL;
	bool ok;

	alarm(20);
	cfg = config_new();
	if (config_load_string(cfg, "hosts = ( { host = \"a\"; user = \"alice\"; }, "
	    "{ host = \"b\"; user = \"bob\"; }, { host = \"c\"; user = \"ALICE\"; } );\n",
	    "t.conf", &cause) != 0)
		_exit(2);
	if (creds_resolve(cfg, true, &cause) != 0)
		_exit(3);
	ok = strcmp(cfg->hosts[0].settings.password, "alice-typed") == 0 &&
	    strcmp(cfg->hosts[1].settings.password, "bob-typed") == 0 &&
	    strcmp(cfg->hosts[2].settings.password, "alice-typed") == 0;
	config_free(cfg);
	_exit(ok ? 0 : 4);
}

/* Protects: the prompt asks once per distinct user, on the terminal, with echo off. */
static void
test_prompt(void **state)
{
	struct strbuf out;
	int master, status;
	pid_t pid;
	const char *p;
	int prompts = 0;

	(void)state;
	pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0)
		prompt_child();
	strbuf_init(&out);
	assert_true(read_until(master, &out, "Password for alice (a and 1 more host): "));
	assert_int_equal(write(master, "alice-typed\n", 12), 12);
	assert_true(read_until(master, &out, "Password for bob on b: "));
	assert_int_equal(write(master, "bob-typed\n", 10), 10);
	read_until(master, &out, NULL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	for (p = out.s; (p = strstr(p, "Password for")) != NULL; p++)
		prompts++;
	assert_int_equal(prompts, 2);
	if (strstr(out.s, "typed") != NULL)
		fail_msg("the password was echoed: %s", out.s);
	strbuf_done(&out);
	close(master);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_private, home_setup, home_teardown),
		cmocka_unit_test_setup_teardown(test_order, home_setup, home_teardown),
		cmocka_unit_test_setup_teardown(test_command_failure, home_setup, home_teardown),
		cmocka_unit_test_setup_teardown(test_command_env_and_reuse, home_setup, home_teardown),
		cmocka_unit_test_setup_teardown(test_netrc_rules, home_setup, home_teardown),
		cmocka_unit_test_setup_teardown(test_netrc_mode, home_setup, home_teardown),
		cmocka_unit_test_setup_teardown(test_negotiate_and_missing_user, home_setup,
		    home_teardown),
		cmocka_unit_test_setup_teardown(test_prompt, home_setup, home_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
