## the ncurses front end (tui/): a static library the lead links into bitstop,
## its themes, and its tests. Only tui/ includes curses; tui/model*.c and
## tui/fmt.c stay curses-free so they are unit-tested without a terminal.
noinst_LIBRARIES += libtui.a
# THEME_SRCDIR: the themes of the source tree, for ./bitstop run from a build.
TUI_THEME_CFLAGS = -DTHEME_SRCDIR='"$(abs_top_srcdir)/themes"'
libtui_a_CFLAGS = $(CORE_CFLAGS) $(NCURSES_CFLAGS) $(JSONC_CFLAGS) $(TUI_THEME_CFLAGS)
libtui_a_SOURCES = \
	tui/fmt.c tui/fmt.h \
	tui/model.c tui/model.h tui/model_view.c tui/model_row.c tui/model_impl.h \
	tui/model_wrong.c \
	tui/filter.c tui/filter.h \
	tui/ops.c tui/ops.h \
	tui/errfetch.c tui/errfetch.h \
	tui/opslog.c tui/opslog.h \
	tui/list.c tui/list.h \
	tui/opsview.c tui/opsview.h \
	tui/wrong.c tui/wrong.h \
	tui/wrongview.c tui/wrongview.h \
	tui/actions.c tui/actions.h \
	tui/keymap.c tui/keymap.h \
	tui/text.c tui/text.h \
	tui/theme.c tui/theme.h \
	tui/field.c tui/field.h \
	tui/table.c tui/table.h \
	tui/status.c tui/status.h \
	tui/dialog.c tui/dialog.h \
	tui/column.c tui/column.h \
	tui/jobs.c tui/jobs.h \
	tui/newjob.c tui/newjob.h \
	tui/hostview.c tui/hostview.h \
	tui/detail.c tui/detail.h \
	tui/help.c tui/help.h \
	tui/ui.c tui/ui.h \
	tui/term.c tui/term.h \
	tui/run.c tui/app.h

dist_themes_DATA += \
	themes/default.theme \
	themes/light.theme \
	themes/mono.theme \
	themes/solarized-dark.theme

TUI_TEST_LIBS = libtui.a libbitstop.a $(NCURSES_LIBS) $(JSONC_LIBS) $(CORE_LIBS) $(CMOCKA_LIBS)
noinst_HEADERS += tests/tui_fixture.h

check_PROGRAMS += tests/test_tui_model
TESTS += tests/test_tui_model
tests_test_tui_model_SOURCES = tests/test_tui_model.c
tests_test_tui_model_CFLAGS = $(TEST_CFLAGS)
tests_test_tui_model_LDADD = $(TUI_TEST_LIBS)

check_PROGRAMS += tests/test_tui_fmt
TESTS += tests/test_tui_fmt
tests_test_tui_fmt_SOURCES = tests/test_tui_fmt.c
tests_test_tui_fmt_CFLAGS = $(TEST_CFLAGS)
tests_test_tui_fmt_LDADD = $(TUI_TEST_LIBS)

check_PROGRAMS += tests/test_tui_actions
TESTS += tests/test_tui_actions
tests_test_tui_actions_SOURCES = tests/test_tui_actions.c
tests_test_tui_actions_CFLAGS = $(TEST_CFLAGS)
tests_test_tui_actions_LDADD = $(TUI_TEST_LIBS)

noinst_HEADERS += tests/tui_screen.h
check_PROGRAMS += tests/test_tui_render
TESTS += tests/test_tui_render
tests_test_tui_render_SOURCES = tests/test_tui_render.c
tests_test_tui_render_CFLAGS = $(TEST_CFLAGS) $(NCURSES_CFLAGS)
tests_test_tui_render_LDADD = $(TUI_TEST_LIBS)

check_PROGRAMS += tests/test_tui_theme
TESTS += tests/test_tui_theme
tests_test_tui_theme_SOURCES = tests/test_tui_theme.c
tests_test_tui_theme_CFLAGS = $(TEST_CFLAGS) $(NCURSES_CFLAGS)
tests_test_tui_theme_LDADD = $(TUI_TEST_LIBS)

check_PROGRAMS += tests/test_tui_ui
TESTS += tests/test_tui_ui
tests_test_tui_ui_SOURCES = tests/test_tui_ui.c
tests_test_tui_ui_CFLAGS = $(TEST_CFLAGS) $(NCURSES_CFLAGS)
tests_test_tui_ui_LDADD = $(TUI_TEST_LIBS)

# End to end: the real binary in tmux against bitsim.
TESTS += tests/tui_e2e.sh tests/tui_fleet_e2e.sh
EXTRA_DIST += tests/tui_e2e.sh tests/tui_fleet_e2e.sh

check_PROGRAMS += tests/test_tui_filter
TESTS += tests/test_tui_filter
tests_test_tui_filter_SOURCES = tests/test_tui_filter.c
tests_test_tui_filter_CFLAGS = $(TEST_CFLAGS)
tests_test_tui_filter_LDADD = $(TUI_TEST_LIBS)

check_PROGRAMS += tests/test_tui_ops
TESTS += tests/test_tui_ops
tests_test_tui_ops_SOURCES = tests/test_tui_ops.c
tests_test_tui_ops_CFLAGS = $(TEST_CFLAGS)
tests_test_tui_ops_LDADD = $(TUI_TEST_LIBS)
