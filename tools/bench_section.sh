#!/bin/sh
# Replaces the text between <!-- bench:NAME:begin --> and
# <!-- bench:NAME:end --> in FILE with standard input (appends a section
# when the markers are missing). Used by `make bench` for tables that a
# benchmark tool prints rather than writes itself.
#   some-bench | sh tools/bench_section.sh NAME docs/BENCHMARKS.md
set -eu
name=$1 doc=$2
begin="<!-- bench:$name:begin -->" end="<!-- bench:$name:end -->"
body=$(mktemp)
trap 'rm -f "$body" "$doc.tmp"' EXIT
cat >"$body"
if grep -qF "$begin" "$doc" && grep -qF "$end" "$doc"; then
	awk -v b="$begin" -v e="$end" -v t="$body" '
		$0 == b { print; while ((getline l < t) > 0) print l; skip = 1; next }
		$0 == e { skip = 0 }
		!skip' "$doc" >"$doc.tmp"
	mv "$doc.tmp" "$doc"
else
	{ printf '\n%s\n' "$begin"; cat "$body"; printf '%s\n' "$end"; } >>"$doc"
fi
