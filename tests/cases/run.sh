#!/bin/sh
# Runs the end-to-end cases kept as data: one folder per case under
# tests/cases/ (how to write one: tests/cases/README). For each case it
# builds a scratch copy (the `base` folders, then the case's own files on
# top), runs merit there with the arguments of `cmd`, and compares the exit
# code, stderr (and stdout, results.csv when the case has them) exactly.
# Prints one "PASS: case NAME" or "FAIL: case NAME: why" line per case,
# which tests/run.sh counts.
#
#   sh tests/cases/run.sh [NAME...]             from the top of the tree
#   MERIT_CASES_REGEN=1 sh tests/cases/run.sh NAME...
#       rewrites the case's expected_* files from what merit does now
#       (expected_stdout and expected_results.csv only where they exist);
#       review the change with `git diff tests/cases` before committing.
set -u
. tests/e2e/lib.sh     # MERIT, MERIT_TESTS_TMP, ROOT, python_with
CASES=$ROOT/tests/cases
REGEN=${MERIT_CASES_REGEN:-}

# literal FROM TO < in > out: every FROM replaced by TO, no pattern syntax
# (a scratch path may hold characters sed would read as a pattern).
literal() {
	awk -v from="$1" -v to="$2" '{
		out = ""
		while ((i = index($0, from)) > 0) {
			out = out substr($0, 1, i - 1) to
			$0 = substr($0, i + length(from))
		}
		print out $0
	}'
}

# prepare NAME DIR: DIR = the base folders, then the case's files
prepare() {
	rm -rf "$2" && mkdir -p "$2" || return 1
	if [ -f "$CASES/$1/base" ]; then
		# each line "SRC [DEST]": SRC (relative to the tree's top) copied to
		# DEST in the scratch folder; a folder's contents when DEST is absent
		grep -v '^[[:space:]]*\(#\|$\)' "$CASES/$1/base" | while read -r src dest; do
			if [ -d "$ROOT/$src" ]; then
				mkdir -p "$2/${dest:-.}" && cp -R "$ROOT/$src/." "$2/${dest:-.}/"
			else
				cp "$ROOT/$src" "$2/${dest:-.}"
			fi || exit 1
		done || return 1
	fi
	for f in "$CASES/$1"/* "$CASES/$1"/.[!.]*; do
		[ -e "$f" ] || continue
		case ${f##*/} in
		cmd | base | setup | expected_* | README) ;;
		*) cp -R "$f" "$2/" || return 1 ;;
		esac
	done
	# inputs made at run time (a workbook), so none is kept in the tree
	if [ -f "$CASES/$1/setup" ]; then
		(cd "$2" && ROOT=$ROOT PY=$(python_with openpyxl) sh "$CASES/$1/setup") ||
			return 1
	fi
}

# check NAME WHAT EXPECTED_FILE GOT_FILE: appends to $why when they differ
check() {
	if [ -n "$REGEN" ]; then
		cp "$4" "$3"
	elif ! cmp -s "$3" "$4"; then
		why="$why; $2 differs: $(diff "$3" "$4" | head -8 | tr '\n' '|')"
	fi
}

run_case() {
	name=$1 dir=$MERIT_TESTS_TMP/cases/$1 res=$MERIT_TESTS_TMP/cases/$1.result
	why=
	if [ ! -f "$CASES/$name/cmd" ] || [ ! -f "$CASES/$name/expected_exit" ]; then
		echo "FAIL: case $name: no cmd or expected_exit file"
		return
	fi
	if ! prepare "$name" "$dir"; then
		echo "FAIL: case $name: could not build the scratch copy"
		return
	fi
	mkdir -p "$res"
	# The arguments as a shell would split them (cases may quote); a fixed
	# "today" and document time, so periods and dates never depend on the clock.
	(cd "$dir" && eval "set -- $(cat "$CASES/$name/cmd")" &&
	 MERIT_TODAY=2026-11-15 SOURCE_DATE_EPOCH=1700000000 \
	 "$MERIT" "$@" </dev/null >"$res/stdout.raw" 2>"$res/stderr.raw")
	echo $? >"$res/exit"
	literal "$dir" '$TMP' <"$res/stderr.raw" >"$res/stderr"
	literal "$dir" '$TMP' <"$res/stdout.raw" >"$res/stdout"
	check "$name" "exit code" "$CASES/$name/expected_exit" "$res/exit"
	[ -n "$REGEN" ] || [ -f "$CASES/$name/expected_stderr" ] ||
		why="$why; no expected_stderr"
	check "$name" stderr "$CASES/$name/expected_stderr" "$res/stderr"
	[ -f "$CASES/$name/expected_stdout" ] &&
		check "$name" stdout "$CASES/$name/expected_stdout" "$res/stdout"
	if [ -f "$CASES/$name/expected_results.csv" ]; then
		set -- "$dir"/out/*/results.csv
		if [ $# != 1 ] || [ ! -f "$1" ]; then
			why="$why; wanted one out/PERIOD/results.csv, found: $*"
		else
			check "$name" results.csv "$CASES/$name/expected_results.csv" "$1"
		fi
	fi
	if [ -n "$REGEN" ]; then
		echo "REGEN: case $name (exit $(cat "$res/exit"))"
	elif [ -z "$why" ]; then
		echo "PASS: case $name"
	else
		echo "FAIL: case $name: ${why#; }"
	fi
}

if [ $# = 0 ]; then
	[ -z "$REGEN" ] || { echo "MERIT_CASES_REGEN: name the cases to rewrite" >&2; exit 64; }
	for d in "$CASES"/*/; do
		n=${d%/}
		run_case "${n##*/}"
	done
else
	for n in "$@"; do
		run_case "${n%/}"
	done
fi
