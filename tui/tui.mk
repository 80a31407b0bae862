## the ncurses front end (tui/): a static library the lead links into bitstop,
## its themes, and its tests. Only tui/ includes curses; tui/model.c and
## tui/fmt.c stay curses-free so they are unit-tested without a terminal.
noinst_LIBRARIES += libtui.a
libtui_a_CFLAGS = $(CORE_CFLAGS) $(NCURSES_CFLAGS)
libtui_a_SOURCES = \
	tui/fmt.c tui/fmt.h \
	tui/model.c tui/model.h

TUI_TEST_LIBS = libtui.a libbitstop.a $(NCURSES_LIBS) $(CORE_LIBS) $(CMOCKA_LIBS)
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
