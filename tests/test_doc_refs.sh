#!/bin/sh
# The repository explains itself.
# Protects: no file of the sources cites a document that is not in them (the
# specification files bitstop was first written from, or a path outside the
# tree), and every citation of the in-tree documents points at something that
# exists: "doc/protocol.md §N" at a "## §N" heading, "doc/design.md, Name" at a
# "## Name" heading, "bitstop(1), SECTION" at a section of man/bitstop.1.

set -u
: "${top_srcdir:?}"
cd "$top_srcdir" || exit 99
fail=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fail=1; }

# The files of the sources (not the build's outputs).
files=$(find bitstop.c configure.ac Makefile.am docs.mk README.md setup.sh src cli tui sim \
	tests man doc debian completion themes -type f \
	\( -name '*.c' -o -name '*.h' -o -name '*.mk' -o -name '*.sh' -o -name '*.py' \
	-o -name '*.md' -o -name '*.[15]' -o -name '*.am' -o -name '*.ac' -o -name '*.conf' \
	-o -name '*.theme' -o -name '*.bash' -o -name 'control' -o -name 'rules' \) \
	! -path 'tests/fixtures/real/*' ! -path tests/test_doc_refs.sh 2>/dev/null)

# Names spelled in two parts so that this file does not match itself.
outside=""
for name in product architecture wsman-bits style real-windows-readiness; do
	outside="$outside|\\b$name\\.md\\b"
done
outside="${outside#|}|\\.\\./sh""ared"
# shellcheck disable=SC2086
hits=$(grep -nE "$outside" $files 2>/dev/null)
if [ -z "$hits" ]; then
	ok "no file cites a document outside the tree"
else
	not_ok "files cite documents outside the tree:"
	echo "$hits" | sed 's/^/#   /'
fi

# doc/protocol.md §N (also "§2, §4" lists)
before=$fail
fail=0
# shellcheck disable=SC2086
for sec in $(grep -ohE 'doc/protocol\.md(,)? §[0-9]+(, §[0-9]+)*' $files | grep -oE '§[0-9]+' |
	sed 's/§//' | sort -un); do
	grep -q "^## §$sec " doc/protocol.md || not_ok "doc/protocol.md has no section §$sec"
done
# doc/protocol.md §10 item N
# shellcheck disable=SC2086
for n in $(grep -ohE '§10 item [0-9]+' $files | sed 's/.* //' | sort -un); do
	awk '/^## §10 /{p=1; next} /^## /{p=0} p' doc/protocol.md | grep -q "^$n\. " ||
		not_ok "doc/protocol.md §10 has no item $n"
done
[ $fail -eq 0 ] && ok "every doc/protocol.md section and pitfall cited exists"
[ $before -eq 0 ] || fail=1

# doc/design.md, Name
# shellcheck disable=SC2086
grep -ohE 'doc/design\.md, [A-Z][a-z]+' $files | sed 's/.*, //' | sort -u | while read -r name; do
	grep -q "^## $name\$" doc/design.md || echo "$name"
done >"${TMPDIR:-/tmp}/doc_refs.$$"
if [ -s "${TMPDIR:-/tmp}/doc_refs.$$" ]; then
	not_ok "doc/design.md lacks sections: $(tr '\n' ' ' <"${TMPDIR:-/tmp}/doc_refs.$$")"
else
	ok "every doc/design.md section cited exists"
fi
rm -f "${TMPDIR:-/tmp}/doc_refs.$$"

# bitstop(1), SECTION (upper-case words)
# shellcheck disable=SC2086
grep -ohE 'bitstop\(1\), [A-Z][A-Z ]*[A-Z]' $files | sed 's/^bitstop(1), //' | sort -u |
while read -r sec; do
	grep -q "^\.Sh $sec\$" man/bitstop.1 || echo "$sec"
done >"${TMPDIR:-/tmp}/man_refs.$$"
if [ -s "${TMPDIR:-/tmp}/man_refs.$$" ]; then
	not_ok "man/bitstop.1 lacks sections: $(tr '\n' ' ' <"${TMPDIR:-/tmp}/man_refs.$$")"
else
	ok "every bitstop(1) section cited exists"
fi
rm -f "${TMPDIR:-/tmp}/man_refs.$$"
exit $fail
