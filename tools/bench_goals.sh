#!/bin/sh
# bench_goals.sh: issue 14's speed and memory goals, measured against the
# binary from before the issue on the same machine at the same time
# (`make bench-goals`, also part of `make bench`).
#
# Why a reference binary: the goals were written as absolute figures on
# the 2026-11-23 build box, and the same box has since run the very same
# binary 2-3x slower (docs/BENCHMARKS.md, "Idle re-run"). Wall time on a
# shared virtual machine says as much about the host as about merit. So
# each goal is measured twice, old and new binary alternated on the same
# files: the ratio new/old is merit's own progress, and it is compared with
# the ratio the issue asked for (goal / figure when the issue was filed).
# The table also gives the new figure scaled to the 2026-11-23 host
# (new x old-then / old-now) and the absolute figure measured here.
#
# The reference is built from git (`git archive REF`) in out/bench/ref-REF;
# the companies are made by this tree's gencompany (seeded: both binaries
# read the same bytes). Each binary gets its own state folder (the ledger's
# schema moved on) and output folder.
#
# Environment:
#   MERIT, BUILD      set by the Makefile
#   BENCH_REF         the reference commit, default 22d32cb (start of issue 14)
#   BENCH_GOALS       which goals, default "run10k run100k letters"
#   BENCH_ROUNDS      rounds per binary, default 3 (100k-10m: 2)
set -u
cd "$(dirname "$0")/.." || exit 1

MERIT=${MERIT:-out/build/merit}
BUILD=${BUILD:-out/build}
GEN=$BUILD/tools/gencompany
REF=${BENCH_REF:-22d32cb}
GOALS=${BENCH_GOALS:-run10k run100k letters}
ROUNDS=${BENCH_ROUNDS:-3}
DOC=docs/BENCHMARKS.md
ROOT=out/bench

mkdir -p "$ROOT" || exit 73
MERIT=$(cd "$(dirname "$MERIT")" && pwd)/$(basename "$MERIT")

# The reference binary, built once per commit.
refdir=$ROOT/ref-$REF
REFBIN=$refdir/out/build/merit
if [ ! -x "$REFBIN" ]; then
	echo "bench-goals: building the reference $REF in $refdir" >&2
	rm -rf "$refdir" && mkdir -p "$refdir" || exit 73
	git archive "$REF" | tar -x -C "$refdir" || { echo "bench-goals: cannot export $REF" >&2; exit 69; }
	make -C "$refdir" -j2 out/build/merit >"$ROOT/ref-build.txt" 2>&1 ||
		{ tail -n 5 "$ROOT/ref-build.txt" >&2; exit 70; }
fi
REFBIN=$(cd "$(dirname "$REFBIN")" && pwd)/merit

# A company, made once (kept while its sales file is small).
company() {     # NAME EMPLOYEES SALESROWS
	if [ ! -f "$ROOT/$1/merit.ini" ] || [ ! -f "$ROOT/$1/sales.csv" ]; then
		echo "bench-goals: generating $1" >&2
		rm -rf "${ROOT:?}/$1"
		"$GEN" -e "$2" -s "$3" --seed 1 "$ROOT/$1" >/dev/null || exit 70
	fi
}

# One run of BIN on company DIR: sets R_WALL (s), R_RSS (MB), R_OUT (the
# period folder) and returns merit's exit code. Extra arguments go to run.
one() {         # TAG BIN DIR ARGS...
	tag=$1 bin=$2 dir=$3
	shift 3
	rm -rf "$dir/goal-$tag" && mkdir -p "$dir/goal-$tag"
	# Each binary with its own templates (they follow the code's placeholders).
	tpl=$(cd "$(dirname "$bin")/../.." && pwd)/templates
	sed -e "s#^state_dir *=.*#state_dir = goal-$tag/state#" \
	    -e "s#^templates *=.*#templates = $tpl#" "$dir/merit.ini" >"$dir/goal-$tag.ini"
	/usr/bin/time -f '%e %M' -o "$dir/goal-$tag/time" \
		"$bin" run -q -c "$dir/goal-$tag.ini" -p 2026-10 -o "$dir/goal-$tag/out" "$@" \
		2>"$dir/goal-$tag/stderr"
	rc=$?
	read -r R_WALL R_RSS <"$dir/goal-$tag/time"
	R_RSS=$(echo "$R_RSS" | awk '{ printf "%.1f", $1 / 1024 }')
	R_OUT=$dir/goal-$tag/out/2026-10
	[ $rc = 0 ] || { echo "bench-goals: $tag failed:" >&2; tail -n 3 "$dir/goal-$tag/stderr" >&2; }
	return $rc
}

# A stage's milliseconds from a manifest's timings_ms.
stage_ms() {    # MANIFEST STAGE
	tr ',{}' '\n\n\n' <"$1" | sed -n "s/^ *\"$2\": *\([0-9.]*\).*/\1/p" | head -n 1
}

min() { sort -g | head -n 1; }

ROWS=$ROOT/goals-rows.md
: >"$ROWS"

# Alternates old and new ROUNDS times; prints "best_old best_new rss_old rss_new".
ab() {          # DIR ROUNDS ARGS...
	dir=$1 n=$2
	shift 2
	: >"$ROOT/ab-old" && : >"$ROOT/ab-new"
	i=0
	while [ $i -lt "$n" ]; do
		one ref "$REFBIN" "$dir" "$@" || return 1
		echo "$R_WALL $R_RSS $(stage_ms "$R_OUT/manifest.json" letters)" >>"$ROOT/ab-old"
		one new "$MERIT" "$dir" "$@" || return 1
		echo "$R_WALL $R_RSS $(stage_ms "$R_OUT/manifest.json" letters)" >>"$ROOT/ab-new"
		i=$((i + 1))
	done
}

# results.csv of the two binaries, cell by cell by column name: the new one
# has one more column (overrides, issue 12, the 11th); every other cell
# must be the same. (gencompany's results.csv quotes nothing.)
same_results() {        # DIR
	[ -s "$1/goal-ref/out/2026-10/results.csv" ] && [ -s "$1/goal-new/out/2026-10/results.csv" ] ||
		{ echo "MISSING"; return; }
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) ref[i] = $i; nref = NF; next }
		FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		NR == FNR { a[FNR] = $0; rows++; next }
		{ n = split(a[FNR], x, ","); split($0, y, ",")
		  for (i = 1; i <= nref; i++) if (!(ref[i] in col) || x[i] != y[col[ref[i]]]) bad++
		  seen++ }
		END { print (bad || !rows || seen != rows) ? "DIFFER" : "same" }' \
		"$1/goal-ref/out/2026-10/results.csv" "$1/goal-new/out/2026-10/results.csv"
}

goal_row() {    # GOAL THEN_OLD GOAL_VALUE OLD_NOW NEW_NOW UNIT LOWER_IS_BETTER NOTE
	echo "$@" | awk -v note="$8" '{
		then = $2; goal = $3; old = $4; new = $5; unit = $6; low = $7
		if (low) { want = goal / then; got = new / old; ok = got <= want }
		else     { want = then / goal; got = old / new; ok = got <= want }
		scaled = new * then / old
		printf "| %s | %s %s | %s %s | %s %s | %s %s | %.2f | %.2f | %s %s | %s | %s |\n",
			$1, goal, unit, then, unit, old, unit, new, unit, want, got,
			low ? sprintf("%.2f", scaled) : sprintf("%.0f", scaled), unit,
			ok ? "**yes**" : "no", note }' >>"$ROWS"
}

for g in $GOALS; do
	case $g in
	run10k)
		company 10k-1m 10000 1000000
		ab "$ROOT/10k-1m" "$ROUNDS" --no-letters || continue
		old=$(cut -d' ' -f1 "$ROOT/ab-old" | min) new=$(cut -d' ' -f1 "$ROOT/ab-new" | min)
		goal_row "10k-1m_run_--no-letters,_wall" 1.49 0.7 "$old" "$new" s 1 \
			"best of $ROUNDS; results.csv $(same_results "$ROOT/10k-1m")"
		;;
	run100k)
		company 100k-10m 100000 10000000
		n=$ROUNDS; [ "$n" -gt 2 ] && n=2
		ab "$ROOT/100k-10m" "$n" --no-letters || continue
		old=$(cut -d' ' -f1 "$ROOT/ab-old" | min) new=$(cut -d' ' -f1 "$ROOT/ab-new" | min)
		goal_row "100k-10m_run_--no-letters,_wall" 22.98 10 "$old" "$new" s 1 \
			"best of $n; results.csv $(same_results "$ROOT/100k-10m")"
		old=$(cut -d' ' -f2 "$ROOT/ab-old" | min) new=$(cut -d' ' -f2 "$ROOT/ab-new" | min)
		echo "| 100k-10m run --no-letters, peak RSS | 200 MB | 548.7 MB | $old MB | $new MB | – | – | – | $(echo "$new" | awk '{ print ($1 < 200) ? "**yes**" : "no" }') | memory does not depend on the host's speed |" >>"$ROWS"
		[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "${ROOT:?}/100k-10m"
		;;
	letters)
		company 10k-100k 10000 100000
		n=$ROUNDS; [ "$n" -gt 2 ] && n=2
		ab "$ROOT/10k-100k" "$n" -j 2 || continue
		old=$(cut -d' ' -f3 "$ROOT/ab-old" | min) new=$(cut -d' ' -f3 "$ROOT/ab-new" | min)
		# letters/s from the manifest's letters stage
		old=$(echo "$old" | awk '{ printf "%.0f", 10000 / ($1 / 1000) }')
		new=$(echo "$new" | awk '{ printf "%.0f", 10000 / ($1 / 1000) }')
		goal_row "10k_letters_at_-j_2,_letters/s" 389 700 "$old" "$new" "/s" 0 \
			"run -j 2 of gencompany's 10k company, the manifest's letters stage, best of $n"
		;;
	esac
done

TABLE=$ROOT/goals-table.md
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' | tr -s ' ')
{
	echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores (${cpu:-?}), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?') against $REF (before issue 14), binaries alternated."
	echo
	echo "| goal | goal | when filed (2026-11-23) | $REF today | this commit today | ratio asked | ratio got | scaled to 2026-11-23 | met? | note |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
	tr '_' ' ' <"$ROWS"
	echo
	echo "*ratio asked* is goal / figure when filed (for letters/s: filed / goal); *ratio got* is this commit / $REF today (for letters/s: $REF / this commit): met when got <= asked. *scaled* is this commit's figure x (when filed / $REF today)."
} >"$TABLE"
sh tools/bench_section.sh goals "$DOC" <"$TABLE"
cat "$TABLE" >&2
