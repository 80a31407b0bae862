/*
 * Tests of tui/theme.c: theme file syntax and its error messages (file:line),
 * the shipped themes (complete and clean; default.theme equal to the compiled-in
 * theme), lookup in the user directory and by path, and applying with and
 * without colour.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "src/bits_job.h"
#include "src/xalloc.h"
#include "tests/tui_screen.h"
#include "tui/theme.h"

static const char *const shipped[] = { "default", "light", "mono", "solarized-dark" };

/* Read a file into a string. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	struct strbuf sb;
	char buf[4096];
	size_t n;

	assert_non_null(f);
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, NULL);
}

/* Every shipped theme parses without a complaint and sets every role. */
static void
test_shipped_complete(void **state)
{
	for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
		char *path = xasprintf("%s/themes/%s.theme", TOP_SRCDIR, shipped[i]);
		char *text = slurp(path), *cause = NULL;
		struct theme *t = theme_new();

		for (int r = 0; r < THEME_ROLE_COUNT; r++)
			t->style[r].fg = -2;	/* a value no line can produce */
		if (theme_parse(t, text, path, &cause) != 0)
			fail_msg("%s", cause);
		for (int r = 0; r < THEME_ROLE_COUNT; r++)
			if (t->style[r].fg == -2)
				fail_msg("%s does not set %s", path, theme_role_name((enum theme_role)r));
		theme_free(t);
		free(text);
		free(path);
	}
}

/* themes/default.theme is the compiled-in theme, so an installed copy changes nothing. */
static void
test_default_matches_builtin(void **state)
{
	char *path = xasprintf("%s/themes/default.theme", TOP_SRCDIR);
	char *text = slurp(path), *cause = NULL;
	struct theme *builtin = theme_new(), *file = theme_new();

	assert_int_equal(theme_parse(file, text, path, &cause), 0);
	for (int r = 0; r < THEME_ROLE_COUNT; r++) {
		if (builtin->style[r].fg != file->style[r].fg || builtin->style[r].bg != file->style[r].bg ||
		    builtin->style[r].attrs != file->style[r].attrs)
			fail_msg("role %s differs", theme_role_name((enum theme_role)r));
	}
	/* Same for mono.theme and the compiled-in monochrome theme. */
	free(text);
	free(path);
	path = xasprintf("%s/themes/mono.theme", TOP_SRCDIR);
	text = slurp(path);
	theme_reset(builtin, true);
	assert_int_equal(theme_parse(file, text, path, &cause), 0);
	for (int r = 0; r < THEME_ROLE_COUNT; r++)
		if (builtin->style[r].attrs != file->style[r].attrs || file->style[r].fg != THEME_DEF)
			fail_msg("mono role %s differs", theme_role_name((enum theme_role)r));
	theme_free(builtin);
	theme_free(file);
	free(text);
	free(path);
}

/* A bad line is reported with origin and line number; the good lines still apply. */
static void
test_errors(void **state)
{
	struct theme *t = theme_new();
	char *cause = NULL;

	assert_int_equal(theme_parse(t, "# c\n\nselection = red 17 bold underline  # tail\n"
	    "nosuch = red blue\nheader = 1 2\n", "x.theme", &cause), -1);
	assert_string_equal(cause, "x.theme:4: unknown role 'nosuch'");
	free(cause);
	assert_int_equal(t->style[THEME_SELECTION].fg, COLOR_RED);
	assert_int_equal(t->style[THEME_SELECTION].bg, 17);
	assert_true(t->style[THEME_SELECTION].attrs == (A_BOLD | A_UNDERLINE));
	assert_int_equal(t->style[THEME_HEADER].fg, 1);

	assert_int_equal(theme_parse(t, "header = mauve black\n", "y", &cause), -1);
	assert_non_null(strstr(cause, "y:1: unknown colour 'mauve'"));
	free(cause);
	assert_int_equal(theme_parse(t, "\nheader = 256 black\n", "y", &cause), -1);
	assert_string_equal(cause, "y:2: colour 256 out of range (0-255)");
	free(cause);
	assert_int_equal(theme_parse(t, "header red black\n", "y", &cause), -1);
	assert_non_null(strstr(cause, "y:1: expected"));
	free(cause);
	assert_int_equal(theme_parse(t, "header = red\n", "y", &cause), -1);
	assert_non_null(strstr(cause, "needs a foreground and a background"));
	free(cause);
	assert_int_equal(theme_parse(t, "header = red blue sparkly\n", "y", &cause), -1);
	assert_non_null(strstr(cause, "unknown attribute 'sparkly'"));
	free(cause);
	theme_free(t);
}

/* Themes are found in $XDG_CONFIG_HOME/bitstop/themes first, by path, and listed. */
static void
test_lookup(void **state)
{
	char dir[] = "/tmp/bitstop-theme-XXXXXX", *tdir, *path, *cause = NULL, **list;
	struct theme *t = theme_new();
	FILE *f;
	size_t n;
	bool found = false;

	assert_non_null(mkdtemp(dir));
	setenv("XDG_CONFIG_HOME", dir, 1);
	tdir = xasprintf("%s/bitstop", dir);
	mkdir(tdir, 0700);
	free(tdir);
	tdir = xasprintf("%s/bitstop/themes", dir);
	mkdir(tdir, 0700);
	path = xasprintf("%s/zzmine.theme", tdir);
	f = fopen(path, "w");
	fputs("header = green black bold\nbad line\n", f);
	fclose(f);

	assert_int_equal(theme_load(t, "zzmine", &cause), -1);	/* loaded, with one bad line */
	assert_non_null(strstr(cause, "zzmine.theme:2: expected"));
	free(cause);
	assert_string_equal(t->name, "zzmine");
	assert_int_equal(t->style[THEME_HEADER].fg, COLOR_GREEN);
	/* By path, and a name that does not exist (the theme stays as it was). */
	cause = NULL;
	assert_int_equal(theme_load(t, path, &cause), -1);
	free(cause);
	assert_int_equal(theme_load(t, "no-such-theme", &cause), -1);
	assert_non_null(strstr(cause, "theme 'no-such-theme' not found"));
	free(cause);
	assert_int_equal(t->style[THEME_HEADER].fg, COLOR_GREEN);
	/* Names with a path part are not looked up in the directories. */
	assert_null(theme_find("../zzmine"));
	/* "default" and "mono" exist even without files. */
	assert_int_equal(theme_load(t, "default", &cause), 0);
	assert_int_equal(t->style[THEME_HEADER].bg, COLOR_BLUE);
	list = theme_list(&n);
	for (size_t i = 0; i < n; i++)
		found |= strcmp(list[i], "zzmine") == 0;
	assert_true(found);
	assert_string_equal(list[0], "default");
	theme_list_free(list, n);
	unlink(path);
	rmdir(tdir);
	free(path);
	free(tdir);
	tdir = xasprintf("%s/bitstop", dir);
	rmdir(tdir);
	free(tdir);
	rmdir(dir);
	theme_free(t);
}

/* With colour each role gets its colour pair; without, attributes only. */
static void
test_apply(void **state)
{
	struct theme *t = theme_new();

	tui_screen_open(24, 80);
	theme_apply(t, true);
	assert_int_equal(PAIR_NUMBER(theme_attr(t, THEME_SELECTION)), THEME_SELECTION + 1);
	theme_reset(t, true);
	theme_apply(t, false);
	assert_int_equal(PAIR_NUMBER(theme_attr(t, THEME_SELECTION)), 0);
	assert_true(theme_attr(t, THEME_SELECTION) & A_REVERSE);
	assert_int_equal(theme_state_role(BITS_STATE_ERROR), THEME_STATE_ERROR);
	assert_int_equal(theme_role_from_name("state.transferring"), THEME_STATE_TRANSFERRING);
	tui_screen_close();
	theme_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_complete),
		cmocka_unit_test(test_default_matches_builtin),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
