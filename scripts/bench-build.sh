#!/usr/bin/env bash
# Benchmark of a whole `build` on a large event log, side by side with a polars job (and DuckDB) that only
# computes per-send distinct counts and per-recipient last engagement, on the same data, in one run.
# Two data sets of the same size: the project's own generator (scripts/make-bench-project.py: a report
# project with one event log per ISO week) and ../shared/bench/gen-events (one events.csv, an independent source).
# Reports the median wall time and peak memory of three runs of each job; the rebuilds with the build cache
# (a week added, a note edited) against the cold build; the preview server's cold start and rebuilds. Usage: scripts/bench-build.sh [EVENTS] [RECIPIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-10000000}; RECIPIENTS=${2:-1000000}
DATA=${BENCH_DATA:-/tmp/inbox-report-bench-$EVENTS}
GEN=../shared/bench/gen-events
# numpy, polars and DuckDB come from the virtual environment `make bench` sets up (.venv-bench).
PY=${BENCH_PYTHON:-$PWD/.venv-bench/bin/python}
"$PY" -c 'import numpy, polars, duckdb' || { echo "run this through 'make bench' (it installs numpy, polars and duckdb into .venv-bench)"; exit 1; }
OWN=$DATA/own
if [ ! -s "$OWN/data/campaigns.csv" ]; then
  echo "generating $EVENTS events for $RECIPIENTS recipients into $OWN (make-bench-project.py)…"
  "$PY" scripts/make-bench-project.py --events "$EVENTS" --recipients "$RECIPIENTS" --out "$OWN"
fi
if [ ! -s "$DATA/gen-events/events.csv" ]; then
  echo "generating $EVENTS events for $RECIPIENTS recipients into $DATA/gen-events (gen-events)…"
  "$PY" "$GEN" --events "$EVENTS" --recipients "$RECIPIENTS" --out "$DATA/gen-events" 2>&1 | tail -1
fi
swift build -c release --product inbox-report >/dev/null
BIN=$PWD/.build/release/inbox-report

# gen-events writes bare files: give them a project around them.
GENPROJECT=$(mktemp -d)
trap 'rm -rf "$GENPROJECT"' EXIT
mkdir -p "$GENPROJECT/data" "$GENPROJECT/notes/weeks"
printf 'title: Benchmark (gen-events)\ntimezone: UTC\n' > "$GENPROJECT/report.yml"
ln -s "$DATA/gen-events/events.csv" "$GENPROJECT/data/events.csv"
ln -s "$DATA/gen-events/campaigns.csv" "$GENPROJECT/data/campaigns.csv"
echo "# Notes" > "$GENPROJECT/notes/weeks/2026-W30.md"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# measure NAME PREPARE COMMAND...: PREPARE (a shell snippet, may be ":") runs untimed before each of 3 runs;
# prints the median wall time and peak memory, and leaves the median seconds in $LAST.
measure() {
  local name=$1 prepare=$2; shift 2
  local times=() mems=()
  for _ in 1 2 3; do
    eval "$prepare" >/dev/null 2>&1
    local stats; stats=$(mktemp)
    /usr/bin/time -f "%e %M" -o "$stats" "$@" >/dev/null 2>&1 || { echo "$name failed"; cat "$stats"; return 1; }
    local out; out=$(tail -1 "$stats")
    times+=("$(awk '{print $1}' <<<"$out")"); mems+=("$(awk '{printf "%.0f", $2/1024}' <<<"$out")")
  done
  LAST=$(printf '%s\n' "${times[@]}" | median)
  printf "  %-44s median %6.2f s   peak %6s MB   (runs: %s s)\n" "$name" "$LAST" \
    "$(printf '%s\n' "${mems[@]}" | median)" "${times[*]}"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
side_by_side() {  # title project events-glob
  local title=$1 project=$2 glob=$3 out; out=$(mktemp -d)
  echo "$title: $(du -cb $glob | tail -1 | awk '{printf "%.0f MB", $1/1e6}') of events in $(ls $glob | wc -l) files"
  measure "inbox-report build, cold (writes the cache)" "rm -rf '$project/.inbox-report'" "$BIN" build "$project" --output "$out/public" --quiet
  COLD=$LAST
  measure "inbox-report build --no-cache" ":" "$BIN" build "$project" --output "$out/nocache" --quiet --no-cache
  measure "polars (distinct counts only)" ":" "$PY" scripts/bench_polars.py "$glob"
  POLARS=$LAST
  measure "duckdb (distinct counts only)" ":" "$PY" scripts/bench_polars.py "$glob" --duckdb
  echo "  cold build at $(ratio "$POLARS" "$COLD")x polars' speed"
  rm -rf "$out"
}
side_by_side "make-bench-project.py" "$OWN" "$OWN/data/events/*.csv"

# The weekly rebuild on the project generator's data: the newest week's events (and its sends' campaign
# rows) arrive beside the cached older weeks; then a note is edited. Each run starts from a cache of the
# project without that week. The site is checked against a build without the cache.
echo "make-bench-project.py, rebuilds with the build cache:"
NEWEST=$(ls "$OWN/data/events/" | sort | tail -1)
TAG=$(python3 -c "import sys; y, w = sys.argv[1][:-4].split('-W'); print(f'{y}w{w}')" "$NEWEST")
HOLD=$(mktemp -d); OUT=$(mktemp -d)
cp "$OWN/data/campaigns.csv" "$HOLD/campaigns.full.csv"
grep -v "$TAG" "$HOLD/campaigns.full.csv" > "$HOLD/campaigns.without.csv"
without() { mv "$OWN/data/events/$NEWEST" "$HOLD/" && cp "$HOLD/campaigns.without.csv" "$OWN/data/campaigns.csv" \
  && "$BIN" build "$OWN" --output "$OUT/public" --quiet && mv "$HOLD/$NEWEST" "$OWN/data/events/" && cp "$HOLD/campaigns.full.csv" "$OWN/data/campaigns.csv"; }
measure "build after adding one week ($NEWEST)" "without" "$BIN" build "$OWN" --output "$OUT/public" --quiet
ADDED=$LAST
"$BIN" build "$OWN" --output "$OUT/nocache" --quiet --no-cache
diff -r "$OUT/public" "$OUT/nocache" >/dev/null && echo "  (the site is byte-identical to a build without the cache)" || { echo "  the cached site differs from the uncached one"; exit 1; }
NOTE="$OWN/notes/weeks/2026-W30.md"
cp "$NOTE" "$HOLD/note"
measure "build after editing a note" "echo edit >> '$NOTE'" "$BIN" build "$OWN" --output "$OUT/public" --quiet
EDITED=$LAST
cp "$HOLD/note" "$NOTE"
echo "  after adding a week: $(ratio "$ADDED" "$COLD") of the cold build; after a note edit: $(ratio "$EDITED" "$COLD")"

# serve's cold start (no cache yet) beside build's, each run of one right after a run of the other (the
# machine's load drifts within a minute), and serve's rebuilds after a note edit.
LOG=$(mktemp)
starts=(); builds=()
for _ in 1 2 3; do
  rm -rf "$OWN/.inbox-report"
  "$BIN" build "$OWN" --output "$OUT/built" > "$LOG" 2>&1
  builds+=("$(grep -m1 -o "in [0-9.]* s" "$LOG" | awk '{print $2}')")
  rm -rf "$OWN/.inbox-report"
  "$BIN" serve "$OWN" --output "$OUT/served" --port 0 > "$LOG" 2>&1 & PID=$!
  for _ in $(seq 600); do grep -q "Serving" "$LOG" && break; sleep 0.2; done
  starts+=("$(grep -m1 -o "in [0-9.]* s" "$LOG" | awk '{print $2}')")
  kill $PID 2>/dev/null; wait $PID 2>/dev/null || true
done
SERVE=$(printf '%s\n' "${starts[@]}" | median)
BUILT=$(printf '%s\n' "${builds[@]}" | median)
"$BIN" serve "$OWN" --output "$OUT/served" --port 0 > "$LOG" 2>&1 & PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$GENPROJECT"' EXIT
for _ in $(seq 600); do grep -q "Serving" "$LOG" && break; sleep 0.2; done
for i in 1 2 3; do
  echo "edit $i" >> "$NOTE"
  for _ in $(seq 600); do [ "$(grep -c Rebuilt "$LOG")" -ge "$i" ] && break; sleep 0.2; done
done
cp "$HOLD/note" "$NOTE"
rebuilds=$(grep "Rebuilt" "$LOG" | grep -o "in [0-9.]* s" | awk '{print $2}' | tr '\n' ' ')
kill $PID 2>/dev/null || true
echo "  serve: cold start median $SERVE s (runs: ${starts[*]} s) against build's $BUILT s in turn with it (runs: ${builds[*]} s): $(ratio "$SERVE" "$BUILT") of build's; rebuilds after a note edit: ${rebuilds}s"
rm -rf "$HOLD" "$OUT"

side_by_side "gen-events" "$GENPROJECT" "$DATA/gen-events/events.csv"
