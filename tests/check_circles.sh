#!/bin/sh
# check_circles.sh: no circle of calls between the .c files of a directory,
# measured from the built objects.
#
# Protects: for each directory of DIRS, every .c file's object is read with
# nm (the symbols it defines, the symbols it needs); file A depends on file B
# when A needs a symbol B defines. The test fails, naming each circle
# (a -> b -> c -> a, with one symbol per step), when files of one directory
# depend on each other in a circle. A self-test first builds three small
# objects that call each other in a circle and checks that it is found, so
# the check cannot pass by finding nothing.
#
# Also: src/ (the core) defines no main() and needs no symbol that the front
# ends (cli/, tui/, bitstop.c at the top) define: calls go downwards only.
#
# Run by make check (objects are in $top_builddir), or by hand from a built
# tree: `tests/check_circles.sh [DIR...]`.

# The directories checked: adding one is adding its name here.
DIRS="src sim cli tui"

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-.}
NM=${NM:-nm}
[ $# -gt 0 ] && DIRS="$*"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_circles.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# symbols OUT FILE OBJ...: one line per symbol of the objects, "FILE D sym"
# for a definition, "FILE U sym" for a use.
symbols() {
	out=$1 file=$2
	shift 2
	"$NM" -P "$@" 2>/dev/null | awk -v f="$file" '
		NF >= 2 && $2 == "U" { print f, "U", $1; next }
		NF >= 2 && $2 ~ /^[A-TV-Z]$/ { print f, "D", $1 }' >>"$out"
}

# circles SYMFILE: print each circle of the file graph (one line per circle),
# nothing when there is none.
circles() {
	awk '
	$2 == "D" { def[$3] = def[$3] " " $1; files[$1] = 1; next }
	$2 == "U" { use[$1, $3] = 1; files[$1] = 1; uses[++nu] = $1 SUBSEP $3 }
	END {
		n = 0
		for (f in files) name[++n] = f
		# sort the names so the report is the same on every run
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && name[j - 1] > name[j]; j--) {
				t = name[j]; name[j] = name[j - 1]; name[j - 1] = t
			}
		for (i = 1; i <= n; i++) idx[name[i]] = i
		for (k = 1; k <= nu; k++) {
			split(uses[k], p, SUBSEP)
			a = idx[p[1]]
			m = split(def[p[2]], d, " ")
			for (x = 1; x <= m; x++) {
				b = idx[d[x]]
				if (a == b) continue
				if (!((a, b) in edge) || p[2] < edge[a, b]) edge[a, b] = p[2]
				reach[a, b] = 1
			}
		}
		# transitive closure: reach[a, b] when b can be reached from a
		for (k = 1; k <= n; k++)
			for (i = 1; i <= n; i++)
				if ((i, k) in reach)
					for (j = 1; j <= n; j++)
						if ((k, j) in reach) reach[i, j] = 1
		for (i = 1; i <= n; i++) {
			if (done[i] || !((i, i) in reach)) continue
			# the strongly connected set of i; one shortest circle through i
			members = ""
			for (j = 1; j <= n; j++)
				if ((i, j) in reach && (j, i) in reach) {
					done[j] = 1
					members = members " " name[j]
				}
			delete prev
			delete seen
			q[1] = i; head = 1; tail = 1; found = 0
			while (head <= tail && !found) {
				u = q[head++]
				for (v = 1; v <= n; v++) {
					if (!((u, v) in edge)) continue
					if (v == i) { last = u; found = 1; break }
					if (v in seen || !((v, i) in reach)) continue
					seen[v] = 1; prev[v] = u; q[++tail] = v
				}
			}
			path = name[i]
			cyc = ""
			for (v = last; v != i; v = prev[v]) cyc = v " " cyc
			from = i
			m = split(cyc, c, " ")
			for (x = 1; x <= m; x++) {
				path = path " -(" edge[from, c[x]] ")-> " name[c[x]]
				from = c[x]
			}
			path = path " -(" edge[from, i] ")-> " name[i]
			print "circle among" members ": " path
			# every step between the files of the circle, to see where to cut
			for (a = 1; a <= n; a++)
				for (b = 1; b <= n; b++)
					if ((a, b) in edge && (i, a) in reach && (a, i) in reach &&
					    (i, b) in reach && (b, i) in reach)
						print "  " name[a] " -> " name[b] " (" edge[a, b] ")"
		}
	}' "$1"
}

# The self-test: a.c -> b.c -> c.c -> a.c, and d.c -> a.c outside the circle.
cc=${CC:-cc}
mkdir "$tmp/self"
printf 'int b1(void);\nint a1(void);\nint a1(void) { return b1(); }\n' >"$tmp/self/a.c"
printf 'int c1(void);\nint b1(void);\nint b1(void) { return c1(); }\n' >"$tmp/self/b.c"
printf 'int a1(void);\nint c1(void);\nint c1(void) { return a1() + 1; }\n' >"$tmp/self/c.c"
printf 'int a1(void);\nint d1(void);\nint d1(void) { return a1(); }\n' >"$tmp/self/d.c"
for f in a b c d; do
	"$cc" -c -o "$tmp/self/$f.o" "$tmp/self/$f.c" || { echo "not ok - self-test: cannot compile with $cc"; exit 99; }
	symbols "$tmp/self.sym" "self/$f.c" "$tmp/self/$f.o"
done
got=$(circles "$tmp/self.sym" | head -n 1)
want="circle among self/a.c self/b.c self/c.c: self/a.c -(b1)-> self/b.c -(c1)-> self/c.c -(a1)-> self/a.c"
if [ "$got" = "$want" ]; then
	echo "ok - self-test: a circle of three objects is found and named"
else
	echo "not ok - self-test: expected '$want', got '$got'"
	exit 1
fi

for dir in $DIRS; do
	sym="$tmp/$dir.sym"
	: >"$sym"
	nfiles=0
	for c in "$top_srcdir/$dir"/*.c; do
		[ -f "$c" ] || continue
		stem=$(basename "$c" .c)
		# automake names an object TARGET-STEM.o (or STEM.o); one source
		# built for several targets has several objects, all read.
		objs=""
		for o in "$top_builddir/$dir/$stem.o" "$top_builddir/$dir"/*-"$stem".o; do
			[ -f "$o" ] && objs="$objs $o"
		done
		if [ -z "$objs" ]; then
			echo "not ok - $dir/$stem.c has no object in $top_builddir/$dir (build first)"
			fail=1
			continue
		fi
		# shellcheck disable=SC2086
		symbols "$sym" "$dir/$stem.c" $objs
		nfiles=$((nfiles + 1))
	done
	found=$(circles "$sym")
	if [ -z "$found" ]; then
		echo "ok - $dir/: no circle of calls between its $nfiles .c files"
	else
		echo "not ok - $dir/: circles of calls between its .c files:"
		echo "$found" | sed 's/^/#   /'
		fail=1
	fi
done

# The core calls nothing above it.
: >"$tmp/core.sym"
: >"$tmp/front.sym"
for o in "$top_builddir"/src/*.o; do
	# only objects of sources that exist: a stale object of a file moved
	# out of src/ (say, by an earlier build in this tree) is not the core
	stem=$(basename "$o" .o)
	[ -f "$top_srcdir/src/${stem#*-}.c" ] || continue
	symbols "$tmp/core.sym" "src/$(basename "$o")" "$o"
done
for o in "$top_builddir"/cli/*.o "$top_builddir"/tui/*.o "$top_builddir"/bitstop-bitstop.o; do
	[ -f "$o" ] && symbols "$tmp/front.sym" "$(basename "$o")" "$o"
done
up=$(awk 'NR == FNR { if ($2 == "D") def[$3] = $1; next }
	$2 == "U" && ($3 in def) { print $1 " needs " $3 " from " def[$3] }
	$2 == "D" && $3 == "main" { print $1 " defines main" }' "$tmp/front.sym" "$tmp/core.sym")
if [ -s "$tmp/front.sym" ] && [ -z "$up" ]; then
	echo "ok - src/ has no main() and calls nothing in cli/, tui/ or bitstop.c"
else
	echo "not ok - src/ calls above itself (or no front-end objects were found):"
	echo "$up" | sed 's/^/#   /'
	fail=1
fi
exit $fail
