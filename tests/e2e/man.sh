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
# check_fails NAME INI PATTERN...: man_check on INI exits 1 and says each PATTERN
check_fails() {
	_name=$1 _ini=$2
	shift 2
	python3 tests/man_check.py "$_ini" man/merit.ini.5 >"$T/keys" 2>&1
	_rc=$?
	if [ "$_rc" != 1 ]; then
		fail "$_name" "exit $_rc: $(cat "$T/keys")"
		return
	fi
	for _pat in "$@"; do
		if ! grep -q "$_pat" "$T/keys"; then
			fail "$_name" "no '$_pat' in: $(cat "$T/keys")"
			return
		fi
	done
	pass "$_name"
}
sed 's/^retries = 3$/retries = 3\n; frobnicate_after = 4/' config/merit.ini >"$T/more.ini"
check_fails "key check: a key only in config/merit.ini is named" "$T/more.ini" \
	"^$T/more.ini:[0-9]*: key 'frobnicate_after' of \[mail\] is not documented in man/merit.ini.5 under \[mail\]" \
	"^hint: add to man/merit.ini.5 after line [0-9]* ('.SS \[mail\]')" '^1 difference'
grep -v '^bad_row = ' config/merit.ini | sed 's/^; scoring = bands$/;   scoring = bands/; s/^; bands = /;   bands = /' >"$T/less.ini"
check_fails "key check: a key only in merit.ini(5) is named" "$T/less.ini" \
	"^man/merit.ini.5:[0-9]*: key 'bad_row' of \[policy\] is documented but not in $T/less.ini" \
	"^man/merit.ini.5:[0-9]*: key 'bands' of \[kpi.NAME\] is documented but not in" '^2 difference'

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
