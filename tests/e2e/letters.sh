#!/bin/sh
# End-to-end tests of the letters as files: names that are always valid
# (issue 15 item 2), and letters that PDF tools read without a warning.
. tests/e2e/lib.sh

# --- a long employee id (issue 15 item 2) ---------------------------------
# 100 characters that each need escaping ("/" -> "%2F") would make a
# 304-byte name, past NAME_MAX (255): the run stopped with 73 "File name
# too long", naming a temporary path that no longer existed.
W=$(workspace letters-long-id)
LONG=$(printf '/%.0s' $(seq 1 100))
# A copy of E1002's HR row (a sales rep, zh) under the long id.
iconv -f GB18030 -t UTF-8 "$W/samples/hr.csv" >"$W/hr.utf8"
grep '^E1002,' "$W/hr.utf8" | sed "s|^E1002,|$LONG,|; s|li.na@|li.na2@|" >>"$W/hr.utf8"
iconv -f UTF-8 -t GB18030 "$W/hr.utf8" >"$W/samples/hr.csv"
run_merit "$W/out.txt" "$W/err.txt" run -c "$W/config/merit.ini"
if [ "$rc" = 0 ]; then
	pass "run with a 100-character id that needs escaping: exit 0"
else
	fail "run with a long id" "exit $rc: $(head -c 600 "$W/err.txt")"
fi
# 33 x "%2F" (99 bytes) + "~" + sha256(id)[:16] + ".pdf" (python3: hashlib).
WANT="$(printf '%%2F%.0s' $(seq 1 33))~4aaecdd8a94cb7ab.pdf"
if [ -f "$W/out/2026-10/letters/$WANT" ] && [ "$(ls "$W/out/2026-10/letters" | wc -l)" = 61 ]; then
	pass "its letter is $WANT (120 bytes), beside the 60 others"
else
	fail "long id letter name" "$(ls "$W/out/2026-10/letters" | awk 'length > 20' | head -3)"
fi
if pdftotext "$W/out/2026-10/letters/$WANT" - 2>/dev/null | grep -q '李娜'; then
	pass "the long id's letter is the employee's (李娜)"
else
	fail "long id letter text" "no name in it"
fi


# --- the font set-up shortcut (issue 14, letter_pdf.c get_font) -----------
# The letters' font objects are built from the letter's own codes instead of
# libharu's walk over all 65,536; MERIT_FAULT=letter-font-plain (test build)
# takes libharu's own way. Every letter and team pack must be the same bytes:
# on the samples (Chinese and English, the highest code an ideograph or a
# full-width sign, one em like the default width) and on the small English
# company of tests/fixtures/exports (all Latin: the highest code, '·',
# has a width of its own in /W, which libharu's loop leaves out unless the
# set-up adds the code after it).
W=$(workspace letters-font-setup)
mkdir "$W/en" && cp "$ROOT"/tests/fixtures/exports/* "$W/en/"
for c in "$W/config/merit.ini" "$W/en/merit.ini"; do
	"$MERIT_TESTING_BIN" run -q -c "$c" -p 2026-10 -o "$(dirname "$c")/fast" >"$W/o1" 2>&1 &&
		MERIT_FAULT=letter-font-plain "$MERIT_TESTING_BIN" run -q -c "$c" -p 2026-10 \
			-o "$(dirname "$c")/plain" >"$W/o2" 2>&1
	rc=$?
	R=$(dirname "$c")
	n=$(ls "$R/fast/2026-10/letters" 2>/dev/null | wc -l)
	if [ "$rc" = 0 ] && [ "$n" -gt 0 ] &&
		diff -r "$R/fast/2026-10/letters" "$R/plain/2026-10/letters" >/dev/null &&
		{ [ ! -d "$R/fast/2026-10/managers" ] ||
		  diff -r "$R/fast/2026-10/managers" "$R/plain/2026-10/managers" >/dev/null; }; then
		pass "font set-up from the letter's codes ($(basename "$R")): $n letters (and team packs) byte-identical to libharu's own set-up"
	else
		fail "font set-up shortcut ($(basename "$R"))" "rc=$rc, $n letters; $(diff -rq "$R/fast/2026-10" "$R/plain/2026-10" 2>&1 | head -3)"
	fi
done
