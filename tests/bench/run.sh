#!/bin/sh
# run.sh: the whole bitstop benchmark; prints one figure per line (see bench.py).
#
#   tests/bench/run.sh            full run, about fifteen minutes on 2 cores
#   tests/bench/run.sh --smoke    every kind of figure on a few hosts in seconds
#   tests/bench/run.sh --only tui one part: once, big or tui
#   tests/bench/run.sh --only tui --tui-hosts 1000,2000   chosen fleet sizes
#
# Every target of the issues is printed with "met" or "MISSED" after its figure,
# next to the anchors: bitsim's own CPU (the floor) and python3-winrm pollers,
# sequential and 32 workers, with 0 and 20 ms of server latency.
#
# Binaries: $BITSTOP and $BITSIM when set, else ./bitstop and ./bitsim in the
# current directory (an out-of-tree build), else those of the source tree.
# The 2000-job host raises bitsim's MaxJobsPerMachine with --max-jobs.
# Needs /usr/bin/python3 with python3-winrm and tmux (Debian packages;
# ./setup.sh installs them); exits 77 when one is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

if [ -z "${BITSTOP:-}" ] || [ -z "${BITSIM:-}" ]; then
	if [ -x ./bitstop ] && [ -x ./bitsim ]; then
		dir=$(pwd)
	else
		dir=$top
	fi
	BITSTOP=${BITSTOP:-$dir/bitstop}
	BITSIM=${BITSIM:-$dir/bitsim}
fi
export BITSTOP BITSIM
for b in "$BITSTOP" "$BITSIM"; do
	if [ ! -x "$b" ]; then
		echo "run.sh: $b is missing: build first (./setup.sh), or set BITSTOP and BITSIM" >&2
		exit 2
	fi
done

missing=
command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
/usr/bin/python3 -c 'import winrm' >/dev/null 2>&1 || missing="$missing python3-winrm"
if [ -n "$missing" ]; then
	echo "run.sh: needs the Debian packages:$missing" >&2
	exit 77
fi

# bitstop holds a socket per host, each bitsim worker three per host it serves.
hard=$(ulimit -H -n)
[ "$hard" = unlimited ] && hard=1048576
ulimit -S -n "$hard" 2>/dev/null || echo "run.sh: cannot raise the open-file limit" >&2

exec /usr/bin/python3 -B "$here/bench.py" "$@"
