/*
 * Tests for src/cfg_hosts.c and the config search: host specs (bitstop(1)),
 * duplicates, --hosts-file, command-line overrides and where the config is found.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "src/cfg.h"
#include "src/xalloc.h"

#define FIXTURES TOP_SRCDIR "/tests/fixtures/cfg"

/* One host spec and what it must become. */
struct spec_case {
	const char *spec;
	const char *url;	/* NULL: must be refused */
	const char *hostname;
	bool	 https;
};

/* Assert that haystack contains needle, showing both when not. */
static void
assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

/* Protects: every accepted host form normalises to the documented endpoint URL. */
static void
test_spec_forms(void **state)
{
	static const struct spec_case cases[] = {
		{ "ws01", "https://ws01:5986/wsman", "ws01", true },
		{ "ws01:5985", "http://ws01:5985/wsman", "ws01", false },
		{ "ws01:5986", "https://ws01:5986/wsman", "ws01", true },
		{ "ws01.corp.example:8443", "https://ws01.corp.example:8443/wsman",
		    "ws01.corp.example", true },
		{ "10.1.2.3", "https://10.1.2.3:5986/wsman", "10.1.2.3", true },
		{ "http://lab1", "http://lab1:5985/wsman", "lab1", false },
		{ "https://lab1", "https://lab1:5986/wsman", "lab1", true },
		{ "http://lab1:5985/wsman", "http://lab1:5985/wsman", "lab1", false },
		{ "HTTPS://lab1:443/", "https://lab1:443/wsman", "lab1", true },
		{ "https://lab1/custom", "https://lab1:5986/custom", "lab1", true },
		{ "[::1]", "https://[::1]:5986/wsman", "::1", true },
		{ "[fe80::1]:5985", "http://[fe80::1]:5985/wsman", "fe80::1", false },
		{ "http://[2001:db8::7]:8080/wsman", "http://[2001:db8::7]:8080/wsman",
		    "2001:db8::7", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *url = NULL, *hostname = NULL, *cause = NULL;
		bool https = !cases[i].https;

		if (host_spec_parse(cases[i].spec, NULL, &url, &hostname, &https, &cause) != 0)
			fail_msg("%s: %s", cases[i].spec, cause);
		assert_string_equal(url, cases[i].url);
		assert_string_equal(hostname, cases[i].hostname);
		assert_int_equal(https, cases[i].https);
		free(url);
		free(hostname);
	}
}

/* Protects: malformed specs are refused with a reason that quotes them. */
static void
test_spec_errors(void **state)
{
	static const char *const bad[] = {
		"", "fe80::1", "ws01:0", "ws01:70000", "ws01:abc", "ws01:", "ftp://x",
		"https://user@x", "ws01/wsman", "a b", "http://x/?q=1", "[::1", "[zz]",
		"[::1]x", "-ws01", "ws\x1b[31m", "h\xC3\xA9te", "https://",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *url = NULL, *hostname = NULL, *cause = NULL;
		bool https;

		if (host_spec_parse(bad[i], NULL, &url, &hostname, &https, &cause) == 0)
			fail_msg("'%s' accepted as %s", bad[i], url);
		assert_non_null(cause);
		assert_contains(cause, "bad host '");
		/* the spec is quoted, made printable: no raw escape character */
		assert_null(strchr(cause, '\x1b'));
		free(cause);
	}
}

/* Protects: bare names follow the inherited scheme and port; explicit ports still decide. */
static void
test_spec_settings(void **state)
{
	struct host_settings s;
	char *url, *hostname, *cause = NULL;
	bool https;

	(void)state;
	host_settings_init(&s);
	free(s.scheme);
	s.scheme = xstrdup("http");
	assert_int_equal(host_spec_parse("ws01", &s, &url, &hostname, &https, &cause), 0);
	assert_string_equal(url, "http://ws01:5985/wsman");
	free(url);
	free(hostname);
	assert_int_equal(host_spec_parse("ws01:5986", &s, &url, &hostname, &https, &cause), 0);
	assert_string_equal(url, "https://ws01:5986/wsman");
	free(url);
	free(hostname);
	s.port = 8080;
	assert_int_equal(host_spec_parse("ws01", &s, &url, &hostname, &https, &cause), 0);
	assert_string_equal(url, "http://ws01:8080/wsman");
	free(url);
	free(hostname);
	host_settings_done(&s);
}

/* Protects: the same endpoint listed twice is polled once, with a warning naming both places. */
static void
test_duplicates(void **state)
{
	struct config *cfg = config_new();
	char *cause = NULL, name[32];
	size_t i;

	(void)state;
	assert_int_equal(config_add_host(cfg, "ws01", NULL, &cause), 0);
	assert_int_equal(config_add_host(cfg, "https://WS01:5986/wsman", "x.conf:3", &cause), 0);
	assert_int_equal(config_add_host(cfg, "ws01:5985", NULL, &cause), 0);
	assert_int_equal(cfg->nhosts, 2);
	assert_int_equal(cfg->nwarnings, 1);
	assert_contains(cfg->warnings[0], "x.conf:3: duplicate host 'https://WS01:5986/wsman'");
	assert_contains(cfg->warnings[0], "already listed at command line");
	assert_int_equal(config_add_host(cfg, "bad:port", NULL, &cause), -1);
	assert_contains(cause, "bad host 'bad:port'");
	free(cause);

	/* many hosts: each duplicate is found, each new one kept */
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof name, "h%zu.example", i % 2000);
		assert_int_equal(config_add_host(cfg, name, NULL, &cause), 0);
	}
	assert_int_equal(cfg->nhosts, 2002);
	assert_int_equal(cfg->nwarnings, 1001);

	/* a caller that keeps only some hosts (as --action does) does not confuse the check */
	for (i = 0; i < cfg->nhosts - 1; i++)
		host_cfg_done(&cfg->hosts[i]);
	cfg->hosts[0] = cfg->hosts[cfg->nhosts - 1];
	cfg->nhosts = 1;
	assert_int_equal(config_add_host(cfg, "ws01", NULL, &cause), 0);
	assert_int_equal(config_add_host(cfg, "h1999.example", NULL, &cause), 0);
	assert_int_equal(cfg->nhosts, 2);
	assert_string_equal(cfg->hosts[1].name, "ws01");
	config_free(cfg);
}

/*
 * Protects (issue 14, item 6): every spelling of one endpoint (scheme and host
 * case, default port, a final slash, another form of the IP address) gives the
 * same URL, so a command-line host finds the configured one and its readonly.
 */
static void
test_one_spelling(void **state)
{
	static const char *const same[] = {
		"http://ws01:5985/wsman/", "HTTP://WS01:5985/WSMAN", "ws01:5985", "http://ws01",
		"http://Ws01.:5985//", "http://ws01:5985/wsman//",
	};
	static const char *const ip4[] = {
		"http://10.1.2.3:5985/wsman", "http://10.1.2.3:5985/wsman/", "http://10.1.515:5985",
		"http://0x0a.1.2.3:5985/wsman", "http://167838211:5985/wsman", "10.1.2.3:5985",
	};
	static const char *const ip6[] = {
		"http://[fe80::1]:5985/wsman", "http://[FE80:0:0::0001]:5985/wsman/", "[fe80::0:1]:5985",
	};
	struct config *cfg;
	struct host_settings ro;
	char *cause = NULL;
	size_t i;

	(void)state;
	cfg = config_new();
	host_settings_copy(&ro, &cfg->defaults);
	ro.readonly = true;
	assert_int_equal(config_add_host_with(cfg, "ws01:5985", &ro, "g", "t.conf:2", &cause), 0);
	assert_int_equal(config_add_host_with(cfg, "10.1.2.3:5985", &ro, "g", "t.conf:3", &cause), 0);
	assert_int_equal(config_add_host_with(cfg, "[fe80::1]:5985", &ro, "g", "t.conf:4", &cause),
	    0);
	host_settings_done(&ro);
	assert_string_equal(cfg->hosts[0].url, "http://ws01:5985/wsman");
	for (i = 0; i < sizeof same / sizeof same[0]; i++) {
		struct host_cfg *h = config_find_host(cfg, same[i]);

		if (h != &cfg->hosts[0])
			fail_msg("'%s' does not find the configured ws01", same[i]);
		assert_true(h->settings.readonly);
	}
	for (i = 0; i < sizeof ip4 / sizeof ip4[0]; i++)
		if (config_find_host(cfg, ip4[i]) != &cfg->hosts[1])
			fail_msg("'%s' does not find the configured 10.1.2.3", ip4[i]);
	for (i = 0; i < sizeof ip6 / sizeof ip6[0]; i++)
		if (config_find_host(cfg, ip6[i]) != &cfg->hosts[2])
			fail_msg("'%s' does not find the configured fe80::1", ip6[i]);
	assert_null(config_find_host(cfg, "http://ws01:5986/wsman"));
	assert_null(config_find_host(cfg, "https://ws01:5985/wsman"));
	assert_null(config_find_host(cfg, "http://ws01:5985/other"));
	assert_null(config_find_host(cfg, "ws02"));
	/* listed again on the command line: the configured (read-only) host stays the only one */
	for (i = 0; i < sizeof same / sizeof same[0]; i++)
		assert_int_equal(config_add_host(cfg, same[i], NULL, &cause), 0);
	assert_int_equal(cfg->nhosts, 3);
	config_free(cfg);
}

/* Protects: hosts files skip comments and blanks, keep order, and name file:line in origins. */
static void
test_hosts_file(void **state)
{
	struct config *cfg = config_new();
	char *cause = NULL;

	(void)state;
	if (config_add_hosts_file(cfg, FIXTURES "/hosts.txt", &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(cfg->nhosts, 5);
	assert_string_equal(cfg->hosts[0].url, "https://ws01:5986/wsman");
	assert_string_equal(cfg->hosts[0].origin, FIXTURES "/hosts.txt:2");
	assert_string_equal(cfg->hosts[1].url, "http://ws02:5985/wsman");
	assert_string_equal(cfg->hosts[1].name, "ws02:5985");
	assert_string_equal(cfg->hosts[2].url, "https://ws03:5986/wsman");
	assert_string_equal(cfg->hosts[3].hostname, "fe80::1");
	assert_string_equal(cfg->hosts[4].name, "crlf01");
	assert_int_equal(cfg->nwarnings, 1);
	assert_contains(cfg->warnings[0], FIXTURES "/hosts.txt:7: duplicate host 'ws01'");
	config_free(cfg);
}

/* Protects: bad lines in a hosts file are errors naming file and line; a missing file says why. */
static void
test_hosts_file_errors(void **state)
{
	char path[] = "/tmp/test_cfg_hosts.XXXXXX";
	struct config *cfg = config_new();
	char *cause = NULL;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_true(write(fd, "ok1\n\n# c\nbad:99999\ntwo hosts\n", 29) == 29);
	close(fd);
	assert_int_equal(config_add_hosts_file(cfg, path, &cause), -1);
	assert_non_null(strstr(cause, ":4: bad host 'bad:99999'"));
	assert_non_null(strstr(cause, ":5: expected one host per line (got \"two hosts\")"));
	assert_true(strncmp(cause, path, strlen(path)) == 0);
	free(cause);
	unlink(path);
	assert_int_equal(config_add_hosts_file(cfg, path, &cause), -1);
	assert_contains(cause, "No such file or directory");
	free(cause);
	config_free(cfg);
}

/*
 * Protects (issue 14, item 14): a hosts file starting with a UTF-8 byte order
 * mark reads as without it; a NUL byte is an error naming its line, not a line
 * silently cut at the NUL.
 */
static void
test_hosts_file_bom_nul(void **state)
{
	char path[] = "/tmp/test_cfg_hosts.XXXXXX";
	struct config *cfg = config_new();
	char *cause = NULL;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_true(write(fd, "\xEF\xBB\xBFws01\nws02\n", 13) == 13);
	close(fd);
	if (config_add_hosts_file(cfg, path, &cause) != 0)
		fail_msg("a BOM was refused: %s", cause);
	assert_int_equal(cfg->nhosts, 2);
	assert_string_equal(cfg->hosts[0].name, "ws01");
	config_free(cfg);

	cfg = config_new();
	assert_true((fd = open(path, O_WRONLY | O_TRUNC)) >= 0);
	assert_true(write(fd, "ws01\nws03\0evil\nws04\n", 21) == 21);
	close(fd);
	assert_int_equal(config_add_hosts_file(cfg, path, &cause), -1);
	assert_contains(cause, ":2: a NUL byte in the line");
	free(cause);
	unlink(path);
	config_free(cfg);
}

/* Protects: "-" reads the hosts from standard input. */
static void
test_hosts_file_stdin(void **state)
{
	struct config *cfg = config_new();
	char *cause = NULL;

	(void)state;
	assert_non_null(freopen(FIXTURES "/hosts.txt", "r", stdin));
	if (config_add_hosts_file(cfg, "-", &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(cfg->nhosts, 5);
	assert_string_equal(cfg->hosts[0].origin, "(standard input):2");
	config_free(cfg);
}

/* Protects: -u only fills hosts without a user; -a, -k, --cacert and -r apply everywhere. */
static void
test_apply_cli(void **state)
{
	struct config *cfg = config_new();
	struct config_cli cli = { .user = "cli", .auth = AUTH_NEGOTIATE, .insecure = true,
	    .cacert = "/ca.pem", .readonly = true, .refresh = 2.0 };
	char *cause = NULL;

	(void)state;
	assert_int_equal(config_load_string(cfg, "hosts = ( \"a\", { host = \"b\"; "
	    "user = \"own\"; } );\n", "t.conf", &cause), 0);
	config_apply_cli(cfg, &cli);
	assert_string_equal(cfg->hosts[0].settings.user, "cli");
	assert_string_equal(cfg->hosts[1].settings.user, "own");
	assert_int_equal(cfg->hosts[1].settings.auth, AUTH_NEGOTIATE);
	assert_false(cfg->hosts[0].settings.verify_tls);
	assert_string_equal(cfg->hosts[1].settings.cacert, "/ca.pem");
	assert_true(cfg->hosts[0].settings.readonly);
	assert_true(cfg->readonly);
	assert_true(cfg->refresh == 2.0);
	/* hosts added afterwards get the same overrides through the defaults */
	assert_int_equal(config_add_host(cfg, "c", NULL, &cause), 0);
	assert_string_equal(cfg->hosts[2].settings.user, "cli");
	assert_false(cfg->hosts[2].settings.verify_tls);
	assert_true(cfg->hosts[2].settings.readonly);
	config_free(cfg);
}

/* Make DIR/SUB/bitstop.conf (creating the directories) and return its path. */
static char *
make_conf(const char *dir, const char *sub)
{
	char *d = xasprintf("%s/%s", dir, sub), *p = xasprintf("%s/bitstop.conf", d);
	char *cmd = xasprintf("mkdir -p '%s'", d);
	FILE *f;

	assert_int_equal(system(cmd), 0);
	assert_non_null(f = fopen(p, "w"));
	fclose(f);
	free(cmd);
	free(d);
	return p;
}

/* Protects: search order -c, $BITSTOP_CONFIG, $XDG_CONFIG_HOME, ~/.config, sysconfdir. */
static void
test_search_order(void **state)
{
	char dir[] = "/tmp/test_cfg_find.XXXXXX";
	char *xdg_dir, *home_dir, *xdg, *home, *env, *got, *cause = NULL, *cmd;
	struct stat st;
	bool sysconf = stat(SYSCONFDIR "/bitstop.conf", &st) == 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	xdg_dir = xasprintf("%s/xdg", dir);
	home_dir = xasprintf("%s/home", dir);
	xdg = make_conf(dir, "xdg/bitstop");
	home = make_conf(dir, "home/.config/bitstop");
	env = make_conf(dir, "env");
	setenv("HOME", home_dir, 1);
	setenv("XDG_CONFIG_HOME", xdg_dir, 1);
	setenv("BITSTOP_CONFIG", env, 1);

	/* an explicit -c wins and must exist */
	got = config_find("/explicit/missing.conf", &cause);
	assert_null(got);
	assert_string_equal(cause, "/explicit/missing.conf: No such file or directory");
	free(cause);
	got = config_find(env, &cause);
	assert_string_equal(got, env);
	free(got);

	got = config_find(NULL, &cause);
	assert_string_equal(got, env);
	free(got);

	unsetenv("BITSTOP_CONFIG");
	got = config_find(NULL, &cause);
	assert_string_equal(got, xdg);
	free(got);

	/* a relative XDG_CONFIG_HOME is ignored, as the XDG spec says */
	setenv("XDG_CONFIG_HOME", "relative", 1);
	got = config_find(NULL, &cause);
	assert_string_equal(got, home);
	free(got);
	unsetenv("XDG_CONFIG_HOME");
	got = config_find(NULL, &cause);
	assert_string_equal(got, home);
	free(got);

	unlink(home);
	got = config_find(NULL, &cause);
	assert_null(cause);
	if (sysconf)
		assert_string_equal(got, SYSCONFDIR "/bitstop.conf");
	else
		assert_null(got);
	free(got);

	/* $BITSTOP_CONFIG names a file that must exist */
	setenv("BITSTOP_CONFIG", "/nonexistent/bitstop.conf", 1);
	assert_null(config_find(NULL, &cause));
	assert_contains(cause, "/nonexistent/bitstop.conf");
	free(cause);
	unsetenv("BITSTOP_CONFIG");

	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(xdg_dir);
	free(home_dir);
	free(xdg);
	free(home);
	free(env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_forms),
		cmocka_unit_test(test_spec_errors),
		cmocka_unit_test(test_spec_settings),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_one_spelling),
		cmocka_unit_test(test_hosts_file),
		cmocka_unit_test(test_hosts_file_errors),
		cmocka_unit_test(test_hosts_file_bom_nul),
		cmocka_unit_test(test_hosts_file_stdin),
		cmocka_unit_test(test_apply_cli),
		cmocka_unit_test(test_search_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
