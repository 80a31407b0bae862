#!/bin/sh
# --demo starts bitsim in a temporary directory under $TMPDIR and removes both on
# every way out: q, q followed at once by a hangup (a closing terminal window),
# SIGTERM. Protects against leaked simulators and leftover files.
set -u
command -v tmux >/dev/null 2>&1 || { echo "tmux missing"; exit 77; }
BITSTOP=${BITSTOP:-./bitstop}
work=$(mktemp -d /tmp/bitstop-demo-test-XXXXXX)
sock="bitstop-demo-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$work"' EXIT
fail=0

# Start the demo in a fresh tmux server; wait until the screen shows hosts.
start() {
	mkdir -p "$work/tmp"
	tmux -L "$sock" new-session -d -x 120 -y 30 \
		"TMPDIR='$work/tmp' XDG_STATE_HOME='$work/state' exec '$BITSTOP' --demo=2"
	for _ in $(seq 1 300); do	# 30 s: the machine may be busy
		tmux -L "$sock" capture-pane -p 2>/dev/null | grep -q 'hosts 2 ok' && return 0
		sleep 0.1
	done
	echo "demo did not come up"; tmux -L "$sock" capture-pane -p; return 1
}

# Wait for the demo's directory to be gone; report what is left.
check_clean() {
	for _ in $(seq 1 150); do	# 15 s
		[ -z "$(ls -A "$work/tmp" 2>/dev/null)" ] && { echo "ok - $1"; return 0; }
		sleep 0.1
	done
	echo "not ok - $1: left $(ls -A "$work/tmp")"; fail=1
}

start || exit 1
tmux -L "$sock" send-keys q
check_clean "q removes the demo directory"

start || exit 1
tmux -L "$sock" send-keys q
tmux -L "$sock" kill-server
check_clean "q then a hangup removes the demo directory"

start || exit 1
pid=$(tmux -L "$sock" display-message -p '#{pane_pid}')
kill -TERM "$pid"
check_clean "SIGTERM removes the demo directory"
tmux -L "$sock" kill-server 2>/dev/null
sleep 0.3
if pgrep -f "ready-file $work/tmp" >/dev/null; then
	echo "not ok - a bitsim of this test is still running"; fail=1
else
	echo "ok - no simulator left running"
fi
[ $fail -eq 0 ] && echo "4 passed, 0 failed" || echo "failed"
exit $fail
