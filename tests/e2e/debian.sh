#!/bin/sh
# debian/: the package's Build-Depends name every library (-dev) package of
# tools/debian-packages.txt, so a dependency added for `make` also reaches
# `make deb`; debian/rules stays executable. (Building and installing the
# package is make test-deb: tools/check-deb.sh.)
. "$(dirname "$0")/lib.sh"

missing=""
for p in $(grep -v '^#' tools/debian-packages.txt | grep -- '-dev$'); do
	grep -q "^ *\(Build-Depends: \)\{0,1\}$p\(,\| \|$\)" debian/control || missing="$missing $p"
done
if [ -z "$missing" ]; then
	pass "debian/control Build-Depends has every -dev package of tools/debian-packages.txt"
else
	fail "debian/control Build-Depends has every -dev package of tools/debian-packages.txt" \
	     "missing:$missing (add them to Build-Depends in debian/control)"
fi
if [ -x debian/rules ]; then pass "debian/rules is executable"; else fail "debian/rules is executable" "chmod +x"; fi
