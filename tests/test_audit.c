/*
 * Tests for src/audit.c: the action log of bitstop(1), FILES. One JSON object per
 * line, private file in private directories, intent before outcome, and a log
 * that cannot be written is reported so that actions are refused.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "src/action.h"
#include "src/audit.h"
#include "src/paths.h"
#include "src/xalloc.h"

#define GUID "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}"

/* Assert that haystack contains needle, showing both when not. */
static void
assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

/* Group setup: a fresh temporary directory as the state. */
static int
dir_setup(void **state)
{
	char *dir = xstrdup("/tmp/test_audit.XXXXXX");

	if (mkdtemp(dir) == NULL)
		return -1;
	*state = dir;
	return 0;
}

/* Remove the temporary directory. */
static int
dir_teardown(void **state)
{
	char *cmd = xasprintf("chmod -R u+rwx '%s'; rm -rf '%s'", (char *)*state, (char *)*state);
	int rc = system(cmd);

	free(cmd);
	free(*state);
	return rc == 0 ? 0 : -1;
}

/* The whole file as a string. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = xcalloc(1, 1 << 20);
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Check that line is {"time":"YYYY-MM-DDTHH:MM:SSZ", then rest; returns the next line. */
static const char *
check_line(const char *line, const char *rest)
{
	const char *nl = strchr(line, '\n');
	size_t n;

	assert_non_null(nl);
	assert_true(strncmp(line, "{\"time\":\"", 9) == 0);
	line += 9;
	assert_true(line[4] == '-' && line[7] == '-' && line[10] == 'T' && line[13] == ':' &&
	    line[16] == ':' && line[19] == 'Z' && line[20] == '"' && line[21] == ',');
	line += 22;
	n = (size_t)(nl - line);
	if (strlen(rest) != n || strncmp(line, rest, n) != 0)
		fail_msg("line rest \"%.*s\" != \"%s\"", (int)n, line, rest);
	return nl + 1;
}

/* Protects: intent and outcome lines carry exactly the fields of §6, in order, one per line. */
static void
test_lines(void **state)
{
	char *path = xasprintf("%s/audit.log", (char *)*state), *cause = NULL, *text, *exp;
	struct audit *a = audit_open(path, &cause);
	struct action_req *req;
	struct action_result *res;
	const char *p, *user;

	assert_non_null(a);
	req = action_req_new(ACTION_CANCEL, 0, GUID, "TestJob");
	req->id = 7;
	assert_int_equal(audit_intent(a, req, "ws01", "https://ws01:5986/wsman"), 0);
	res = action_result_new(req);
	res->ok = true;
	assert_int_equal(audit_outcome(a, res, "ws01"), 0);
	res->ok = false;
	hosterr_set_code(&res->error, HOSTERR_FAULT, 0x80200017, "the job is in the wrong "
	    "state for this action (BG_E_INVALID_STATE)");
	assert_int_equal(audit_outcome(a, res, "ws01"), 0);
	/* issue 14, item 16: sent, answer lost: "unknown", not "error" */
	res->unknown = true;
	hosterr_set(&res->error, HOSTERR_TIMEOUT, "no answer in time");
	assert_int_equal(audit_outcome(a, res, "ws01"), 0);
	action_result_free(res);
	action_req_free(req);

	req = action_req_new(ACTION_PRIORITY, 0, GUID, NULL);
	req->id = 8;
	req->priority = 1;
	assert_int_equal(audit_intent(a, req, "ws01", "https://ws01:5986/wsman"), 0);
	action_req_free(req);
	req = action_req_new(ACTION_CREATE, 0, NULL, NULL);
	req->id = 9;
	req->display_name = xstrdup("New");
	req->remote_url = xstrdup("https://srv/f.bin");
	req->local_file = xstrdup("C:\\t\\f.bin");
	assert_int_equal(audit_intent(a, req, "ws01", "https://ws01:5986/wsman"), 0);
	req->id = 10;
	req->suspended = true;	/* the log says the job was asked for suspended */
	assert_int_equal(audit_intent(a, req, "ws01", "https://ws01:5986/wsman"), 0);
	action_req_free(req);
	assert_true(audit_ok(a));
	assert_null(audit_error(a));
	audit_close(a);

	text = slurp(path);
	p = strstr(text, "\"user\":\"");
	assert_non_null(p);
	user = p + 8;
	exp = xasprintf("\"user\":\"%.*s\",\"event\":\"intent\",\"id\":7,\"host\":\"ws01\","
	    "\"url\":\"https://ws01:5986/wsman\",\"job\":\"" GUID "\",\"name\":\"TestJob\","
	    "\"action\":\"cancel\",\"params\":{}}", (int)strcspn(user, "\""), user);
	p = check_line(text, exp);
	free(exp);
	p = check_line(p, "\"event\":\"outcome\",\"id\":7,\"host\":\"ws01\",\"job\":\"" GUID "\","
	    "\"action\":\"cancel\",\"result\":\"ok\",\"code\":null,\"message\":null}");
	p = check_line(p, "\"event\":\"outcome\",\"id\":7,\"host\":\"ws01\",\"job\":\"" GUID "\","
	    "\"action\":\"cancel\",\"result\":\"error\",\"code\":2149580823,\"message\":\"the job "
	    "is in the wrong state for this action (BG_E_INVALID_STATE)\"}");
	p = check_line(p, "\"event\":\"outcome\",\"id\":7,\"host\":\"ws01\",\"job\":\"" GUID "\","
	    "\"action\":\"cancel\",\"result\":\"unknown\",\"code\":null,\"message\":\"no answer "
	    "in time\"}");
	assert_contains(p, "\"event\":\"intent\",\"id\":8,");
	assert_contains(p, "\"job\":\"" GUID "\",\"name\":null,\"action\":\"priority\","
	    "\"params\":{\"priority\":\"HIGH\"}}\n");
	assert_contains(p, "\"id\":9,\"host\":\"ws01\",\"url\":\"https://ws01:5986/wsman\","
	    "\"job\":null,\"name\":\"New\",\"action\":\"create\",\"params\":{\"type\":\"DOWNLOAD\","
	    "\"display_name\":\"New\",\"remote_url\":\"https://srv/f.bin\","
	    "\"local_file\":\"C:\\\\t\\\\f.bin\"}}\n");
	assert_contains(p, "\"id\":10,");
	assert_contains(p, "\"local_file\":\"C:\\\\t\\\\f.bin\",\"suspended\":true}}\n");
	free(text);
	free(path);
}

/* Protects: hostile job names stay inside one JSON line (newlines, quotes, escapes escaped). */
static void
test_hostile_name(void **state)
{
	char *path = xasprintf("%s/audit.log", (char *)*state), *cause = NULL, *text;
	struct audit *a = audit_open(path, &cause);
	struct action_req *req = action_req_new(ACTION_SUSPEND, 0, GUID, "x\"}\n{\"event\":\"fake\x1b[2J");

	assert_non_null(a);
	assert_int_equal(audit_intent(a, req, "ws01", "u"), 0);
	audit_close(a);
	action_req_free(req);
	text = slurp(path);
	assert_contains(text, "\"name\":\"x\\\"}\\n{\\\"event\\\":\\\"fake\\u001b[2J\"");
	assert_int_equal(strchr(text, '\n') - text + 1, (long)strlen(text));
	free(text);
	free(path);
}

/* Protects: the log is created 0600 in directories created 0700; a looser log is made 0600. */
static void
test_modes(void **state)
{
	char *dir = xasprintf("%s/state/bitstop", (char *)*state);
	char *path = xasprintf("%s/audit.log", dir), *cause = NULL, *top;
	struct audit *a;
	struct stat st;

	umask(022);
	a = audit_open(path, &cause);
	assert_non_null(a);
	audit_close(a);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	top = xasprintf("%s/state", (char *)*state);
	assert_int_equal(stat(top, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);

	assert_int_equal(chmod(path, 0644), 0);
	a = audit_open(path, &cause);
	assert_non_null(a);
	audit_close(a);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(top);
	free(dir);
	free(path);
}

/* Protects: a log that cannot be opened is an error with a reason. */
static void
test_open_failure(void **state)
{
	char *file = xasprintf("%s/plain", (char *)*state), *path, *cause = NULL;
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	fclose(f);
	path = xasprintf("%s/audit.log", file);
	assert_null(audit_open(path, &cause));
	assert_contains(cause, "not a directory");
	free(cause);
	assert_null(audit_open("", &cause));
	assert_non_null(cause);
	free(cause);
	free(path);

	/* a read-only directory (only meaningful when not root, who may write anyway) */
	if (geteuid() != 0) {
		path = xasprintf("%s/ro/audit.log", (char *)*state);
		*strrchr(path, '/') = '\0';
		assert_int_equal(mkdir(path, 0500), 0);
		strcat(path, "/audit.log");
		assert_null(audit_open(path, &cause));
		assert_contains(cause, "Permission denied");
		free(cause);
		free(path);
	}
	free(file);
}

/* Protects: a failed write makes audit_ok false with a reason; the log recovers once fixed. */
static void
test_write_failure(void **state)
{
	char *path = xasprintf("%s/audit.log", (char *)*state), *cause = NULL;
	struct audit *a = audit_open(path, &cause);
	struct action_req *req = action_req_new(ACTION_RESUME, 0, GUID, "J");
	struct rlimit saved, tiny;
	struct stat st;

	assert_non_null(a);
	assert_int_equal(audit_intent(a, req, "ws01", "u"), 0);
	assert_int_equal(stat(path, &st), 0);
	/* no byte more may be written: the file size limit is its current size */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	tiny = saved;
	tiny.rlim_cur = (rlim_t)st.st_size;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
	assert_int_equal(audit_intent(a, req, "ws01", "u"), -1);
	assert_false(audit_ok(a));
	assert_non_null(audit_error(a));
	assert_contains(audit_error(a), path);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	/* fixed: within a second audit_ok reopens the log by itself */
	assert_false(audit_ok(a));
	usleep(1100 * 1000);
	assert_true(audit_ok(a));
	assert_null(audit_error(a));
	assert_int_equal(audit_intent(a, req, "ws01", "u"), 0);

	/* fails again; once fixed, the next intent reopens the file before writing */
	assert_int_equal(stat(path, &st), 0);
	tiny.rlim_cur = (rlim_t)st.st_size;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
	assert_int_equal(audit_intent(a, req, "ws01", "u"), -1);
	assert_false(audit_ok(a));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(audit_intent(a, req, "ws01", "u"), 0);
	assert_true(audit_ok(a));
	assert_null(audit_error(a));
	audit_close(a);
	action_req_free(req);
	free(path);
}

/* Arguments of one writer thread. */
struct writer {
	struct audit *a;
	uint64_t base;
};

/* Write 200 intents with ids base..base+199. */
static void *
writer_run(void *arg)
{
	struct writer *w = arg;
	struct action_req *req = action_req_new(ACTION_SUSPEND, 0, GUID, "concurrent job name");
	uint64_t i;

	for (i = 0; i < 200; i++) {
		req->id = w->base + i;
		if (audit_intent(w->a, req, "ws01", "https://ws01:5986/wsman") != 0)
			break;
	}
	action_req_free(req);
	return NULL;
}

/* Protects: concurrent writers never interleave lines. */
static void
test_concurrent(void **state)
{
	char *path = xasprintf("%s/audit.log", (char *)*state), *cause = NULL, *text, *line;
	struct audit *a = audit_open(path, &cause);
	struct writer w[4];
	pthread_t t[4];
	int i, lines = 0;

	assert_non_null(a);
	for (i = 0; i < 4; i++) {
		w[i].a = a;
		w[i].base = (uint64_t)i * 1000;
		assert_int_equal(pthread_create(&t[i], NULL, writer_run, &w[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	audit_close(a);
	text = slurp(path);
	for (line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		assert_true(line[0] == '{' && line[strlen(line) - 1] == '}');
		assert_contains(line, "\"action\":\"suspend\",\"params\":{}}");
		lines++;
	}
	assert_int_equal(lines, 800);
	free(text);
	free(path);
}

/* Fail unless path is a regular file of mode mode holding exactly text. */
static void
assert_file(const char *path, mode_t mode, const char *text)
{
	struct stat st;
	char *got;

	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, mode);
	got = slurp(path);
	assert_string_equal(got, text);
	free(got);
}

/* Write text to a new file path of mode mode. */
static void
put_file(const char *path, mode_t mode, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

/* SIGALRM while a test waits on something that must not block: fail loudly. */
static void
on_alarm(int sig)
{
	(void)sig;
	fprintf(stderr, "audit_open blocked\n");
	_exit(1);
}

/*
 * Protects (issue 14, item 2): the log is never opened through a symbolic link
 * (the target keeps its mode and content), a FIFO is refused at once instead of
 * blocking, and a file of another user or with another hard link is refused,
 * each with a message naming the path and the reason.
 */
static void
test_refuse_links(void **state)
{
	char *target = xasprintf("%s/target", (char *)*state);
	char *path = xasprintf("%s/audit.log", (char *)*state), *cause = NULL;
	char *other = xasprintf("%s/other", (char *)*state);

	put_file(target, 0644, "keep\n");
	assert_int_equal(symlink(target, path), 0);
	assert_null(audit_open(path, &cause));
	assert_contains(cause, path);
	assert_contains(cause, "symbolic link");
	free(cause);
	assert_file(target, 0644, "keep\n");
	unlink(path);

	/* a dangling link is not created through either */
	assert_int_equal(symlink(other, path), 0);
	assert_null(audit_open(path, &cause));
	assert_contains(cause, "symbolic link");
	free(cause);
	assert_int_equal(access(other, F_OK), -1);
	unlink(path);

	/* a FIFO without a reader: refused, not waited on */
	assert_int_equal(mkfifo(path, 0600), 0);
	signal(SIGALRM, on_alarm);
	alarm(10);
	assert_null(audit_open(path, &cause));
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	assert_contains(cause, "not a regular file");
	free(cause);
	unlink(path);

	/* a second hard link (the log would be another file's content) */
	assert_int_equal(link(target, path), 0);
	assert_null(audit_open(path, &cause));
	assert_contains(cause, "hard link");
	free(cause);
	assert_file(target, 0644, "keep\n");
	unlink(path);

	/* someone else's file (only root can make one here) */
	if (geteuid() == 0) {
		put_file(path, 0644, "theirs\n");
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_null(audit_open(path, &cause));
		assert_contains(cause, "owned by uid 65534");
		free(cause);
		assert_file(path, 0644, "theirs\n");
	}
	free(other);
	free(target);
	free(path);
}

/* Fail unless every line of the file but the first skip ones is a JSON object; returns the count. */
static int
assert_lines_parse(const char *path, int skip)
{
	char *text = slurp(path), *line, *save = NULL;
	int n = 0, i = 0;

	assert_true(text[0] == '\0' || text[strlen(text) - 1] == '\n');
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		struct json_tokener *tok;
		json_object *o;

		if (i++ < skip)
			continue;
		tok = json_tokener_new();
		o = json_tokener_parse_ex(tok, line, (int)strlen(line));
		if (o == NULL || json_tokener_get_error(tok) != json_tokener_success ||
		    tok->char_offset != (int)strlen(line) || !json_object_is_type(o, json_type_object))
			fail_msg("line %d of %s does not parse: %s", i, path, line);
		json_object_put(o);
		json_tokener_free(tok);
		n++;
	}
	free(text);
	return n;
}

/*
 * Protects (issue 14, item 3): a record cut short by a full disk is taken back
 * (the file keeps its previous end, the log refuses actions), and a file left
 * with a torn last line gets a newline on open, so that every later record
 * parses on its own line.
 */
static void
test_torn_line(void **state)
{
	char *path = xasprintf("%s/audit.log", (char *)*state), *cause = NULL;
	struct action_req *req = action_req_new(ACTION_CANCEL, 0, GUID, "J");
	struct rlimit saved, tiny;
	struct audit *a;
	struct stat st;

	put_file(path, 0600, "{\"time\":\"2026-01-01T00:00:00Z\",\"user\":\"x\",\"ev");
	a = audit_open(path, &cause);
	assert_non_null(a);
	assert_int_equal(audit_intent(a, req, "ws01", "u"), 0);
	assert_int_equal(assert_lines_parse(path, 1), 1);

	/* room for 10 bytes more: the write is cut short */
	assert_int_equal(stat(path, &st), 0);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	tiny = saved;
	tiny.rlim_cur = (rlim_t)st.st_size + 10;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
	assert_int_equal(audit_intent(a, req, "ws02", "u"), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_false(audit_ok(a));
	{
		struct stat now;

		assert_int_equal(stat(path, &now), 0);
		assert_int_equal(now.st_size, st.st_size);
	}
	assert_int_equal(audit_intent(a, req, "ws03", "u"), 0);
	assert_int_equal(assert_lines_parse(path, 1), 2);
	audit_close(a);
	action_req_free(req);
	free(path);
}

/* Protects: the default path follows $XDG_STATE_HOME, else ~/.local/state. */
static void
test_default_path(void **state)
{
	char *p;

	(void)state;
	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	p = paths_audit_log();
	assert_string_equal(p, "/xdg/state/bitstop/audit.log");
	free(p);
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", "/home/tester", 1);
	p = paths_audit_log();
	assert_string_equal(p, "/home/tester/.local/state/bitstop/audit.log");
	free(p);
	unsetenv("XDG_STATE_HOME");
	p = paths_audit_log();
	assert_string_equal(p, "/home/tester/.local/state/bitstop/audit.log");
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lines, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_hostile_name, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_modes, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_open_failure, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, dir_setup, dir_teardown),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test_setup_teardown(test_refuse_links, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_torn_line, dir_setup, dir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
