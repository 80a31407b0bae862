## The command-line front end: --once and --action (cli/batch.c), their report
## writers (cli/output.c), the --demo launcher (cli/demo.c), and main() itself
## (bitstop.c at the top). Like tui/, it sits above the core and links it.
noinst_LIBRARIES += libcli.a
libcli_a_CFLAGS = $(CORE_CFLAGS)
libcli_a_SOURCES = \
	cli/output.c cli/output.h \
	cli/batch.c cli/batch.h \
	cli/demo.c cli/demo.h

bin_PROGRAMS += bitstop
bitstop_SOURCES = bitstop.c
bitstop_CFLAGS = $(CORE_CFLAGS)
bitstop_LDADD = libtui.a libcli.a libbitstop.a $(NCURSES_LIBS) $(JSONC_LIBS) $(CORE_LIBS)

check_PROGRAMS += tests/test_output
TESTS += tests/test_output
tests_test_output_SOURCES = tests/test_output.c
tests_test_output_CFLAGS = $(TEST_CFLAGS)
tests_test_output_LDADD = libcli.a libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

TESTS += tests/test_integ.py tests/test_demo_cleanup.sh
EXTRA_DIST += tests/test_integ.py tests/lib/bitsim.py tests/test_demo_cleanup.sh
