#!/bin/sh
# ci_harden.sh: the hardening half of CI (issue 6). Run from the top of the
# source tree after the normal build (./setup.sh check):
#
#   1. an ASan+UBSan build in its own directory and its whole `make check`;
#   2. a TSan build of the poller and queue tests, run against bitsim;
#   3. the unit tests of the normal build under valgrind --error-exitcode=1;
#   4. the libFuzzer harnesses (clang, --enable-fuzzing), each run for
#      $FUZZ_SECONDS (default 60) from seeds copied from tests/fixtures,
#      themes/ and tests/fuzz/.
#
# Exits non-zero when any step fails; a fuzzer's crash input is kept under
# $HARDEN_DIR/fuzz/crashes and printed in base64 (add it to tests/fuzz/<target>/
# once fixed). Environment: HARDEN_DIR (work directory, default a fresh one
# under ${TMPDIR:-/tmp}, removed at the end unless KEEP=1), HARDEN_BUILD (the
# normal build tree, default .), FUZZ_SECONDS, JOBS (default nproc).
set -u

TOP=$(pwd)
if [ ! -f "$TOP/tests/harden.mk" ]; then
	echo "ci_harden.sh: run me from the top of the bitstop source tree" >&2
	exit 2
fi
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
BUILD=$(cd "${HARDEN_BUILD:-.}" && pwd)
if [ -n "${HARDEN_DIR:-}" ]; then
	WORK=$HARDEN_DIR
	mkdir -p "$WORK"
else
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/bitstop-harden.XXXXXX")
	[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
fi
FAILED=""
START=$(date +%s)
# Leaks of third-party libraries that are not bitstop's (see the file).
LSAN_SUPP=$TOP/tests/fuzz/lsan.supp
export LSAN_OPTIONS="suppressions=$LSAN_SUPP:print_suppressions=0"

step() { echo "=== ci_harden: $* ($(($(date +%s) - START)) s)"; }
failed() {
	echo "=== ci_harden: FAILED: $*"
	FAILED="$FAILED
  $*"
}

# A source tree to configure out of tree. A tree configured in place cannot be
# (configure refuses), so then use its distribution tarball.
if [ -f "$TOP/config.status" ]; then
	step "make dist (the tree is configured in place)"
	(cd "$TOP" && make dist >/dev/null) || { echo "make dist failed" >&2; exit 1; }
	tarball=$(ls -t "$TOP"/bitstop-*.tar.gz | head -1)
	rm -rf "$WORK/src"
	mkdir -p "$WORK/src"
	tar -xzf "$tarball" -C "$WORK/src" || exit 1
	SRC=$(ls -d "$WORK"/src/bitstop-*)
else
	SRC=$TOP
	[ -x "$SRC/configure" ] || (cd "$SRC" && ./autogen.sh) || exit 1
fi

# Configure and build targets ($3...) of a tree $1 with configure arguments $2.
build() {
	_dir=$1 _args=$2
	shift 2
	mkdir -p "$_dir"
	(cd "$_dir" && eval "\"$SRC/configure\" $_args" >configure.log 2>&1 &&
		make -j"$JOBS" "$@" >make.log 2>&1)
	_rc=$?
	[ $_rc -eq 0 ] || tail -n 40 "$_dir/configure.log" "$_dir/make.log"
	return $_rc
}

# 4 (started first, in the background: libFuzzer uses one core per fuzzer).
fuzz_all() {
	_f=$WORK/fuzz
	if ! build "$_f" "CC=clang --enable-werror --enable-fuzzing" \
		tests/fuzz_response tests/fuzz_config tests/fuzz_theme tests/fuzz_agent; then
		echo build >"$_f/FAILED"
		return
	fi
	mkdir -p "$_f/corpus/response" "$_f/corpus/config" "$_f/corpus/theme" "$_f/corpus/agent" \
		"$_f/crashes"
	cp "$SRC"/tests/fixtures/bits/*.xml "$SRC"/tests/fixtures/real/*.xml \
		"$SRC"/tests/fuzz/response/* "$_f/corpus/response/"
	cp "$SRC"/tests/fixtures/cfg/* "$SRC"/tests/fuzz/config/* "$_f/corpus/config/"
	[ -f "$SRC/bitstop.conf.example" ] && cp "$SRC/bitstop.conf.example" "$_f/corpus/config/"
	cp "$SRC"/themes/*.theme "$SRC"/tests/fuzz/theme/* "$_f/corpus/theme/"
	cp "$SRC"/tests/fixtures/real/winrs/*.xml "$SRC"/tests/fuzz/agent/* "$_f/corpus/agent/"
	for t in response config theme agent; do
		(cd "$_f" && ./tests/fuzz_$t -dict="$SRC/tests/fuzz/$t.dict" -max_len=16384 \
			-timeout=10 -rss_limit_mb=2048 -max_total_time="$FUZZ_SECONDS" \
			-print_final_stats=1 -artifact_prefix="crashes/$t-" "corpus/$t" \
			>"fuzz_$t.log" 2>&1) || echo "$t" >>"$_f/FAILED"
		grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$_f/fuzz_$t.log" |
			sed "s/^/  fuzz_$t: /" >>"$_f/summary"
	done
}
step "fuzzers: build and run ${FUZZ_SECONDS} s each (background)"
fuzz_all >"$WORK/fuzz.out" 2>&1 &
FUZZ_PID=$!

# 1. ASan+UBSan: the whole make check.
step "ASan+UBSan build"
ASAN=$WORK/asan
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
if build "$ASAN" "--enable-werror --enable-sanitizers"; then
	step "ASan+UBSan make check"
	if ! (cd "$ASAN" && make -j"$JOBS" check >check.log 2>&1); then
		grep -E "^(FAIL|ERROR|XPASS):" "$ASAN/check.log"
		for t in $(grep -E "^(FAIL|ERROR|XPASS):" "$ASAN/check.log" | sed 's/^[A-Z]*: //'); do
			case "$t" in *.py | *.sh) t=${t%.*} ;; esac
			echo "--- $t.log"
			tail -n 60 "$ASAN/$t.log"
		done
		failed "ASan+UBSan make check"
	fi
else
	failed "ASan+UBSan build"
fi
unset ASAN_OPTIONS UBSAN_OPTIONS

# 2. TSan: the poller and queue tests (and the audit log's concurrent writers).
step "TSan build and poller/queue tests"
TSAN=$WORK/tsan
TSAN_TESTS="tests/test_poller tests/test_queue tests/test_audit"
# The simulator need not be instrumented: the normal build's will do.
SIM=$BUILD/bitsim
[ -x "$SIM" ] || { SIM=$TSAN/bitsim; TSAN_TESTS="$TSAN_TESTS bitsim"; }
if build "$TSAN" "--enable-werror CFLAGS='-g -O1 -fsanitize=thread' LDFLAGS=-fsanitize=thread" \
	$TSAN_TESTS; then
	for t in $TSAN_TESTS; do
		[ "$t" = bitsim ] && continue
		if ! (cd "$TSAN" && BITSIM="$SIM" \
			TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" \
			./$t >"$t.tsan.log" 2>&1); then
			tail -n 80 "$TSAN/$t.tsan.log"
			failed "TSan $t"
		fi
	done
else
	failed "TSan build"
fi

# 3. valgrind: every cmocka unit test of the normal build (test_poller, which
# drives a bitsim child against the clock, is the TSan target instead).
step "valgrind over the unit tests of $BUILD"
nvg=0
for t in "$BUILD"/tests/test_* "$BUILD"/tests/fuzz_*_replay; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	case "$t" in *.py | *.sh | *.log | *.trs | *.o | */test_poller) continue ;; esac
	nvg=$((nvg + 1))
	name=${t##*/}
	if ! (cd "$BUILD" && BITSIM="$BUILD/bitsim" valgrind -q --error-exitcode=1 \
		--leak-check=full --errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect "$t" >"$WORK/valgrind-$name.log" 2>&1); then
		tail -n 60 "$WORK/valgrind-$name.log"
		failed "valgrind $name"
	fi
done
[ "$nvg" -gt 0 ] || failed "valgrind: no unit tests in $BUILD/tests (build first)"

step "waiting for the fuzzers"
wait "$FUZZ_PID"
cat "$WORK/fuzz.out"
[ -f "$WORK/fuzz/summary" ] && cat "$WORK/fuzz/summary"
if [ -f "$WORK/fuzz/FAILED" ]; then
	for f in "$WORK"/fuzz/crashes/*; do
		[ -f "$f" ] || continue
		echo "--- crash input $f (base64):"
		base64 "$f"
	done
	for t in $(cat "$WORK/fuzz/FAILED"); do
		if [ "$t" = build ]; then
			failed "fuzzer build"
			continue
		fi
		tail -n 60 "$WORK/fuzz/fuzz_$t.log"
		failed "fuzz_$t"
	done
fi

step "done"
if [ -n "$FAILED" ]; then
	echo "ci_harden: failures:$FAILED"
	exit 1
fi
echo "ci_harden: all hardening checks passed"
exit 0
