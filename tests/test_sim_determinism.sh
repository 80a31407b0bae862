#!/bin/sh
# Two bitsim runs with the same --seed (and --epoch) serve the same jobs.
# Protects: --seed makes runs reproducible (job ids, names, states, sizes,
# owners, times, for every host), as seen both through /jobs and through a
# real Enumerate, and a different seed gives different jobs.

. "$top_srcdir/tests/lib/sim.sh"

URI=http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/BitsClientJob
WORK=$(mktemp -d "${TMPDIR:-/tmp}/simdet.XXXXXX") || exit 99
cleanup() { sim_stop; rm -rf "$WORK"; }
trap cleanup EXIT
cat > "$WORK/enum.xml" <<XML
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header><a:To>http://h:5985/wsman</a:To><w:ResourceURI s:mustUnderstand="true">$URI</w:ResourceURI><a:ReplyTo><a:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo><a:Action s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate</a:Action><a:MessageID>uuid:11111111-2222-3333-4444-555555555555</a:MessageID></s:Header><s:Body><n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>32000</w:MaxElements></n:Enumerate></s:Body></s:Envelope>
XML

# Capture every host's /jobs and Enumerate body (minus the fresh MessageID) into $1.
capture() {
	: > "$1"
	for i in 0 1 2 3; do
		sim_ctl "/jobs?host=$i" >> "$1" || return 1
		curl -sS --max-time 10 -H 'Content-Type: application/soap+xml;charset=UTF-8' \
			--data-binary @"$WORK/enum.xml" "http://$(sim_host_addr "$i")/wsman" |
			sed 's#<a:MessageID>[^<]*</a:MessageID>##' >> "$1" || return 1
		echo >> "$1"
	done
}

# sim_start installs its own EXIT trap; put ours back after it.
start() {
	sim_start "$@" || exit 99
	trap cleanup EXIT
}

# --batching all: the whole queue in the EnumerateResponse, no context id
ARGS="--hosts 4 --auth none --jobs 25 --speed 0 --epoch 1767225600 --batching all"
start $ARGS --seed 1234
capture "$WORK/a" || exit 99
sim_stop
start $ARGS --seed 1234
capture "$WORK/b" || exit 99
sim_stop
start $ARGS --seed 4321
capture "$WORK/c" || exit 99
sim_stop

fail=0
if [ "$(grep -o '<p:JobId>' "$WORK/a" | wc -l)" -eq 100 ]; then
	echo "ok - the capture holds 4 hosts x 25 jobs"
else
	echo "not ok - the capture holds 4 hosts x 25 jobs"; fail=1
fi
if cmp -s "$WORK/a" "$WORK/b"; then
	echo "ok - same seed: identical jobs and Enumerate bodies"
else
	echo "not ok - same seed: identical jobs and Enumerate bodies"; diff "$WORK/a" "$WORK/b" | head; fail=1
fi
if cmp -s "$WORK/a" "$WORK/c"; then
	echo "not ok - another seed gives other jobs"; fail=1
else
	echo "ok - another seed gives other jobs"
fi
exit $fail
