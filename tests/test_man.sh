#!/bin/sh
# The man pages stay clean and true to the programs.
# Protects:
# - man/bitstop.1, man/bitsim.1 and man/bitstop.conf.5 have no mandoc -Tlint
#   warning or error (groff -ww when mandoc is missing);
# - each page has the sections the project promises (NAME ... SEE ALSO);
# - every option `bitstop --help` lists is under OPTIONS in bitstop.1, and
#   every option there is in --help; the same for bitsim --help and bitsim.1;
# - every key of the key table (tui/keymap.h) is under KEYS in bitstop.1, and
#   every key there is in the table;
# - every bitstop or bitsim page a page refers to (.Xr) exists.

set -u
: "${top_srcdir:?}" "${BITSTOP:?}" "${BITSIM:?}"
MAN="$top_srcdir/man"
fail=0
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fail=1; }

# Lint one page; prints what the linter found.
lint() {
	if command -v mandoc >/dev/null 2>&1; then
		mandoc -Tlint -W warning "$1" 2>&1
	else
		groff -ww -mandoc -z "$1" 2>&1
	fi
}

# The body of section $2 of page $1 (up to the next .Sh).
section() {
	awk -v want="$2" '
		/^\.Sh / { name = $0; sub(/^\.Sh /, "", name); in_sec = (name == want); next }
		in_sec { print }' "$1"
}

# Options named on the .It lines of a page's OPTIONS section, one per line:
# "Fl c" is -c, "Fl \-config" is --config.
man_options() {
	section "$1" OPTIONS | awk '
		/^\.It / {
			for (i = 2; i < NF; i++)
				if ($i == "Fl") {
					o = $(i + 1)
					gsub(/\\-/, "-", o)
					gsub(/[^A-Za-z0-9-].*$/, "", o)
					if (o != "")
						print "-" o
				}
		}' | sort -u
}

# Options in bitstop --help: the option lines of its Options: block.
bitstop_help_options() {
	"$BITSTOP" --help | grep -E '^ +-' |
		grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' | tr -d ' ,' | sort -u
}

# Options in bitsim --help: its synopsis names every one.
bitsim_help_options() {
	"$BITSIM" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

# Compare two sorted lists of options; $3 and $4 name them in messages.
compare() {
	missing=$(comm -23 "$1" "$2" | tr '\n' ' ')
	extra=$(comm -13 "$1" "$2" | tr '\n' ' ')
	if [ -z "$missing" ]; then ok "every option of $3 is in $4"; else
		not_ok "every option of $3 is in $4 (missing: $missing)"; fi
	if [ -z "$extra" ]; then ok "every option of $4 is in $3"; else
		not_ok "every option of $4 is in $3 (not in $3: $extra)"; fi
}

# 1. lint
for page in bitstop.1 bitsim.1 bitstop.conf.5; do
	out=$(lint "$MAN/$page")
	if [ -z "$out" ]; then ok "$page: lint clean"; else
		not_ok "$page: lint clean"; echo "$out" | sed 's/^/# /'; fi
done

# 2. sections
check_sections() {
	page=$1; shift
	for sec in "$@"; do
		if grep -qx "\.Sh $sec" "$MAN/$page"; then :; else
			not_ok "$page: has a $sec section"; return; fi
	done
	ok "$page: has the sections $*"
}
check_sections bitstop.1 NAME SYNOPSIS DESCRIPTION OPTIONS KEYS ENVIRONMENT FILES \
	"EXIT STATUS" EXAMPLES "SEE ALSO"
check_sections bitsim.1 NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT FILES \
	"EXIT STATUS" EXAMPLES "SEE ALSO"
# A file format has no options and no exit status.
check_sections bitstop.conf.5 NAME SYNOPSIS DESCRIPTION ENVIRONMENT FILES EXAMPLES "SEE ALSO"

# 3. options: --help against the man page, both ways
bitstop_help_options >"$tmp/help"
man_options "$MAN/bitstop.1" >"$tmp/man"
if [ "$(wc -l <"$tmp/help")" -lt 20 ]; then
	not_ok "bitstop --help lists its options (found $(wc -l <"$tmp/help"))"
fi
compare "$tmp/help" "$tmp/man" "bitstop --help" bitstop.1

bitsim_help_options >"$tmp/simhelp"
man_options "$MAN/bitsim.1" >"$tmp/simman"
if [ "$(wc -l <"$tmp/simhelp")" -lt 10 ]; then
	not_ok "bitsim --help lists its options (found $(wc -l <"$tmp/simhelp"))"
fi
compare "$tmp/simhelp" "$tmp/simman" "bitsim --help" bitsim.1

# 4. keys: the key table against the KEYS section, both ways
sed -n 's/^[[:space:]]*X(KA_[A-Z_]*, "\([^"]*\)".*/\1/p' "$top_srcdir/tui/keymap.h" |
	tr ' ' '\n' | grep -v '^$' | sort -u >"$tmp/keys"
section "$MAN/bitstop.1" KEYS | awk '
	/^\.It / {
		for (i = 2; i < NF; i++)
			if ($i == "Ic") {
				k = $(i + 1)
				gsub(/\\-/, "-", k)
				gsub(/\\&/, "", k)
				print k
			}
	}' | sort -u >"$tmp/mankeys"
if [ "$(wc -l <"$tmp/keys")" -lt 30 ]; then
	not_ok "tui/keymap.h parsed (found $(wc -l <"$tmp/keys") keys)"
fi
missing=$(comm -23 "$tmp/keys" "$tmp/mankeys" | tr '\n' ' ')
extra=$(comm -13 "$tmp/keys" "$tmp/mankeys" | tr '\n' ' ')
if [ -z "$missing" ]; then ok "every key of tui/keymap.h is under KEYS"; else
	not_ok "every key of tui/keymap.h is under KEYS (missing: $missing)"; fi
if [ -z "$extra" ]; then ok "every key under KEYS is in tui/keymap.h"; else
	not_ok "every key under KEYS is in tui/keymap.h (not in the table: $extra)"; fi

# 5. cross references between the project's pages
for page in bitstop.1 bitsim.1 bitstop.conf.5; do
	refs=$(sed -n 's/^\.Xr \(bitst[a-z.]*\|bitsim\) \([0-9]\).*/\1.\2/p' "$MAN/$page" | sort -u)
	for r in $refs; do
		[ -f "$MAN/$r" ] || not_ok "$page refers to $r, which exists"
	done
done
ok "cross references checked"

exit $fail
