#!/bin/sh
# The manual pages and --version: merit.ini(5) lists exactly the keys of
# config/merit.ini (tests/man_check.py; and that check can fail), both pages
# render without a groff warning, and the version agrees everywhere.
. "$(dirname "$0")/lib.sh"
T=$(scratch man)

# 1. The key lists agree.
if python3 tests/man_check.py config/merit.ini man/merit.ini.5 >"$T/check" 2>&1; then
	pass "merit.ini(5) and config/merit.ini list the same keys"
else
	fail "merit.ini(5) and config/merit.ini list the same keys" \
	     "$(cat "$T/check"); see README 'Manual pages'"
fi

# 2. The check notices a key added to the config only, and one left out of
# the config (a commented example counts, indented prose does not).
sed 's/^retries = 3$/retries = 3\n; frobnicate_after = 4/' config/merit.ini >"$T/more.ini"
python3 tests/man_check.py "$T/more.ini" man/merit.ini.5 >"$T/more" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q "^$T/more.ini:[0-9]*: key 'frobnicate_after' of \[mail\] is not documented in man/merit.ini.5 under \[mail\]" "$T/more" &&
   grep -q "^hint: add to man/merit.ini.5 after line [0-9]* ('.SS \[mail\]')" "$T/more" &&
   grep -q '^1 difference' "$T/more"; then
	pass "key check: a key only in config/merit.ini is named"
else
	fail "key check: a key only in config/merit.ini is named" "rc=$rc $(cat "$T/more")"
fi
grep -v '^bad_row = ' config/merit.ini | sed 's/^; scoring = bands$/;   scoring = bands/; s/^; bands = /;   bands = /' >"$T/less.ini"
python3 tests/man_check.py "$T/less.ini" man/merit.ini.5 >"$T/less" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q "^man/merit.ini.5:[0-9]*: key 'bad_row' of \[policy\] is documented but not in $T/less.ini" "$T/less" &&
   grep -q "^man/merit.ini.5:[0-9]*: key 'bands' of \[kpi.NAME\] is documented but not in" "$T/less" &&
   grep -q '^2 difference' "$T/less"; then
	pass "key check: a key only in merit.ini(5) is named"
else
	fail "key check: a key only in merit.ini(5) is named" "rc=$rc $(cat "$T/less")"
fi

# 3. Rendering: no groff warning (-ww: all of them), and man(1) renders the
# file with the sections a reader looks for.
for page in man/merit.1 man/merit.ini.5; do
	if ! command -v groff >/dev/null 2>&1; then
		echo "SKIP: groff not installed (tools/debian-packages.txt lists it)"
		break
	fi
	groff -ww -z -man "$page" >"$T/groff" 2>&1
	if [ -s "$T/groff" ]; then
		fail "groff -ww -z -man $page" "$(head -c 600 "$T/groff")"
	else
		pass "groff -ww -z -man $page"
	fi
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$page" >"$T/text" 2>"$T/warn"
		rc=$?
		if [ "$rc" = 0 ] && [ ! -s "$T/warn" ] && grep -q '^SEE ALSO' "$T/text" &&
		   grep -q '^FILES' "$T/text"; then
			pass "man -l $page"
		else
			fail "man -l $page" "rc=$rc $(head -c 600 "$T/warn")"
		fi
	fi
done

# 4. merit(1) names every command of the usage text and every long option.
missing=""
for w in $("$MERIT" --help | sed -n 's/^ *\(usage: \)\{0,1\}merit \([a-z]*\) .*/\2/p') \
	 $("$MERIT" --help | grep -o -- '--[a-z-]*' | sort -u); do
	grep -q -- "$(printf '%s' "$w" | sed 's/-/\\\\-/g')" man/merit.1 || missing="$missing $w"
done
if [ -z "$missing" ]; then
	pass "merit(1) documents every command and option of --help"
else
	fail "merit(1) documents every command and option of --help" "missing:$missing"
fi

# 5. --version: the Makefile's version and the commit built from (unknown
# outside git). The man pages and debian/changelog carry the same version.
version=$(sed -n 's/^VERSION *:= *//p' Makefile)
run_merit "$T/out" "$T/err" --version
if git rev-parse --git-dir >/dev/null 2>&1 && [ -e .git ]; then
	head=$(git rev-parse --short=12 HEAD)
	want="merit $version (commit $head"
else
	want="merit $version (commit unknown)"
fi
got=$(cat "$T/out")
case "$got" in "$want"*) ok=1 ;; *) ok=0 ;; esac
if [ "$rc" = 0 ] && [ "$ok" = 1 ]; then
	pass "--version names the version and commit"
else
	fail "--version names the version and commit" "rc=$rc got '$(cat "$T/out")', wanted '$want...'"
fi
bad=""
for f in man/merit.1 man/merit.ini.5; do
	grep -q "^\.TH .* \"merit $version\"" "$f" || bad="$bad $f"
done
if [ -f debian/changelog ]; then
	head -n 1 debian/changelog | grep -q "^merit ($version)" || bad="$bad debian/changelog"
fi
if [ -z "$bad" ]; then
	pass "man pages and debian/changelog say version $version"
else
	fail "man pages and debian/changelog say version $version" "not in:$bad"
fi
