#!/bin/sh
# ci_deb.sh: the packaging step of CI. Run from the top of a configured and
# built tree (./setup.sh check runs it after make distcheck). Takes about a
# minute on two cores.
#
# Protects: `dpkg-buildpackage -us -uc -b` builds bitstop_*.deb from the
# release tarball alone (make dist, so debian/ and every file the build needs
# are shipped); lintian finds no error in it; the package holds bitstop,
# bitsim, the three man pages, the themes, the example configuration, the
# README and the bash completion; its Depends come from the linked libraries
# (shlibs) and gss-ntlmssp is recommended; and the programs unpacked into a
# scratch root (dpkg -x, nothing installed on the system) run: --version, and
# --demo --once with the package's own bitsim.
#
# make check is not run again inside the package build (DEB_BUILD_OPTIONS=
# nocheck): setup.sh check has just run it on the same sources.
# Environment: DEB_DIR (work directory, default a fresh one under
# ${TMPDIR:-/tmp}, removed at the end unless KEEP=1), JOBS (default nproc).
set -u

TOP=$(pwd)
if [ ! -f "$TOP/debian/control" ] || [ ! -f "$TOP/Makefile" ]; then
	echo "ci_deb.sh: run me from the top of a configured bitstop source tree" >&2
	exit 2
fi
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
if [ -n "${DEB_DIR:-}" ]; then
	WORK=$DEB_DIR
	mkdir -p "$WORK"
else
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/bitstop-deb.XXXXXX")
	[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
fi
fail=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fail=1; }
die() { echo "not ok - $1"; exit 1; }

# The release tarball is the clean checkout: only what make dist ships.
make -s dist-gzip >"$WORK/dist.log" 2>&1 || { cat "$WORK/dist.log"; die "make dist"; }
tarball=bitstop-$(sed -n 's/^VERSION = //p' Makefile).tar.gz
tar -xzf "$tarball" -C "$WORK" || die "unpack $tarball"
src="$WORK/${tarball%.tar.gz}"

if (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$JOBS" \
	dpkg-buildpackage -us -uc -b -Pnocheck) >"$WORK/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	tail -n 40 "$WORK/build.log"
	die "dpkg-buildpackage -us -uc -b (log above)"
fi
deb=$(ls "$WORK"/bitstop_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "dpkg-buildpackage made bitstop_*.deb"

# lintian exits non-zero on an error tag (or when it cannot run); warnings
# are shown but do not fail. The .changes covers the .deb, its -dbgsym and
# the .buildinfo.
changes=$(ls "$WORK"/bitstop_*.changes | head -n 1)
lintian --fail-on error "$changes" >"$WORK/lintian.log" 2>&1
lrc=$?
grep -v '^running with root privileges' "$WORK/lintian.log" | sed 's/^/# lintian: /'
if [ $lrc -eq 0 ]; then ok "lintian reports no error"; else not_ok "lintian reports no error (exit $lrc)"; fi

dpkg-deb -c "$deb" | awk '{ print $6 }' >"$WORK/contents"
for f in usr/bin/bitstop usr/bin/bitsim \
	usr/share/man/man1/bitstop.1.gz usr/share/man/man1/bitsim.1.gz \
	usr/share/man/man5/bitstop.conf.5.gz \
	usr/share/bitstop/themes/default.theme \
	usr/share/doc/bitstop/bitstop.conf.example usr/share/doc/bitstop/README.md.gz \
	usr/share/doc/bitstop/copyright \
	usr/share/bash-completion/completions/bitstop; do
	if grep -qx "\./$f" "$WORK/contents"; then ok "package holds /$f"; else not_ok "package holds /$f"; fi
done
for t in "$TOP"/themes/*.theme; do
	grep -qx "\./usr/share/bitstop/themes/${t##*/}" "$WORK/contents" ||
		not_ok "package holds theme ${t##*/}"
done

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libcurl libxml2 libconfig libncursesw libmicrohttpd; do
	case $depends in
	*"$lib"*) ok "Depends names $lib" ;;
	*) not_ok "Depends names $lib (Depends: $depends)" ;;
	esac
done
case $(dpkg-deb -f "$deb" Recommends) in
*gss-ntlmssp*) ok "Recommends gss-ntlmssp" ;;
*) not_ok "Recommends gss-ntlmssp" ;;
esac

# A scratch root: the package's files, run from there with a PATH that
# holds neither this build nor an installed bitstop.
root="$WORK/root"
dpkg -x "$deb" "$root" || die "dpkg -x"
home="$WORK/home"
mkdir -p "$home"
if env -i HOME="$home" PATH=/usr/bin:/bin "$root/usr/bin/bitstop" --version \
	>"$WORK/version" 2>&1 && grep -q "^bitstop " "$WORK/version"; then
	ok "bitstop --version from the package: $(head -n 1 "$WORK/version")"
else
	cat "$WORK/version"
	not_ok "bitstop --version from the package"
fi
if timeout 60 env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 \
	"$root/usr/bin/bitstop" --demo --once >"$WORK/demo" 2>"$WORK/demo.err" &&
	head -n 1 "$WORK/demo" | grep -q '^HOST' && grep -q '^sim-08' "$WORK/demo"; then
	ok "bitstop --demo --once from the package ($(($(wc -l <"$WORK/demo") - 1)) jobs)"
else
	cat "$WORK/demo" "$WORK/demo.err"
	not_ok "bitstop --demo --once from the package"
fi
exit $fail
