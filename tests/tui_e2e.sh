#!/bin/sh
# tui_e2e.sh: the interactive screen end to end, in tmux, against bitsim.
#
# Protects: jobs of every host appear with the fleet totals; the filter and the
# sort change the rows; cancel asks first and then the job is gone on the
# simulator and from the screen; a priority change shows in the table and on
# the simulator; one bulk cancel across three hosts; a host made to fail is
# shown failing (its rows stale) within two refresh intervals while the others
# keep being polled, and recovers once the fault is lifted; a resize relays the
# table out; read-only refuses with its reason; q, SIGTERM, Ctrl-C and a
# fatal signal (SIGSEGV) leave the terminal usable; every action sent has its
# intent and outcome in the audit log.
set -u
: "${top_srcdir:?}" "${BITSTOP:?}" "${BITSIM:?}"
if ! command -v tmux >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
	echo "SKIP: tmux and curl are needed"
	exit 77
fi
. "$top_srcdir/tests/lib/sim.sh"

PW=e2e-Pa55
BITSIM_PASSWORD=$PW
export BITSIM_PASSWORD
sim_start --hosts 4 --user e2e --jobs 6 --seed 7 --speed 0 || exit 99

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bitstop-e2e.XXXXXX") || exit 99
SOCK="bitstop-e2e-$$"
cleanup() {
	tmux -L "$SOCK" kill-server 2>/dev/null
	sim_stop
	rm -rf "$WORK"
}
trap cleanup EXIT

CONF="$WORK/bitstop.conf"
AUDIT="$WORK/audit.log"
cat >"$CONF" <<EOF
version = 1;
refresh = 1.0;
audit_log = "$AUDIT";
defaults: { scheme = "http"; auth = "basic"; user = "e2e"; allow_unencrypted = true; timeout = 3; };
EOF
chmod 600 "$CONF"

set -- $SIM_HOSTS
H0=$1 H1=$2 H2=$3 H3=$4
URLS="http://$H0/wsman http://$H1/wsman http://$H2/wsman http://$H3/wsman"

t() { tmux -L "$SOCK" -f /dev/null "$@"; }
cap() { t capture-pane -p -t e2e; }
keys() { t send-keys -t e2e "$@"; }
text() { t send-keys -t e2e -l "$1"; }
fail() {
	echo "FAIL: $*"
	echo "--- screen:"
	cap
	exit 1
}
ok() { echo "ok - $*"; }
# Wait (in tenths of a second, default 50) until the screen shows a string.
wait_for() {
	_n=${2:-50}
	while [ "$_n" -gt 0 ]; do
		cap | grep -qF -- "$1" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
# Wait until the status line (the last line) starts with $1 and ends with $2.
wait_last() {
	_n=${3:-50}
	while [ "$_n" -gt 0 ]; do
		_l=$(cap | tail -1)
		case "$_l" in "$1"*"$2") return 0 ;; esac
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
# Wait until the screen no longer shows a string.
wait_gone() {
	_n=${2:-50}
	while [ "$_n" -gt 0 ]; do
		cap | grep -qF -- "$1" || return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
# The table's rows (between the titles and the footer) showing a host.
rows_of() { cap | sed -n '4,$p' | sed '$d' | sed '$d' | grep -cF -- "$1 "; }
# Jobs the simulator lists on host i, and whether it has a job id.
sim_count() { sim_ctl "/jobs?host=$1" | grep -c .; }
sim_has() { sim_ctl "/jobs?host=$1" | grep -qF -- "$2"; }
# The job id shown by the detail view of the cursor row (Enter, read, Esc).
cursor_job() {
	keys Enter
	wait_for "Files list" || fail "the detail view did not open"
	_id=$(cap | grep -m1 '^ *Job ' | grep -o '{[0-9A-Fa-f-]*}')
	keys Escape
	wait_for "PROGRESS" || fail "the detail view did not close"
	echo "$_id"
}
# Filter the table (replacing any filter).
filter() {
	keys /
	keys C-u
	[ -n "$1" ] && text "$1"
	keys Enter
}
# Both audit lines of an action on a job, with an ok outcome.
audited() {
	grep -F -- "$2" "$AUDIT" | grep -F '"event":"intent"' | grep -qF "\"action\":\"$1\"" &&
	grep -F -- "$2" "$AUDIT" | grep -F '"event":"outcome"' | grep -F "\"action\":\"$1\"" |
		grep -qF '"result":"ok"'
}
# Start bitstop in the shell of the pane.
run_bitstop() {
	text "$BITSTOP -c $CONF $* $URLS; echo rc=\$?"
	keys Enter
}
# The terminal after bitstop: cooked mode with echo, the table gone.
check_terminal() {
	text 'echo "tty:$(stty -a | tr " ;" "\n\n" | grep -x -e icanon -e echo | sort | tr "\n" ,)"'
	keys Enter
	wait_for "tty:echo,icanon," || fail "$1: the terminal is not back in cooked mode with echo"
	cap | grep -qF "PROGRESS" && fail "$1: the table is still on the screen"
	keys C-l
	text clear
	keys Enter
	sleep 0.2
}

t new-session -d -s e2e -x 200 -y 50 \
	"env HOME=$WORK XDG_STATE_HOME=$WORK/state XDG_CONFIG_HOME=$WORK/config BITSTOP_PASSWORD=$PW LANG=C.UTF-8 PS1='$ ' sh" ||
	fail "tmux did not start"
run_bitstop -d 1

# Every host's jobs, and the fleet totals in the header.
wait_for "hosts 4 ok" 100 || fail "the four hosts did not answer"
total=0
for i in 0 1 2 3; do
	total=$((total + $(sim_count $i)))
done
wait_for "jobs $total:" || fail "the header does not count $total jobs"
for h in $H0 $H1 $H2 $H3; do
	[ "$(rows_of "$h")" -gt 0 ] || fail "no row of $h"
done
[ "$(rows_of "$H0")" -eq "$(sim_count 0)" ] || fail "host 0: rows differ from the simulator"
ok "jobs from every host appear ($total)"

# The filter narrows the rows; Esc in the prompt clears it.
filter "${H1##*:}"
wait_for "filter \"${H1##*:}\"" || fail "the header does not show the filter"
[ "$(rows_of "$H0")" -eq 0 ] && [ "$(rows_of "$H2")" -eq 0 ] || fail "the filter left other hosts"
[ "$(rows_of "$H1")" -eq "$(sim_count 1)" ] || fail "the filter hid rows of $H1"
keys / Escape
wait_gone "filter \"" || fail "Esc did not clear the filter"
[ "$(rows_of "$H0")" -gt 0 ] || fail "rows did not come back"
ok "filter"

# The sort: > picks NAME (the last column), I inverts it.
first=$( (for i in 0 1 2 3; do sim_ctl "/jobs?host=$i"; done) | cut -f6 | LC_ALL=C sort -f | head -1)
last=$( (for i in 0 1 2 3; do sim_ctl "/jobs?host=$i"; done) | cut -f6 | LC_ALL=C sort -f | tail -1)
keys '>' End Enter
wait_for "NAMEv" || fail "the sort picker did not sort by NAME"
cap | sed -n 4p | grep -qF -- "$first" || fail "sorted by NAME, the first row is not '$first'"
keys I
wait_for "NAME^" || fail "I did not invert the sort"
cap | sed -n 4p | grep -qF -- "$last" || fail "inverted, the first row is not '$last'"
keys '>' Home Enter
wait_for "HOSTv" || fail "the sort did not come back to HOST"
ok "sort"

# Cancel: asks (No by default), then the job leaves the simulator and the screen.
filter "${H0##*:}"
wait_for "filter \"${H0##*:}\"" || fail "filter on host 0"
keys Home
job=$(cursor_job)
[ -n "$job" ] || fail "no job id in the detail view"
before=$(rows_of "$H0")
keys x
wait_for "Cancelled jobs and their temporary files are deleted." || fail "cancel did not ask"
keys Enter
wait_for "not sent: cancel" || fail "Enter on the default button sent the cancel"
sim_has 0 "$job" || fail "the job went away though the answer was No"
keys x
wait_for "[ No ]" || fail "cancel did not ask again"
keys y
wait_last "cancel '" "on $H0: ok" || fail "the cancel did not succeed"
sim_has 0 "$job" && fail "the job $job is still on the simulator"
n=30
while [ "$(rows_of "$H0")" -ne $((before - 1)) ] && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
[ "$(rows_of "$H0")" -eq $((before - 1)) ] || fail "the cancelled job is still on the screen"
audited cancel "$job" || fail "no audit lines for the cancel of $job"
ok "cancel asks, then the job is gone on the simulator and the screen"

# Priority: pick one; the simulator and the table show it.
keys Home
job=$(cursor_job)
cur=$(sim_ctl "/jobs?host=0" | grep -F -- "$job" | cut -f3)
if [ "$cur" = 3 ]; then
	keys p Home Down Enter
	want=1 short=HIGH
else
	keys p End Enter
	want=3 short=LOW
fi
wait_last "set priority $short on '" "on $H0: ok" || fail "the priority change did not succeed"
got=$(sim_ctl "/jobs?host=0" | grep -F -- "$job" | cut -f3)
[ "$got" = "$want" ] || fail "priority on the simulator is $got, not $want"
n=30
while ! cap | sed -n 4p | grep -qF " $short " && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
cap | sed -n 4p | grep -qF " $short " || fail "the table does not show $short"
audited priority "$job" || fail "no audit lines for the priority of $job"
ok "priority change shows in the table and on the simulator"

# Bulk cancel: one job tagged on each of three hosts, one confirmation.
tagged=""
for h in $H1 $H2 $H3; do
	filter "${h##*:}"
	wait_for "filter \"${h##*:}\"" || fail "filter on $h"
	keys Home
	id=$(cursor_job)
	[ -n "$id" ] || fail "no job id on $h"
	tagged="$tagged $id"
	keys Space
done
filter ""
wait_gone "filter \"" || fail "the filter did not clear"
wait_for "tagged 3" || fail "three jobs are not tagged"
keys x
wait_for "cancel 3 jobs on 3 hosts?" || fail "the bulk cancel did not ask"
keys y
wait_for "cancel 3 jobs on 3 hosts: ok" || fail "the bulk cancel did not succeed"
i=1
for id in $tagged; do
	sim_has $i "$id" && fail "job $id is still on host $i"
	audited cancel "$id" || fail "no audit lines for the cancel of $id"
	i=$((i + 1))
done
ok "bulk cancel across three hosts"

# A failing host: shown within two refresh intervals, the others keep being polled.
sim_ctl "/fault?host=2&kind=refused" >/dev/null
wait_for "1 failing" 25 || fail "host 2 was not shown failing within two refresh intervals"
# Stale rows keep their last known state and carry the '~' mark after the tag column.
stale_rows() { cap | sed -n '4,48p' | grep -F -- "$1 " | grep -c '^.~'; }
n=20
while [ "$(stale_rows "$H2")" -eq 0 ] && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
[ "$(stale_rows "$H2")" -gt 0 ] || fail "the rows of host 2 are not marked stale"
[ "$(stale_rows "$H2")" -eq "$(rows_of "$H2")" ] || fail "a row of host 2 is not stale"
[ "$(stale_rows "$H0")" -eq 0 ] || fail "rows of host 0 are marked stale"
r0=$(sim_ctl "/stats?host=0" | awk '$1 == "requests" { print $2 }')
sleep 2.2
r1=$(sim_ctl "/stats?host=0" | awk '$1 == "requests" { print $2 }')
[ "$r1" -gt "$r0" ] || fail "host 0 is not polled while host 2 fails"
keys h
wait_for "LAST ERROR" || fail "the host view did not open"
cap | grep -F -- "$H2 " | grep -qF "unreachable" || fail "the host view does not say host 2 is unreachable"
cap | grep -F -- "$H0 " | grep -qF " ok " || fail "the host view does not say host 0 is ok"
keys h
wait_for "PROGRESS" || fail "h did not go back to the jobs"
sim_ctl "/clear?host=2" >/dev/null
wait_for "hosts 4 ok" 200 || fail "host 2 did not recover"
n=30
while [ "$(stale_rows "$H2")" -gt 0 ] && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
[ "$(stale_rows "$H2")" -eq 0 ] || fail "rows are still stale after the recovery"
ok "a failing host is shown, the others keep updating, and it recovers"

# Resize: 80x24 drops columns, 200x50 brings them back.
# Wait until the column titles match a shell pattern (and do not match another).
titles_become() {
	_n=50
	while [ $_n -gt 0 ]; do
		_t=$(cap | sed -n 3p)
		case "$_t" in $2) ;; $1) return 0 ;; esac
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
t resize-window -t e2e -x 80 -y 24
titles_become "*HOST*STATE*PROGRESS*NAME*" "*OWNER*" || fail "80x24: not relaid out without OWNER"
[ "$(cap | wc -l)" -eq 24 ] || fail "80x24: the pane is not 24 lines"
[ "$(rows_of "$H0")" -gt 0 ] || fail "80x24 shows no rows"
t resize-window -t e2e -x 200 -y 50
titles_become "*HOST*OWNER*NAME*" "" || fail "200 columns do not show OWNER again"
ok "resize"

# q: the terminal is usable afterwards.
keys q
wait_for "rc=0" || fail "q did not exit with 0"
check_terminal "after q"
ok "q leaves the terminal usable"

# Read-only: actions are refused with the reason, nothing is sent or logged.
lines=$(wc -l <"$AUDIT")
count=$(sim_count 0)
run_bitstop -r -d 1
wait_for "[READ-ONLY]" 100 || fail "no read-only marker"
wait_for "hosts 4 ok" 100 || fail "read-only: the hosts did not answer"
keys x
wait_for "read-only: actions are disabled" || fail "read-only did not refuse the cancel"
[ "$(sim_count 0)" -eq "$count" ] || fail "read-only changed the simulator"
[ "$(wc -l <"$AUDIT")" -eq "$lines" ] || fail "read-only wrote the audit log"
keys q
wait_for "rc=0" || fail "read-only: q did not exit with 0"
check_terminal "after read-only"
ok "read-only refuses with its reason"

# SIGTERM: exit 143 with the terminal restored.
run_bitstop -d 1
wait_for "hosts 4 ok" 100 || fail "the hosts did not answer"
shpid=$(t display-message -p -t e2e '#{pane_pid}')
pid=$(ps -o pid= --ppid "$shpid" | tr -d ' ' | head -1)
[ -n "$pid" ] || fail "no bitstop process under the pane's shell"
kill -TERM "$pid"
wait_for "rc=143" || fail "SIGTERM did not end bitstop with 143"
check_terminal "after SIGTERM"
ok "SIGTERM restores the terminal"

# Ctrl-C (SIGINT): exit 130; a fatal signal (SIGSEGV): restored, then the signal.
run_bitstop -d 1
wait_for "hosts 4 ok" 100 || fail "the hosts did not answer"
keys C-c
wait_for "rc=130" || fail "Ctrl-C did not end bitstop with 130"
check_terminal "after Ctrl-C"
ok "Ctrl-C exits 130 with the terminal restored"
run_bitstop -d 1
wait_for "hosts 4 ok" 100 || fail "the hosts did not answer"
shpid=$(t display-message -p -t e2e '#{pane_pid}')
pid=$(ps -o pid= --ppid "$shpid" | tr -d ' ' | head -1)
[ -n "$pid" ] || fail "no bitstop process under the pane's shell"
kill -SEGV "$pid"
wait_for "rc=139" || fail "SIGSEGV did not end bitstop by that signal"
check_terminal "after SIGSEGV"
ok "a fatal signal restores the terminal and still kills"

# Every line of the audit log is an intent or an outcome, in pairs.
intents=$(grep -c '"event":"intent"' "$AUDIT")
outcomes=$(grep -c '"event":"outcome"' "$AUDIT")
[ "$intents" -eq 5 ] && [ "$outcomes" -eq 5 ] ||
	fail "the audit log has $intents intents and $outcomes outcomes, not 5 and 5"
ok "audit log: one intent and one outcome per action"
exit 0
