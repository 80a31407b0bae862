#!/bin/sh
# test_bench_smoke.sh: the benchmark still runs (it is not a timed test).
#
# Protects: tests/bench/run.sh --smoke starts its fleets (one with bitsim
# --workers 2), drives bitstop --once, the python3-winrm pollers (sequential
# and 32 workers, with 0 and 20 ms of injected latency) and interactive bitstop
# in tmux, and prints every figure with a numeric value; bitstop raises its own
# soft open-file limit, so a fleet larger than that limit is polled without
# connection errors.
set -u
: "${top_srcdir:?}" "${BITSTOP:?}" "${BITSIM:?}"
export BITSTOP BITSIM

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bitstop-bench-smoke.XXXXXX") || exit 99
trap 'rm -rf "$WORK"' EXIT

"$top_srcdir/tests/bench/run.sh" --smoke >"$WORK/out" 2>"$WORK/err"
rc=$?
if [ "$rc" -eq 77 ]; then
	cat "$WORK/err"
	echo "SKIP: the benchmark's Debian packages are missing"
	exit 77
fi
cat "$WORK/out"
if [ "$rc" -ne 0 ]; then
	echo "FAIL: run.sh --smoke exited $rc"
	cat "$WORK/err"
	exit 1
fi

fail=0
for name in \
	once_2h_wall_s once_2h_cpu_s once_2h_bitsim_cpu_s once_2h_cpu_vs_bitsim \
	once_2h_0ms_wall_s winrm_seq_2h_0ms_wall_s winrm_32w_2h_0ms_wall_s \
	winrm_seq_2h_0ms_vs_bitstop winrm_32w_2h_0ms_vs_bitstop \
	once_2h_20ms_wall_s winrm_seq_2h_20ms_wall_s winrm_32w_2h_20ms_wall_s \
	winrm_seq_2h_20ms_vs_bitstop winrm_32w_2h_20ms_vs_bitstop \
	once_4h_wall_s once_4h_cpu_s once_4h_bitsim_cpu_s once_4h_cpu_vs_bitsim \
	bighost_60j_refresh_ms bighost_60j_wall_ms bighost_60j_cpu_ms bighost_60j_requests \
	tui_4h_cpu_pct tui_4h_bitsim_cpu_pct tui_4h_rss_peak_mb tui_4h_key_p50_ms \
	tui_4h_key_p99_ms tui_4h_key_max_ms tui_4h_requests_per_refresh \
	tui_4h_new_conns_per_refresh; do
	if ! grep -Eq "^$name [0-9]+(\.[0-9]+)?( |\$)" "$WORK/out"; then
		echo "FAIL: no figure line '$name NUMBER'"
		fail=1
	fi
done
# The protocol figures are exact even on a few hosts: keep-alive, and with
# bitsim's default first-one batching an Enumerate and one Pull per refresh
# (5 jobs fit in one Pull).
for want in "tui_4h_requests_per_refresh 2.00" "tui_4h_new_conns_per_refresh 0.00"; do
	grep -q "^$want\$" "$WORK/out" || { echo "FAIL: expected '$want'"; fail=1; }
done
# The 20 ms anchors really waited: 2 hosts x 2 requests x 20 ms one after another.
awk '$1 == "winrm_seq_2h_20ms_wall_s" && $2 < 0.08 { exit 1 }' "$WORK/out" ||
	{ echo "FAIL: the sequential poller with 20 ms latency took under 80 ms"; fail=1; }
[ "$fail" -eq 0 ] || { cat "$WORK/err"; exit 1; }
echo "ok - run.sh --smoke printed every figure"

# A fleet of 60 hosts under a soft limit of 40 open files: bitstop raises it.
hard=$(ulimit -H -n)
if [ "$hard" != unlimited ] && [ "$hard" -lt 200 ]; then
	echo "ok - # SKIP open-file limit: hard limit $hard is too low to show it"
	exit 0
fi
. "$top_srcdir/tests/lib/sim.sh"
BITSIM_PASSWORD=smoke-Pa55
export BITSIM_PASSWORD
sim_start --hosts 60 --user smoke --jobs 1 --seed 3 --speed 0 || exit 99
trap 'sim_stop; rm -rf "$WORK"' EXIT
cat >"$WORK/bitstop.conf" <<EOF
version = 1;
defaults: { scheme = "http"; auth = "basic"; user = "smoke"; allow_unencrypted = true; timeout = 5; };
EOF
chmod 600 "$WORK/bitstop.conf"
for a in $SIM_HOSTS; do echo "http://$a/wsman"; done >"$WORK/hosts"
(
	ulimit -S -n 40
	HOME=$WORK BITSTOP_PASSWORD=$BITSIM_PASSWORD exec "$BITSTOP" -c "$WORK/bitstop.conf" \
		-f "$WORK/hosts" --once --format tsv
) >"$WORK/once.tsv" 2>"$WORK/once.err"
rc=$?
lines=$(wc -l <"$WORK/once.tsv")
if [ "$rc" -ne 0 ] || [ "$lines" -ne 61 ]; then
	echo "FAIL: 60 hosts under ulimit -S -n 40: exit $rc, $lines lines"
	head -5 "$WORK/once.err"
	exit 1
fi
echo "ok - 60 hosts polled under a soft limit of 40 open files"
if grep -q "open-file limit" "$WORK/once.err"; then
	echo "FAIL: a soft limit bitstop can raise gave a warning"
	cat "$WORK/once.err"
	exit 1
fi

# A hard limit of 40 is too low for 60 hosts (bitstop wants 60 + 60/16 + 64:
# a connection per host and a reserve): one warning at start saying how many hosts
# are polled at once and how to raise the limit, and still every host polled
# (they take turns for connections instead of failing to connect).
(
	ulimit -n 40
	HOME=$WORK BITSTOP_PASSWORD=$BITSIM_PASSWORD exec "$BITSTOP" -c "$WORK/bitstop.conf" \
		-f "$WORK/hosts" --once --format tsv
) >"$WORK/once.tsv" 2>"$WORK/once.err"
rc=$?
lines=$(wc -l <"$WORK/once.tsv")
warned=$(grep -c "open-file limit (hard limit 40) is too low for 60 hosts.*at most 8 are polled at once.*ulimit -Hn 127" "$WORK/once.err")
if [ "$rc" -ne 0 ] || [ "$lines" -ne 61 ] || [ "$warned" -ne 1 ]; then
	echo "FAIL: 60 hosts under ulimit -n 40: exit $rc, $lines lines, $warned warnings"
	cat "$WORK/once.err"
	exit 1
fi
echo "ok - hard limit 40 for 60 hosts: one warning, every host polled"
