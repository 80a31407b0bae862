#!/bin/sh
# setup.sh: install the Debian build dependencies, then build bitstop and bitsim.
#
#   ./setup.sh            build (./bitstop and ./bitsim in the top directory)
#   ./setup.sh check      build, run every test (make check), make distcheck, build the
#                         Debian package and try it in a scratch root (tests/ci_deb.sh),
#                         then the hardening runs: ASan+UBSan make check, TSan, valgrind,
#                         fuzzers
#
# Needs Debian 12 (or a close relative). Uses sudo for apt-get when not root.
set -eu
cd "$(dirname "$0")"

PKGS="autoconf automake autoconf-archive pkg-config make gcc clang libclang-rt-14-dev
libncurses-dev libcurl4-openssl-dev libxml2-dev libconfig-dev libcmocka-dev
libmicrohttpd-dev libkrb5-dev tmux wsl python3 python3-winrm uuid-runtime mandoc
curl openssl valgrind libjson-c-dev build-essential debhelper dpkg-dev lintian"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup.sh: installing:$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi

jobs=$(nproc 2>/dev/null || echo 2)
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	./autogen.sh
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
	./configure --enable-werror ${CONFIGURE_FLAGS:-}
fi
make -j"$jobs"

case "${1:-build}" in
build) ;;
check)
	make -j"$jobs" check
	make -j"$jobs" distcheck
	# dpkg-buildpackage from the release tarball, lintian, dpkg -x, run it.
	tests/ci_deb.sh
	# Sanitizer builds, valgrind and the fuzzers (tests/ci_harden.sh says how).
	tests/ci_harden.sh
	;;
*)
	echo "usage: ./setup.sh [check]" >&2
	exit 2
	;;
esac
