/*
 * Tests for src/cfg.c: loading bitstop.conf (bitstop.conf(5)). Every message a user
 * sees about the file must name the file, the line and what was expected.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "src/cfg.h"
#include "src/xalloc.h"

#define FIXTURES TOP_SRCDIR "/tests/fixtures/cfg"

/* Load text that must be accepted; fails the test with the message otherwise. */
static struct config *
load_ok(const char *text)
{
	struct config *cfg = config_new();
	char *cause = NULL;

	if (config_load_string(cfg, text, "t.conf", &cause) != 0)
		fail_msg("unexpected error: %s", cause);
	return cfg;
}

/* Load text that must be refused; returns the message. */
static char *
load_err(const char *text)
{
	struct config *cfg = config_new();
	char *cause = NULL;

	assert_int_equal(config_load_string(cfg, text, "t.conf", &cause), -1);
	assert_non_null(cause);
	config_free(cfg);
	return cause;
}

/* Assert that haystack contains needle, showing both when not. */
static void
assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

/* Write text to a new file at path with mode. */
static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Protects: a config with no file has the documented built-in defaults. */
static void
test_builtin_defaults(void **state)
{
	struct config *cfg = config_new();

	(void)state;
	assert_true(cfg->refresh == 5.0);
	assert_true(cfg->stall_after == 600.0);
	assert_string_equal(cfg->theme, "default");
	assert_false(cfg->readonly);
	assert_non_null(cfg->audit_log);
	assert_contains(cfg->audit_log, "/bitstop/audit.log");
	assert_int_equal(cfg->defaults.auth, AUTH_BASIC);
	assert_string_equal(cfg->defaults.scheme, "https");
	assert_true(cfg->defaults.verify_tls);
	assert_true(cfg->defaults.timeout == 15.0);
	assert_int_equal(cfg->nhosts, 0);
	config_free(cfg);
	config_free(NULL);
}

/* Protects: fixtures/cfg/example.conf loads with every setting where it belongs. */
static void
test_spec_example(void **state)
{
	struct config *cfg = config_new();
	const struct host_cfg *h;
	char *cause = NULL;

	(void)state;
	if (config_load_file(cfg, FIXTURES "/example.conf", &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(cfg->nwarnings, 0);
	assert_string_equal(cfg->path, FIXTURES "/example.conf");
	assert_int_equal(cfg->nhosts, 4);
	assert_string_equal(cfg->defaults.user, "CONTOSO\\bitsops");
	assert_int_equal(cfg->defaults.auth, AUTH_NEGOTIATE);
	assert_true(cfg->defaults.timeout == 15.0);
	assert_string_equal(cfg->defaults.cacert, "/etc/ssl/certs/corp-ca.pem");
	assert_non_null(strstr(cfg->audit_log, "/.local/state/bitstop/audit.log"));
	assert_int_not_equal(cfg->audit_log[0], '~');

	h = &cfg->hosts[0];
	assert_string_equal(h->name, "ws01");
	assert_string_equal(h->url, "https://ws01:5986/wsman");
	assert_string_equal(h->group, "branch-a");
	assert_true(h->settings.readonly);
	assert_int_equal(h->settings.auth, AUTH_NEGOTIATE);
	assert_string_equal(h->settings.user, "CONTOSO\\bitsops");
	assert_string_equal(h->settings.password_command, "pass show winrm/bitsops");
	assert_string_equal(h->origin, FIXTURES "/example.conf:20");
	assert_string_equal(cfg->hosts[1].name, "ws02");
	assert_string_equal(cfg->hosts[2].url, "https://10.1.2.3:5986/wsman");

	h = &cfg->hosts[3];
	assert_string_equal(h->url, "http://lab1:5985/wsman");
	assert_false(h->https);
	assert_string_equal(h->group, "lab");
	assert_false(h->settings.readonly);
	assert_int_equal(h->settings.auth, AUTH_BASIC);
	assert_string_equal(h->settings.user, "Administrator");
	assert_true(h->settings.allow_unencrypted);
	assert_int_equal(config_check(cfg, &cause), 0);
	config_free(cfg);
}

/* Protects: a libconfig syntax error names the file, the line and libconfig's text. */
static void
test_syntax_error(void **state)
{
	struct config *cfg = config_new();
	char *cause;

	(void)state;
	cause = load_err("version = 1;\n\nrefresh = ;\n");
	assert_string_equal(cause, "t.conf:3: syntax error");
	free(cause);
	assert_int_equal(config_load_file(cfg, FIXTURES "/syntax-error.conf", &cause), -1);
	assert_string_equal(cause, FIXTURES "/syntax-error.conf:4: syntax error");
	free(cause);
	assert_int_equal(config_load_file(cfg, FIXTURES "/no-such.conf", &cause), -1);
	assert_string_equal(cause, FIXTURES "/no-such.conf: No such file or directory");
	free(cause);
	assert_int_equal(config_load_file(cfg, FIXTURES, &cause), -1);
	assert_contains(cause, "not a regular file");
	free(cause);
	config_free(cfg);
}

/* Protects: a value of the wrong type is an error naming file, line, key and expectation. */
static void
test_wrong_type(void **state)
{
	char *cause;

	(void)state;
	cause = load_err("version = 1;\ndefaults: {\n  timeout = \"abc\";\n};\n");
	assert_string_equal(cause,
	    "t.conf:3: 'timeout' must be a number of seconds greater than 0 (got \"abc\")");
	free(cause);
	cause = load_err("readonly = \"yes\";\n");
	assert_string_equal(cause, "t.conf:1: 'readonly' must be true or false (got \"yes\")");
	free(cause);
	cause = load_err("\ndefaults = { port = \"5986\"; };\n");
	assert_string_equal(cause, "t.conf:2: 'port' must be a port number from 1 to 65535 "
	    "(got \"5986\")");
	free(cause);
	cause = load_err("groups = { name = \"x\"; };\n");
	assert_contains(cause, "t.conf:1: 'groups' must be a list of groups");
	free(cause);
	cause = load_err("groups = ( { name = \"a\"; hosts = [ \"x\" ]; },\n  5 );\n");
	assert_string_equal(cause, "t.conf:2: 'groups' entries must be groups { name = \"...\"; "
	    "hosts = [ ... ]; } (got 5)");
	free(cause);
	cause = load_err("hosts = [ 1, 2 ];\n");
	assert_contains(cause, "t.conf:1: 'hosts' entries must be host names");
	free(cause);
	/* a password of the wrong type is described, never echoed */
	cause = load_err("defaults = { password = 123456; };\n");
	assert_string_equal(cause, "t.conf:1: 'password' must be a non-empty string (got a number)");
	free(cause);
}

/* Protects: a value out of range is an error naming file, line and what is allowed. */
static void
test_bad_value(void **state)
{
	char *cause;

	(void)state;
	cause = load_err("defaults = {\n auth = \"ntlm\";\n};\n");
	assert_string_equal(cause,
	    "t.conf:2: 'auth' must be \"basic\" or \"negotiate\" (got \"ntlm\")");
	free(cause);
	cause = load_err("refresh = 0.1;\n");
	assert_string_equal(cause,
	    "t.conf:1: 'refresh' must be a number of seconds from 0.5 to 86400 (got 0.1)");
	free(cause);
	cause = load_err("stall_after = 0;\n");
	assert_string_equal(cause,
	    "t.conf:1: 'stall_after' must be a number of seconds, at least 1 (got 0)");
	free(cause);
	{
		struct config *cfg = load_ok("stall_after = 90;\n");

		assert_true(cfg->stall_after == 90.0);
		config_free(cfg);
	}
	cause = load_err("defaults = { port = 70000; };\n");
	assert_string_equal(cause,
	    "t.conf:1: 'port' must be a port number from 1 to 65535 (got 70000)");
	free(cause);
	cause = load_err("defaults = { scheme = \"ftp\"; };\n");
	assert_contains(cause, "'scheme' must be \"https\" or \"http\" (got \"ftp\")");
	free(cause);
	cause = load_err("defaults = { timeout = 0; };\n");
	assert_contains(cause, "'timeout' must be a number of seconds greater than 0 (got 0)");
	free(cause);
	cause = load_err("version = 2;\n");
	assert_contains(cause, "t.conf:1: 'version' must be 1");
	free(cause);
	cause = load_err("hosts = [ \"ok\",\n \"bad host\" ];\n");
	assert_contains(cause, "t.conf:2: bad host 'bad host'");
	free(cause);
	/* several errors are all reported, one per line */
	cause = load_err("refresh = 0.1;\ntheme = \"\";\n");
	assert_contains(cause, "t.conf:1: 'refresh'");
	assert_contains(cause, "\nt.conf:2: 'theme' must be a theme name");
	free(cause);
}

/* Protects: an unknown key is a warning with file and line and the keys allowed there. */
static void
test_unknown_key_warning(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = load_ok("version = 1;\ncolour = true;\ndefaults = {\n  timout = 5;\n};\n"
	    "groups = ( { name = \"g\"; hosts = [ \"a\" ]; color = 1; } );\n");
	assert_int_equal(cfg->nwarnings, 3);
	assert_string_equal(cfg->warnings[0], "t.conf:2: unknown key 'colour' (expected one of "
	    "version, refresh, theme, readonly, audit_log, stall_after, defaults, groups, hosts)");
	assert_string_equal(cfg->warnings[1], "t.conf:4: unknown key 'timout' (expected one of "
	    "user, auth, scheme, port, verify_tls, cacert, timeout, password_command, password, "
	    "allow_unencrypted, readonly, backend, system_task)");
	assert_contains(cfg->warnings[2], "t.conf:6: unknown key 'color' (expected one of name, "
	    "hosts, user, ");
	/* the known keys around the unknown ones still apply */
	assert_int_equal(cfg->nhosts, 1);
	config_free(cfg);
}

/* Protects: per-host overrides in a top-level hosts list, and group > defaults inheritance. */
static void
test_overrides(void **state)
{
	struct config *cfg;
	char *cause = NULL;

	(void)state;
	cfg = load_ok("defaults = { user = \"d\"; timeout = 30; scheme = \"http\"; "
	    "auth = \"negotiate\"; };\n"
	    "hosts = ( \"a\",\n  { host = \"b\"; auth = \"basic\"; allow_unencrypted = true; "
	    "user = \"hb\"; port = 8080; } );\n"
	    "groups = ( { name = \"g\"; timeout = 2.5; verify_tls = false; hosts = ( \"c\", "
	    "{ host = \"d\"; scheme = \"https\"; } ); } );\n");
	assert_int_equal(cfg->nhosts, 4);
	assert_string_equal(cfg->hosts[0].url, "http://a:5985/wsman");
	assert_int_equal(cfg->hosts[0].settings.auth, AUTH_NEGOTIATE);
	assert_null(cfg->hosts[0].group);
	assert_string_equal(cfg->hosts[1].url, "http://b:8080/wsman");
	assert_int_equal(cfg->hosts[1].settings.auth, AUTH_BASIC);
	assert_string_equal(cfg->hosts[1].settings.user, "hb");
	assert_true(cfg->hosts[1].settings.timeout == 30.0);
	assert_string_equal(cfg->hosts[1].origin, "t.conf:3");
	assert_string_equal(cfg->hosts[2].url, "http://c:5985/wsman");
	assert_true(cfg->hosts[2].settings.timeout == 2.5);
	assert_false(cfg->hosts[2].settings.verify_tls);
	assert_string_equal(cfg->hosts[2].settings.user, "d");
	assert_string_equal(cfg->hosts[3].url, "https://d:5986/wsman");
	assert_string_equal(cfg->hosts[3].group, "g");
	assert_int_equal(config_check(cfg, &cause), 0);
	config_free(cfg);

	/* the most specific of password and password_command wins */
	cfg = load_ok("defaults = { password_command = \"echo x\"; };\n"
	    "hosts = ( { host = \"a\"; password = \"p\"; }, \"b\" );\n");
	assert_string_equal(cfg->hosts[0].settings.password, "p");
	assert_null(cfg->hosts[0].settings.password_command);
	assert_null(cfg->hosts[1].settings.password);
	assert_string_equal(cfg->hosts[1].settings.password_command, "echo x");
	config_free(cfg);
	cause = load_err("defaults = { password = \"p\";\n password_command = \"c\"; };\n");
	assert_contains(cause, "t.conf:1: 'password' and 'password_command' cannot both be set");
	free(cause);
}

/* Protects: plain HTTP with basic auth is refused unless allow_unencrypted, naming host and origin. */
static void
test_check_http_basic(void **state)
{
	struct config *cfg;
	char *cause = NULL;

	(void)state;
	cfg = load_ok("defaults = { auth = \"basic\"; };\nhosts = [ \"safe\",\n \"lab:5985\" ];\n");
	assert_int_equal(config_check(cfg, &cause), -1);
	assert_contains(cause, "lab:5985 (t.conf:3): plain HTTP with basic authentication");
	assert_null(strstr(cause, "safe"));
	free(cause);
	config_free(cfg);
	cfg = load_ok("hosts = ( { host = \"lab:5985\"; allow_unencrypted = true; } );\n");
	assert_int_equal(config_check(cfg, &cause), 0);
	config_free(cfg);
	cfg = load_ok("defaults = { auth = \"negotiate\"; };\nhosts = [ \"lab:5985\" ];\n");
	assert_int_equal(config_check(cfg, &cause), 0);
	config_free(cfg);
}

/* Protects: a config holding a password is refused unless only its owner can read it. */
static void
test_password_file_mode(void **state)
{
	char dir[] = "/tmp/test_cfg.XXXXXX", path[64];
	const char *text = "defaults = { user = \"u\"; password = \"hunter2\"; };\nhosts = [ \"a\" ];\n";
	struct config *cfg;
	char *cause = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/bitstop.conf", dir);
	write_file(path, text, 0644);
	cfg = config_new();
	assert_int_equal(config_load_file(cfg, path, &cause), -1);
	assert_contains(cause, "permissions 0644 are too open");
	assert_contains(cause, path);
	assert_null(strstr(cause, "hunter2"));
	free(cause);
	config_free(cfg);

	assert_int_equal(chmod(path, 0600), 0);
	cfg = config_new();
	if (config_load_file(cfg, path, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(cfg->hosts[0].settings.password, "hunter2");
	config_free(cfg);

	/* without a password, a readable config is fine */
	write_file(path, "hosts = [ \"a\" ];\n", 0644);
	cfg = config_new();
	assert_int_equal(config_load_file(cfg, path, &cause), 0);
	config_free(cfg);
	unlink(path);
	rmdir(dir);
}

/* Protects: audit_log and cacert expand "~" to the home directory. */
static void
test_tilde_expansion(void **state)
{
	struct config *cfg;
	char *old = getenv("HOME") != NULL ? xstrdup(getenv("HOME")) : NULL;

	(void)state;
	setenv("HOME", "/home/tester", 1);
	cfg = load_ok("audit_log = \"~/logs/audit.log\";\ndefaults = { cacert = \"~/ca.pem\"; };\n");
	assert_string_equal(cfg->audit_log, "/home/tester/logs/audit.log");
	assert_string_equal(cfg->defaults.cacert, "/home/tester/ca.pem");
	config_free(cfg);
	if (old != NULL)
		setenv("HOME", old, 1);
	free(old);
}

/*
 * Protects (issue 14, item 9): integers past 32 bits are read as written, not
 * wrapped by libconfig 1.5 (port = 4294967376 must not become port 80), and are
 * range-checked like any other value; one past 64 bits is an error naming its line.
 */
static void
test_wide_integers(void **state)
{
	struct config *cfg;
	char *cause, *wide;

	(void)state;
	cause = load_err("defaults = { port = 4294967376; };\n");
	assert_string_equal(cause,
	    "t.conf:1: 'port' must be a port number from 1 to 65535 (got 4294967376)");
	free(cause);
	cause = load_err("defaults = { port = 0x100000050; };\n");
	assert_contains(cause, "(got 4294967376)");
	free(cause);
	cause = load_err("defaults = { port = -4294967216; };\n");
	assert_contains(cause, "(got -4294967216)");
	free(cause);
	cause = load_err("version = 4294967297;\n");
	assert_contains(cause, "'version' must be 1");
	free(cause);
	cause = load_err("defaults = { timeout = 4294967299; };\n");
	assert_contains(cause, "at most 86400");
	free(cause);
	cause = load_err("\n# 1\nrefresh = 99999999999999999999;\n");
	assert_string_equal(cause, "t.conf:3: the integer 99999999999999999999 is too large "
	    "(more than 64 bits)");
	free(cause);
	/* in range, with the suffix already, and what only looks like a number */
	cfg = load_ok("defaults = { port = 65535; timeout = 1e1; };\n"
	    "refresh = 60L; /* 4294967376 */ # 4294967376\n"
	    "groups = ( { name = \"g4294967376\"; hosts = [ \"h4294967376:5985\" ]; } );\n");
	assert_int_equal(cfg->defaults.port, 65535);
	config_free(cfg);
	wide = config_widen_integers("a = -2147483648; b = 2147483648; c = 0xFFFFFFFF; "
	    "d = 1.5e3000000000; e = \"9999999999\"; f9999999999 = 0x100000000;", "x", &cause);
	assert_string_equal(wide, "a = -2147483648; b = 2147483648L; c = 0xFFFFFFFF; "
	    "d = 1.5e3000000000; e = \"9999999999\"; f9999999999 = 0x100000000L;");
	free(wide);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_defaults),
		cmocka_unit_test(test_spec_example),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_bad_value),
		cmocka_unit_test(test_unknown_key_warning),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_check_http_basic),
		cmocka_unit_test(test_password_file_mode),
		cmocka_unit_test(test_tilde_expansion),
		cmocka_unit_test(test_wide_integers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
