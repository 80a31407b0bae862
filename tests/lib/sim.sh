# sim.sh: start and drive bitsim from shell tests (POSIX sh; source it).
#
#   . "$top_srcdir/tests/lib/sim.sh"
#   sim_start --hosts 3 --auth none --jobs 5 --speed 0 || exit 99
#   addr=$(sim_host_addr 0)            # 127.0.0.1:PORT of host 0
#   sim_ctl '/fault?host=1&kind=503'   # control interface (see bitsim(1))
#   sim_stop                           # also runs from the EXIT trap
#
# sim_start adds --base-port 0 --ready-file --die-with-parent, waits up to
# 10 s for the ready file, and sets SIM_PID, SIM_CTL (control ADDR:PORT),
# SIM_DIR (temporary directory), SIM_READY (ready file) and SIM_HOSTS (the
# hosts' ADDR:PORT, space-separated, host 0 first). It installs an EXIT trap
# that calls sim_stop; a test with its own EXIT trap should call sim_stop
# from it. $BITSIM names the binary (make check sets it).

SIM_PID=
SIM_CTL=
SIM_DIR=
SIM_READY=
SIM_HOSTS=

# Start bitsim with the given extra arguments; 0 once it is ready.
sim_start() {
	: "${BITSIM:?BITSIM is not set}"
	SIM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bitsim.XXXXXX") || return 1
	SIM_READY="$SIM_DIR/ready"
	trap sim_stop EXIT
	trap 'exit 130' INT TERM
	"$BITSIM" --base-port 0 --ready-file "$SIM_READY" --die-with-parent "$@" \
		>"$SIM_DIR/log" 2>&1 &
	SIM_PID=$!
	_sim_i=0
	while [ ! -s "$SIM_READY" ]; do
		if ! kill -0 "$SIM_PID" 2>/dev/null; then
			echo "sim_start: bitsim exited:" >&2
			cat "$SIM_DIR/log" >&2
			SIM_PID=
			return 1
		fi
		_sim_i=$((_sim_i + 1))
		if [ "$_sim_i" -gt 100 ]; then
			echo "sim_start: no ready file after 10 s" >&2
			cat "$SIM_DIR/log" >&2
			return 1
		fi
		sleep 0.1
	done
	SIM_CTL=$(awk '$1 == "control" { print $2 }' "$SIM_READY")
	SIM_HOSTS=$(awk '$1 == "host" { printf "%s%s", sep, $3; sep = " " }' "$SIM_READY")
	return 0
}

# Print host i's ADDR:PORT (hosts are numbered from 0).
sim_host_addr() {
	awk -v i="$1" '$1 == "host" && $2 == i { print $3 }' "$SIM_READY"
}

# GET a control path with its query, e.g. sim_ctl '/jobs?host=0'.
sim_ctl() {
	curl -sS --max-time 10 "http://$SIM_CTL$1"
}

# Stop bitsim and remove its directory; safe to call twice.
sim_stop() {
	if [ -n "$SIM_PID" ]; then
		kill "$SIM_PID" 2>/dev/null
		wait "$SIM_PID" 2>/dev/null
		SIM_PID=
	fi
	if [ -n "$SIM_DIR" ]; then
		rm -rf "$SIM_DIR"
		SIM_DIR=
	fi
}
