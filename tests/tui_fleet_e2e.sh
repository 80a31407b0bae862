#!/bin/sh
# tui_fleet_e2e.sh: the screen at fleet scale, end to end in tmux.
#
# Protects, on the embedded demo fleet of 120 hosts (sim-1 ... sim-120 share
# prefixes): /host:sim-10 and the host view's Enter on sim-10 show sim-10
# alone; /state:ERROR shows no TRANSIENT_ERROR; no row that is not
# TRANSFERRING shows a rate; after /state:SUSPENDED, *, r, y the key o shows
# the operation with the columns Id, Name, State, HasMoreData, Location; an
# unknown --theme is an error at start.
# On a bitsim fleet with jobs in error and one host made to fail: the "what's
# wrong" view groups the failing jobs by code and the failing host by kind,
# and Enter filters the job table to a group; a bulk action over every job
# leaves out (and names) the jobs of the failing host, and the operations view
# shows the operation and one child per job.
set -u
: "${top_srcdir:?}" "${BITSTOP:?}" "${BITSIM:?}"
if ! command -v tmux >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1 ||
    ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: tmux, curl and python3 are needed"
	exit 77
fi
. "$top_srcdir/tests/lib/sim.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bitstop-fleet.XXXXXX") || exit 99
SOCK="bitstop-fleet-$$"
cleanup() {
	tmux -L "$SOCK" kill-server 2>/dev/null
	sim_stop
	rm -rf "$WORK"
}
trap cleanup EXIT

t() { tmux -L "$SOCK" -f /dev/null "$@"; }
cap() { t capture-pane -p -t fleet; }
keys() { t send-keys -t fleet "$@"; }
text() { t send-keys -t fleet -l "$1"; }
fail() {
	echo "FAIL: $*"
	echo "--- screen:"
	cap
	exit 1
}
ok() { echo "ok - $*"; }
# Wait (in tenths of a second, default 100) until the screen shows a string.
wait_for() {
	_n=${2:-100}
	while [ "$_n" -gt 0 ]; do
		cap | grep -qF -- "$1" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
# Filter the job table (replacing any filter).
filter() {
	keys /
	keys C-u
	[ -n "$1" ] && text "$1"
	keys Enter
}
# The table's rows (below the titles, above the footer), gutter removed.
rows() { cap | sed -n '4,48p' | cut -c3- | grep -v '^ *$'; }
# Check the job table with a Python expression over its rows; prints what is wrong.
table_check() {
	cap >"$WORK/screen"
	python3 - "$WORK/screen" "$1" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
titles = lines[2]
rows = [l for l in lines[3:48] if l.strip()]
def cell(row, title, width):
    end = titles.index(title) + len(title)
    return row[end - width:end].strip() if len(row) >= end else ""
def state(row):
    return row[2:].split()[1]
def host(row):
    return row[2:].split()[0]
what = sys.argv[2]
if what == "sim-10":
    bad = [r for r in rows if host(r) != "sim-10"]
    if bad or len(rows) == 0:
        print("rows of other hosts (or none):", bad[:3])
elif what == "error":
    bad = [r for r in rows if state(r) != "ERROR"]
    if bad or len(rows) == 0:
        print("rows not in ERROR (or none):", bad[:3])
elif what == "rate":
    bad = [r for r in rows if cell(r, "RATE", 7) and state(r) != "TRANSFERRING"]
    shown = [r for r in rows if cell(r, "RATE", 7)]
    if bad or not shown:
        print("rates on rows not transferring (or no rate at all):", bad[:3])
PY
}

# An unknown --theme is an error at start (exit 2, naming the themes), not a message on the screen.
out=$(HOME=$WORK XDG_CONFIG_HOME=$WORK/config "$BITSTOP" --theme nosuch --demo=1 2>&1 </dev/null)
rc=$?
[ "$rc" -eq 2 ] || fail "--theme nosuch: exit $rc, not 2"
case "$out" in *"--theme: theme 'nosuch' not found (themes: default, light, mono"*) ;;
*) fail "--theme nosuch says: $out" ;; esac
ok "an unknown --theme is an error at start"
# The same on a terminal: bitstop stops before the screen starts, instead of drawing it
# with a message (it would then run until the timeout).
out=$(HOME=$WORK XDG_CONFIG_HOME=$WORK/config TERM=xterm timeout 60 \
	script -qec "'$BITSTOP' --theme nosuch --demo=1" /dev/null 2>&1 </dev/null)
rc=$?
[ "$rc" -eq 2 ] || fail "--theme nosuch on a terminal: exit $rc, not 2"
case "$out" in *"--theme: theme 'nosuch' not found"*) ;;
*) fail "--theme nosuch on a terminal says: $(printf '%s' "$out" | tr -cd '[:print:]' | tail -c 300)" ;; esac
ok "an unknown --theme is an error at start on a terminal too"

t new-session -d -s fleet -x 200 -y 50 \
	"env HOME=$WORK XDG_STATE_HOME=$WORK/state XDG_CONFIG_HOME=$WORK/config LANG=C.UTF-8 PS1='$ ' sh" ||
	fail "tmux did not start"

# --- The demo fleet of 120 hosts.
text "$BITSTOP --demo=120; echo rc=\$?"
keys Enter
wait_for "hosts 120 ok" 300 || fail "the demo fleet did not answer"

filter "host:sim-10"
wait_for 'filter "host:sim-10"' || fail "the header does not show the filter"
r=$(table_check sim-10)
[ -z "$r" ] || fail "/host:sim-10: $r"
[ "$(rows | wc -l)" -eq 12 ] || fail "/host:sim-10 does not show the 12 jobs of sim-10"
ok "/host:sim-10 shows sim-10 alone"

filter ""
keys h
wait_for "LAST ERROR" || fail "the host view did not open"
keys /
text "sim-10"
keys Enter Home Enter
wait_for 'filter "host:sim-10"' || fail "Enter in the host view did not filter by host:sim-10"
r=$(table_check sim-10)
[ -z "$r" ] || fail "the host view's Enter on sim-10: $r"
ok "the host view's Enter on sim-10 shows sim-10 alone"

filter "state:ERROR"
wait_for 'filter "state:ERROR"' || fail "no state filter"
r=$(table_check error)
[ -z "$r" ] || fail "/state:ERROR: $r"
ok "/state:ERROR shows no TRANSIENT_ERROR"

filter ""
sleep 6	# two polls: rates are measured
r=$(table_check rate)
[ -z "$r" ] || fail "rates: $r"
ok "no row that is not TRANSFERRING shows a rate"

filter "state:SUSPENDED"
wait_for 'filter "state:SUSPENDED"' || fail "no state filter"
keys '*'
wait_for "more jobs tagged" || fail "* did not tag"
keys r
wait_for "Confirm" || fail "the bulk resume did not ask"
keys y
wait_for "resume " || fail "the bulk resume was not sent"
keys o
wait_for "HasMoreData" || fail "o did not open the operations view"
cap | sed -n 3p | grep -q "Id *Name *State *HasMoreData *Location" || fail "the operations view lacks its columns"
cap | sed -n 4p | grep -q "resume [0-9]* jobs on [0-9]* hosts" || fail "the resume is not listed as an operation"
ok "o shows the operation with Id, Name, State, HasMoreData, Location"
keys Escape q
wait_for "rc=0" 100 || fail "q did not leave the demo"

# --- A bitsim fleet: jobs in error, one host failing.
PW=fleet-Pa55
BITSIM_PASSWORD=$PW
export BITSIM_PASSWORD
sim_start --hosts 6 --user fleet --jobs 12 --seed 11 --speed 0 || exit 99
# sim_start installs its own EXIT trap; put ours back, so that the tmux server stops too.
trap cleanup EXIT
set -- $SIM_HOSTS
URLS=""
for h in "$@"; do URLS="$URLS http://$h/wsman"; done
H2=$3
CONF="$WORK/bitstop.conf"
cat >"$CONF" <<EOC
version = 1;
refresh = 1.0;
audit_log = "$WORK/audit.log";
defaults: { scheme = "http"; auth = "basic"; user = "fleet"; allow_unencrypted = true; timeout = 3; };
EOC
chmod 600 "$CONF"
# Jobs in ERROR or TRANSIENT_ERROR on the simulator.
failing=0
for i in 0 1 2 3 4 5; do
	failing=$((failing + $(sim_ctl "/jobs?host=$i" | awk -F '\t' '$2 == 4 || $2 == 5' | wc -l)))
done
[ "$failing" -gt 0 ] || fail "the seeded fleet has no job in error"
h2jobs=$(sim_ctl "/jobs?host=2" | grep -c .)

text "BITSTOP_PASSWORD=$PW $BITSTOP -c $CONF $URLS; echo rc=\$?"
keys Enter
wait_for "hosts 6 ok" 200 || fail "the six hosts did not answer"
sim_ctl "/fault?host=2&kind=refused" >/dev/null
wait_for "1 failing" 100 || fail "host 2 is not shown failing"

keys w
wait_for "Failing jobs by error code" || fail "w did not open the what's wrong view"
wait_for "$failing failing jobs, 1 failing host" 100 || fail "the view does not count $failing failing jobs and 1 failing host"
n=100
while cap | grep -q "code being asked\|code not asked yet" && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
cap | grep -q "code being asked\|code not asked yet" && fail "error codes were not all asked"
cap | grep -A1 "Failing hosts by kind" | tail -1 | grep -q "unreachable *$h2jobs *1 *status:connect" ||
	fail "the failing host is not grouped as unreachable with its $h2jobs jobs"
code=$(cap | grep -A1 "Failing jobs by error code" | tail -1 | grep -o 'code:0x[0-9A-F]*')
[ -n "$code" ] || fail "no code group"
keys Enter
wait_for "filter \"$code\"" || fail "Enter did not filter the table to $code"
cap | sed -n '4,48p' | cut -c3- | grep -v '^ *$' | grep -v 'ERROR' && fail "the $code group shows a job not in error"
ok "what's wrong groups failing jobs by code and the failing host by kind; Enter filters to a group"

filter ""
keys '*'
wait_for "more jobs tagged" || fail "* did not tag"
keys s
wait_for "more jobs on 1 failing host" || fail "the confirmation does not name the jobs of the failing host"
keys y
wait_for "suspend " || fail "the bulk suspend was not sent"
n=100
while ! cap | tail -1 | grep -q "suspend [0-9]* jobs on 5 hosts: " && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
cap | tail -1 | grep -q "suspend [0-9]* jobs on 5 hosts: " || fail "the bulk suspend did not finish on the 5 answering hosts"
sent=$(cap | tail -1 | sed -n 's/.*suspend \([0-9]*\) jobs on 5 hosts.*/\1/p')
keys o
wait_for "HasMoreData" || fail "o did not open the operations view"
cap | sed -n 4p | grep -q "suspend $sent jobs on 5 hosts" || fail "the operation is not listed"
cap | sed -n 4p | grep -qF "${H2}" && fail "the failing host is in the operation's location"
keys Enter
wait_for "OUTCOME" || fail "Enter did not open the children"
kids=$(cap | sed -n '5,48p' | grep -c ' ok \| failed ')
[ "$kids" -eq "$sent" ] || [ "$sent" -gt 44 ] || fail "$kids children shown for $sent jobs"
ok "a bulk action leaves out the failing host's jobs and the operations view shows it with its children"
keys Escape Escape q
wait_for "rc=" 100 || fail "q did not leave"
exit 0
