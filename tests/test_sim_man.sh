#!/bin/sh
# bitsim.1 is lint-clean and documents every option and fault kind.
# Protects: mandoc -Tlint finds no warning or error in man/bitsim.1, every
# long option in `bitsim --help` appears in the OPTIONS or SYNOPSIS, and
# every fault kind bitsim knows is described under CONTROL INTERFACE.

MAN="$top_srcdir/man/bitsim.1"
fail=0
if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -Tlint -W warning "$MAN" 2>&1)
	if [ -z "$out" ]; then echo "ok - mandoc -Tlint: clean"; else
		echo "not ok - mandoc -Tlint: clean"; echo "$out"; fail=1; fi
else
	echo "ok - # SKIP mandoc not installed"
fi
for opt in $("$BITSIM" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	name=${opt#--}
	if grep -q -- "^\.It Fl .*\\\\-$(echo "$name" | sed 's/-/\\\\-/g')" "$MAN" ||
	   grep -q -- "Fl \\\\-$(echo "$name" | sed 's/-/\\\\-/g')" "$MAN"; then
		:
	else
		echo "not ok - option $opt documented"; fail=1
	fi
done
[ $fail -eq 0 ] && echo "ok - every option in --help is documented"
for kind in latency timeout refused reset truncate malformed trickle 500 401 503 noprovider denied; do
	# bitsim must accept the kind: --fault names an unknown kind before the
	# (deliberately unwritable) ready file fails
	if "$BITSIM" --auth none --base-port 0 --fault "host=0&kind=$kind&ms=1" \
		--ready-file /nonexistent/dir/ready 2>&1 | grep -q 'unknown kind'; then
		echo "not ok - kind $kind known to bitsim"; fail=1
	fi
	if ! grep -q "^\.It Cm $kind\$" "$MAN"; then
		echo "not ok - kind $kind documented"; fail=1
	fi
done
[ $fail -eq 0 ] && echo "ok - every fault kind is known and documented"
exit $fail
