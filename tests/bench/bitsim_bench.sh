#!/bin/sh
# bitsim benchmark: prints one figure per line.
#   enumerate_per_second N   optimized Enumerate requests answered per second by
#                            one bitsim process pinned to one core (20 jobs per
#                            reply with --batching all, keep-alive clients; with
#                            first-one each Enumerate would leave a context open)
#   rss_mb_1000_hosts N      resident memory of one bitsim serving 1000 hosts
#                            with 20 jobs each, after one Enumerate per host
# Targets (issue 3): >= 2000 and < 200. Uses wrk when installed, else curl.
# Usage: tests/bench/bitsim_bench.sh [DURATION_SECONDS]   ($BITSIM or ./bitsim)

BITSIM=${BITSIM:-./bitsim}
DURATION=${1:-5}
here=$(cd "$(dirname "$0")/../.." && pwd)
top_srcdir=${top_srcdir:-$here}
. "$top_srcdir/tests/lib/sim.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/simbench.XXXXXX") || exit 1
cleanup() { sim_stop; rm -rf "$WORK"; }
URI=http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/BitsClientJob
cat > "$WORK/enum.xml" <<XML
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header><a:To>http://h:5985/wsman</a:To><w:ResourceURI s:mustUnderstand="true">$URI</w:ResourceURI><a:ReplyTo><a:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo><a:Action s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate</a:Action><w:MaxEnvelopeSize s:mustUnderstand="true">512000</w:MaxEnvelopeSize><a:MessageID>uuid:0B9D4F3A-6E1C-4B7A-9C55-2F1D8E7A6B40</a:MessageID><w:OperationTimeout>PT60S</w:OperationTimeout></s:Header><s:Body><n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>32000</w:MaxElements></n:Enumerate></s:Body></s:Envelope>
XML

# Throughput: bitsim on CPU 0, the load generator elsewhere when possible.
PIN=
CPUS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
if command -v taskset >/dev/null 2>&1; then
	PIN="taskset -c 0"
fi
BITSIM_REAL=$BITSIM
BITSIM="$WORK/pinned"
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$PIN" "$BITSIM_REAL" > "$BITSIM"
chmod +x "$BITSIM"
sim_start --hosts 1 --auth none --jobs 20 --speed 0 --batching all || exit 1
trap cleanup EXIT
ADDR=$(sim_host_addr 0)
LOADPIN=
if [ -n "$PIN" ] && [ "$CPUS" -gt 1 ]; then
	LOADPIN="taskset -c 1-$((CPUS - 1))"
fi
if command -v wrk >/dev/null 2>&1; then
	cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/soap+xml;charset=UTF-8"
local f = io.open("$WORK/enum.xml", "rb")
wrk.body = f:read("*a")
f:close()
LUA
	$LOADPIN wrk -t 1 -c 16 -d "${DURATION}s" -s "$WORK/post.lua" "http://$ADDR/wsman" \
		> "$WORK/wrk.out" 2>&1
	RPS=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$WORK/wrk.out")
	BAD=$(awk '/Non-2xx/ { print $NF }' "$WORK/wrk.out")
	[ -n "$BAD" ] && echo "warning: $BAD non-2xx answers" >&2
else
	N=$((DURATION * 1000))
	urls=$(i=0; while [ $i -lt "$N" ]; do echo "http://$ADDR/wsman"; i=$((i + 1)); done)
	start=$(date +%s.%N)
	# shellcheck disable=SC2086
	$LOADPIN curl -s --parallel --parallel-max 16 \
		-H 'Content-Type: application/soap+xml;charset=UTF-8' \
		--data-binary @"$WORK/enum.xml" $urls > /dev/null 2>&1
	end=$(date +%s.%N)
	RPS=$(echo "$N $start $end" | awk '{ printf "%d", $1 / ($3 - $2) }')
fi
echo "enumerate_per_second ${RPS:-0}"
sim_stop

# Memory: 1000 hosts, one Enumerate each.
BITSIM=$BITSIM_REAL
sim_start --hosts 1000 --auth none --jobs 20 --speed 0 --batching all || exit 1
trap cleanup EXIT
# shellcheck disable=SC2086
curl -s --parallel --parallel-max 50 \
	-H 'Content-Type: application/soap+xml;charset=UTF-8' --data-binary @"$WORK/enum.xml" \
	$(for a in $SIM_HOSTS; do echo "http://$a/wsman"; done) > /dev/null 2>&1
REQ=$(for i in 0 500 999; do sim_ctl "/stats?host=$i"; done | awk '/^requests/ { n += $2 } END { print n }')
[ "$REQ" = 3 ] || echo "warning: hosts 0, 500 and 999 answered $REQ of 3 requests" >&2
RSS=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SIM_PID/status")
echo "rss_mb_1000_hosts $RSS"
