#!/bin/sh
# make install with DESTDIR puts everything where a packager expects it.
# Protects: from this build directory, make install into a staging root
# installs bitstop and bitsim, the three man pages, every theme of themes/
# under $(pkgdatadir)/themes, bitstop.conf.example and README.md under
# $(docdir) (the same bytes as in the sources, which tests/test_cfg_docs
# loads), and the bash completion as $(bashcompletiondir)/bitstop; the
# installed bitstop finds the installed bitsim for --demo; make uninstall
# removes every file again.

set -u
: "${top_srcdir:?}" "${top_builddir:?}"
fail=0
tmp=$(mktemp -d) || exit 99
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
root="$tmp/root"

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fail=1; }

# A make of our own: no jobserver or flags inherited from the make running the tests.
run_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DESTDIR "${MAKE:-make}" -C "$top_builddir" "$@"
}

if ! run_make -s -o Makefile docs-print-dirs >"$tmp/dirs"; then
	not_ok "make docs-print-dirs"
	exit 1
fi

# make install first brings `all` up to date, and in a working tree whose
# sources change while the tests run that would relink the programs under
# the other tests. make check built everything: install what is there, with
# every built file (and the Makefile) marked as not to be remade; -o does not
# reach sub-makes, so call the leaf targets of install-am directly.
keep="-o Makefile"
for f in $(sed -n 's/^built=//p' "$tmp/dirs"); do
	keep="$keep -o $f"
done
# dir NAME: the value make gave for NAME
dir() { sed -n "s/^$1=//p" "$tmp/dirs"; }
bindir=$(dir bindir)
man1dir=$(dir man1dir)
man5dir=$(dir man5dir)
themesdir=$(dir themesdir)
docdir=$(dir docdir)
pkgdatadir=$(dir pkgdatadir)
compdir=$(dir bashcompletiondir)
for v in "$bindir" "$man1dir" "$man5dir" "$themesdir" "$docdir" "$compdir"; do
	case $v in
	/*) ;;
	*) not_ok "installation directories are absolute (got '$v')"; exit 1 ;;
	esac
done

# shellcheck disable=SC2086
if run_make $keep install-exec-am install-data-am DESTDIR="$root" >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR=..."
else
	not_ok "make install DESTDIR=..."
	sed 's/^/# /' "$tmp/install.log"
	exit 1
fi

# has FILE [same-as-source]: FILE is installed (and identical to the source file)
has() {
	if [ ! -f "$root$1" ]; then
		not_ok "installed: $1"
	elif [ $# -gt 1 ] && ! cmp -s "$root$1" "$2"; then
		not_ok "installed: $1 is $2"
	else
		ok "installed: $1"
	fi
}

for prog in bitstop bitsim; do
	if [ -x "$root$bindir/$prog" ]; then ok "installed: $bindir/$prog"; else
		not_ok "installed: $bindir/$prog (executable)"; fi
done
has "$man1dir/bitstop.1" "$top_srcdir/man/bitstop.1"
has "$man1dir/bitsim.1" "$top_srcdir/man/bitsim.1"
has "$man5dir/bitstop.conf.5" "$top_srcdir/man/bitstop.conf.5"
has "$docdir/bitstop.conf.example" "$top_srcdir/bitstop.conf.example"
has "$docdir/README.md" "$top_srcdir/README.md"
has "$compdir/bitstop"

nthemes=0
for t in "$top_srcdir"/themes/*.theme; do
	has "$themesdir/${t##*/}" "$t"
	nthemes=$((nthemes + 1))
done
for t in default light mono; do
	[ -f "$top_srcdir/themes/$t.theme" ] || not_ok "themes/$t.theme exists"
done
[ $nthemes -ge 4 ] || not_ok "at least four themes ship (found $nthemes)"

if grep -qF "'$pkgdatadir'" "$root$compdir/bitstop" && bash -n "$root$compdir/bitstop"; then
	ok "the installed completion looks for themes in $pkgdatadir"
else
	not_ok "the installed completion looks for themes in $pkgdatadir"
fi

# The installed programs work together: --demo finds bitsim next to bitstop.
out=$(timeout 60 "$root$bindir/bitstop" --demo=2 --once --format tsv 2>"$tmp/demo.err")
rc=$?
if [ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | awk -F'\t' 'NR > 1 && $1 ~ /^sim-0[12]$/' |
	wc -l)" -gt 0 ]; then
	ok "installed bitstop --demo --once runs the installed bitsim"
else
	not_ok "installed bitstop --demo --once runs the installed bitsim (exit $rc)"
	sed 's/^/# /' "$tmp/demo.err"
fi

if run_make -o Makefile uninstall DESTDIR="$root" >"$tmp/uninstall.log" 2>&1; then
	left=$(find "$root" -type f | sed "s|^$root||")
	if [ -z "$left" ]; then ok "make uninstall removes every file"; else
		not_ok "make uninstall removes every file (left: $left)"; fi
else
	not_ok "make uninstall DESTDIR=..."
	sed 's/^/# /' "$tmp/uninstall.log"
fi

exit $fail
