## bench fragment: the benchmark (tests/bench/run.sh, results in
## tests/bench/RESULTS.md) and its smoke test, which proves it still runs.
TESTS += tests/test_bench_smoke.sh
EXTRA_DIST += tests/test_bench_smoke.sh tests/bench/run.sh tests/bench/bench.py \
	tests/bench/benchlib.py tests/bench/bench_once.py tests/bench/bench_tui.py \
	tests/bench/winrm_poll.py tests/bench/RESULTS.md

# The optimised paths keep their meaning: the job table's fast view.
check_PROGRAMS += tests/bench/test_view_order
TESTS += tests/bench/test_view_order
tests_bench_test_view_order_SOURCES = tests/bench/test_view_order.c
tests_bench_test_view_order_CFLAGS = $(TEST_CFLAGS) $(NCURSES_CFLAGS)
tests_bench_test_view_order_LDADD = $(TUI_TEST_LIBS)

# ... and the streamed parse of enumeration items.
check_PROGRAMS += tests/bench/test_parse_stream
TESTS += tests/bench/test_parse_stream
tests_bench_test_parse_stream_SOURCES = tests/bench/test_parse_stream.c tests/wsman_test_util.h
tests_bench_test_parse_stream_CFLAGS = $(TEST_CFLAGS)
tests_bench_test_parse_stream_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)
