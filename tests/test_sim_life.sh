#!/bin/sh
# bitsim's process life and listeners.
# Protects: SIGTERM and SIGINT make bitsim exit 0 (also with answers held back
# or trickling, which MHD must see resumed first); --die-with-parent makes it
# exit when its parent dies; --listen binds the addresses given; HTTPS with
# --tls-cert/--tls-key; --speed > 0 moves jobs forward in real time; bad
# options exit 2 with a message.

. "$top_srcdir/tests/lib/sim.sh"

fail=0
check() {
	if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; fail=1; fi
}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/simlife.XXXXXX") || exit 99
cleanup() { sim_stop; rm -rf "$WORK"; }
trap cleanup EXIT

# wait_gone PID: up to 5 s for a process to exit.
wait_gone() {
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	! kill -0 "$1" 2>/dev/null
}

for sig in TERM INT; do
	"$BITSIM" --hosts 2 --base-port 0 --auth none --ready-file "$WORK/r.$sig" &
	pid=$!
	i=0; while [ ! -s "$WORK/r.$sig" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	kill -s "$sig" "$pid"
	wait "$pid"
	check "SIG$sig: exit status 0" "[ $? -eq 0 ]"
done
check "ready file: one line per host, then control" \
	"awk 'NR == 1 && \$1 == \"host\" && \$2 == 0 { a = 1 } NR == 2 && \$2 == 1 { b = 1 }
	     NR == 3 && \$1 == \"control\" { c = 1 } END { exit !(a && b && c && NR == 3) }' '$WORK/r.TERM'"

# SIGTERM while answers are held back (latency) or trickling: clean exit.
"$BITSIM" --hosts 2 --base-port 0 --auth none --jobs 20 --speed 0 --ready-file "$WORK/r.held" \
	--fault 'host=0&kind=latency&ms=5000' --fault 'host=1&kind=trickle&bytes=10&ms=1000' &
pid=$!
i=0; while [ ! -s "$WORK/r.held" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
for h in 0 1; do
	addr=$(awk -v h=$h '$1 == "host" && $2 == h { print $3 }' "$WORK/r.held")
	curl -s -o /dev/null --max-time 10 -H 'Content-Type: application/soap+xml;charset=UTF-8' \
		--data-binary '<x/>' "http://$addr/wsman" &
done
sleep 0.5
kill -s TERM "$pid"
wait "$pid"
check "SIGTERM with held and trickling answers: exit status 0" "[ $? -eq 0 ]"
wait

# --die-with-parent: kill the parent shell, bitsim follows.
sh -c "\"$BITSIM\" --hosts 1 --base-port 0 --auth none --die-with-parent \
	--ready-file '$WORK/r.die' & echo \$! > '$WORK/pid'; wait" &
parent=$!
i=0; while [ ! -s "$WORK/r.die" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
child=$(cat "$WORK/pid")
kill -KILL "$parent"
wait "$parent" 2>/dev/null
check "--die-with-parent: bitsim exits when its parent dies" "wait_gone $child"

# bad options
"$BITSIM" --hosts 0 > "$WORK/err" 2>&1
check "--hosts 0: exit status 2" "[ $? -eq 2 ] && grep -q 'bad value for --hosts' '$WORK/err'"
unset BITSIM_PASSWORD
"$BITSIM" --user x --base-port 0 > "$WORK/err" 2>&1 </dev/null
check "--user without \$BITSIM_PASSWORD: exit status 2" "[ $? -eq 2 ]"

# --listen (port 0: bitsim picks free ports below the ephemeral range) and --speed
sim_start --listen 127.0.0.1:0 --listen 127.0.0.1:0 --auth none --jobs 30 --seed 9 \
	--speed 2000 || exit 99
trap cleanup EXIT
check "--listen: two hosts on the address given, each on its own port below 32768" \
	"sim_host_addr 0 | grep -q '^127\.0\.0\.1:' && sim_host_addr 1 | grep -q '^127\.0\.0\.1:' &&
	 [ \"\$(sim_host_addr 0)\" != \"\$(sim_host_addr 1)\" ] &&
	 [ \"\$(sim_host_addr 0 | cut -d: -f2)\" -lt 32768 ] && [ \"\$(sim_host_addr 1 | cut -d: -f2)\" -lt 32768 ]"
sim_ctl '/jobs?host=0' > "$WORK/j1"
sleep 1
sim_ctl '/jobs?host=0' > "$WORK/j2"
check "--speed 2000: jobs move in real time" "! cmp -s '$WORK/j1' '$WORK/j2'"
sim_stop

# HTTPS
if command -v openssl >/dev/null 2>&1; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
		-days 2 -subj /CN=127.0.0.1 > /dev/null 2>&1
	BITSIM_PASSWORD=tls-pw; export BITSIM_PASSWORD
	sim_start --hosts 1 --user tlsuser --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" \
		--jobs 2 --speed 0 || exit 99
	trap cleanup EXIT
	code=$(curl -sk -o /dev/null -w '%{http_code}' "https://$(sim_host_addr 0)/wsman" -X POST \
		-H 'Content-Type: application/soap+xml;charset=UTF-8' --data-binary '<x/>')
	check "HTTPS without credentials: 401" "[ '$code' = 401 ]"
	code=$(curl -sk -u tlsuser:tls-pw -o "$WORK/tls.out" -w '%{http_code}' \
		"https://$(sim_host_addr 0)/wsman" -H 'Content-Type: application/soap+xml;charset=UTF-8' \
		--data-binary '<x/>')
	check "HTTPS with Basic: SOAP fault for a bad envelope" \
		"[ '$code' = 500 ] && grep -q SchemaValidationError '$WORK/tls.out'"
	code=$(curl -s -o /dev/null -w '%{http_code}' "http://$(sim_host_addr 0)/wsman" -d x)
	check "plain HTTP to the TLS listener fails" "[ '$code' != 200 ] && [ '$code' != 401 ]"
	sim_stop
else
	echo "ok - # SKIP no openssl for the HTTPS check"
fi
exit $fail
