## bench fragment: the benchmark (tests/bench/run.sh, results in
## tests/bench/RESULTS.md) and its smoke test, which proves it still runs.
TESTS += tests/test_bench_smoke.sh
EXTRA_DIST += tests/test_bench_smoke.sh tests/bench/run.sh tests/bench/bench.py \
	tests/bench/benchlib.py tests/bench/bench_once.py tests/bench/bench_tui.py \
	tests/bench/winrm_poll.py
