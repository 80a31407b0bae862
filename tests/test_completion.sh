#!/bin/sh
# The bash completion offers what bitstop accepts.
# Protects:
# - the option list of completion/bitstop.bash is exactly the options of
#   `bitstop --help`;
# - option values: --auth, --format, --action (priority=LEVEL, typed as bash
#   splits it at '='), --theme from the user's and the installed theme
#   directories (plus the compiled-in default), --opt=value forms;
# - HOST words come from the hosts of the config file bitstop would read
#   (-c FILE, then $BITSTOP_CONFIG, then $XDG_CONFIG_HOME, then sysconfdir),
#   strings in comments are not hosts, URLs split at ':' complete;
# - nothing but hosts after `--`; files after -c;
# - the copy make builds has this build's directories filled in;
# - in a real interactive bash (under tmux, when installed) Tab completes.

set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${BITSTOP:?}"
fail=0
tmp=$(mktemp -d) || exit 99
sock="bitstop-compl-$$"
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	command -v tmux >/dev/null 2>&1 && tmux -L "$sock" kill-server 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

if ! command -v bash >/dev/null 2>&1; then
	echo "ok - # SKIP bash not installed"
	exit 77
fi

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fail=1; }

# A copy whose installed themes are the source tree's and whose system
# configuration directory is $tmp/etc.
mkdir -p "$tmp/etc" "$tmp/xdg/bitstop/themes" "$tmp/home"
sed -e "s|@pkgdatadir@|$top_srcdir|g" -e "s|@sysconfdir@|$tmp/etc|g" \
	"$top_srcdir/completion/bitstop.bash" >"$tmp/bitstop.bash"
: >"$tmp/xdg/bitstop/themes/mine.theme"
: >"$tmp/xdg/bitstop/themes/.hidden.theme"

cat >"$tmp/fleet.conf" <<'EOF'
# "commented-out" is not a host
version = 1;
defaults: { user = "CONTOSO\\bitsops"; password_command = "echo \"x\""; };
groups = (
  { name = "branch-a"; hosts = [ "ws01", "ws02", "10.1.2.3" ]; readonly = true; },
  { name = "lab"; hosts = [ "http://lab1:5985/wsman" ]; auth = "basic"; /* "nothost" */
    user = "Administrator"; allow_unencrypted = true; }
);
hosts = ( "ws10", { host = "ws11:5986"; timeout = 30; } ); // "nothost2"
EOF
printf 'hosts = [ "other1" ];\n' >"$tmp/other.conf"
printf 'hosts = [ "xdg1" ];\n' >"$tmp/xdg/bitstop/bitstop.conf"
printf 'hosts = [ "sys1" ];\n' >"$tmp/etc/bitstop.conf"

# Run the completion on the words given (the last one is being completed);
# prints COMPREPLY sorted, one per line.
cat >"$tmp/complete.bash" <<'EOF'
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_bitstop
printf '%s\n' "${COMPREPLY[@]}" | sort
EOF

# expect "what" "expected replies, space-separated" word...
expect() {
	what=$1 want=$2
	shift 2
	got=$(cd "$tmp" && env -u BITSTOP_CONFIG HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/xdg" \
		${CONF:+BITSTOP_CONFIG="$CONF"} bash "$tmp/complete.bash" "$tmp/bitstop.bash" "$@" |
		tr '\n' ' ' | sed 's/ *$//')
	# shellcheck disable=SC2086 # one expected reply per word
	want=$(printf '%s\n' $want | sort | tr '\n' ' ' | sed 's/ *$//')
	if [ "$got" = "$want" ]; then ok "$what"; else
		not_ok "$what: got '$got', want '$want'"; fi
}

# The option list against --help.
"$BITSTOP" --help | grep -E '^ +-' | grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' |
	tr -d ' ,' | sort -u >"$tmp/help"
bash -c 'source "$1"; printf "%s\n" $_bitstop_options' _ "$tmp/bitstop.bash" | sort -u >"$tmp/opts"
if [ "$(wc -l <"$tmp/help")" -ge 20 ] && cmp -s "$tmp/help" "$tmp/opts"; then
	ok "the option list is the options of bitstop --help"
else
	not_ok "the option list is the options of bitstop --help"
	diff "$tmp/help" "$tmp/opts" | sed 's/^/# /'
fi

CONF="$tmp/fleet.conf"
expect "long option prefix" "--theme" bitstop --th
expect "every option after -" "$(cat "$tmp/help")" bitstop -
expect "--auth values" "negotiate" bitstop -a n
expect "--format values" "table json tsv" bitstop --format ""
expect "--format=VALUE" "json" bitstop --format = j
expect "--action values" "cancel complete" bitstop --action c
expect "--action priority=LEVEL split at =" "high" bitstop --action priority = h
expect "--action priority= lists levels" "foreground high normal low" \
	bitstop --action priority = ""
expect "--theme: default, installed and user themes, no hidden ones" \
	"default light mine mono solarized-dark" bitstop --theme ""
expect "--theme=VALUE" "solarized-dark" bitstop --theme = so
expect "no values for --user" "" bitstop -u ""
expect "hosts of \$BITSTOP_CONFIG, not of comments" "ws01 ws02 ws10 ws11:5986" bitstop w
expect "every host" "ws01 ws02 10.1.2.3 http://lab1:5985/wsman ws10 ws11:5986" bitstop ""
expect "a URL split at :" "//lab1:5985/wsman" bitstop http : //la
expect "a host after another host and options" "10.1.2.3" bitstop -r ws01 1
expect "-c FILE is the config to read" "other1" bitstop -c "$tmp/other.conf" ""
expect "--config=FILE is the config to read" "other1" bitstop --config = "$tmp/other.conf" ""
expect "only hosts after --" "" bitstop -- --th
expect "files after -c" "$tmp/other.conf" bitstop -c "$tmp/oth"
CONF=""
expect "\$XDG_CONFIG_HOME/bitstop/bitstop.conf without \$BITSTOP_CONFIG" "xdg1" bitstop ""
rm "$tmp/xdg/bitstop/bitstop.conf"
expect "sysconfdir/bitstop.conf when the user has none" "sys1" bitstop ""

# The copy make builds: this build's directories, nothing left to fill in.
built="$top_builddir/completion/bitstop"
pkgdatadir=$(sed -n "s/^_bitstop_pkgdatadir='\(.*\)'\$/\1/p" "$built" 2>/dev/null)
if [ -f "$built" ] && ! grep -q '@[a-z]*dir@' "$built" && [ -n "$pkgdatadir" ] &&
	grep -q "^pkgdatadir = " "$top_builddir/Makefile"; then
	ok "completion/bitstop is built with its directories filled in ($pkgdatadir)"
else
	not_ok "completion/bitstop is built with its directories filled in"
fi
if bash -n "$built" 2>/dev/null; then ok "completion/bitstop parses"; else
	not_ok "completion/bitstop parses"; fi

# Real bash under tmux: bash splits the line itself.
if command -v tmux >/dev/null 2>&1; then
	tmux -L "$sock" -f /dev/null new-session -d -x 160 -y 20 \
		"env -i PATH=/usr/bin:/bin HOME=$tmp/home TERM=screen \
		BITSTOP_CONFIG=$tmp/fleet.conf XDG_CONFIG_HOME=$tmp/xdg PS1='$ ' \
		bash --norc --noprofile" || not_ok "tmux starts"
	# type "$1", press Tab twice, wait for the prompt line to read "$2", clear it
	tab() {
		tmux -L "$sock" send-keys -l "$1"
		tmux -L "$sock" send-keys Tab Tab
		i=0
		while [ $i -lt 50 ]; do
			if tmux -L "$sock" capture-pane -p | grep -qxF -- "$2"; then
				ok "interactive: '$1' Tab gives '$2'"
				tmux -L "$sock" send-keys C-u C-l
				sleep 0.2
				return
			fi
			sleep 0.1
			i=$((i + 1))
		done
		not_ok "interactive: '$1' Tab gives '$2'"
		tmux -L "$sock" capture-pane -p | sed 's/^/# /'
		tmux -L "$sock" send-keys C-u C-l
	}
	sleep 0.3
	tmux -L "$sock" send-keys -l "source $tmp/bitstop.bash"
	tmux -L "$sock" send-keys Enter
	sleep 0.3
	tab "bitstop --action priority=h" '$ bitstop --action priority=high'
	tab "bitstop --theme=sol" '$ bitstop --theme=solarized-dark'
	tab "bitstop http://la" '$ bitstop http://lab1:5985/wsman'
	tab "bitstop ws11:" '$ bitstop ws11:5986'
	tab "bitstop --no-c" '$ bitstop --no-color'
else
	ok "# SKIP interactive checks: tmux not installed"
fi

exit $fail
