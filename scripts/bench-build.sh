#!/usr/bin/env bash
# Benchmark of a whole `build` on a large event log, side by side with a polars job (and DuckDB) that only
# computes per-send distinct counts and per-recipient last engagement, on the same data, in one run.
# Two data sets of the same size: the project's own generator (scripts/make-bench-project.py: a report
# project with one event log per ISO week) and ../shared/bench/gen-events (one events.csv, an independent source).
# Reports the median wall time and peak memory of three runs of each job, and the preview server's rebuild
# after a note edit. Usage: scripts/bench-build.sh [EVENTS] [RECIPIENTS]
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
measure() {  # name command... -> median seconds and median peak MB over 3 runs
  local name=$1; shift
  local times=() mems=()
  for _ in 1 2 3; do
    local stats; stats=$(mktemp)
    /usr/bin/time -f "%e %M" -o "$stats" "$@" >/dev/null 2>&1 || { echo "$name failed"; cat "$stats"; return 1; }
    local out; out=$(tail -1 "$stats")
    times+=("$(awk '{print $1}' <<<"$out")"); mems+=("$(awk '{printf "%.0f", $2/1024}' <<<"$out")")
  done
  printf "  %-34s median %6.2f s   peak %6s MB   (runs: %s s)\n" "$name" "$(printf '%s\n' "${times[@]}" | median)" \
    "$(printf '%s\n' "${mems[@]}" | median)" "${times[*]}"
}
side_by_side() {  # title project events-glob
  local title=$1 project=$2 glob=$3 out; out=$(mktemp -d)
  echo "$title: $(du -cb $glob | tail -1 | awk '{printf "%.0f MB", $1/1e6}') of events"
  measure "inbox-report build (everything)" "$BIN" build "$project" --output "$out/public" --quiet
  measure "polars (distinct counts only)" "$PY" scripts/bench_polars.py "$glob"
  measure "duckdb (distinct counts only)" "$PY" scripts/bench_polars.py "$glob" --duckdb
  rm -rf "$out"
}
side_by_side "make-bench-project.py" "$OWN" "$OWN/data/events/*.csv"
side_by_side "gen-events" "$GENPROJECT" "$DATA/gen-events/events.csv"

# The rebuild after editing one note, as the preview server does it (its input cache is in memory).
LOG=$(mktemp)
"$BIN" serve "$OWN" --port 0 > "$LOG" 2>&1 & PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$GENPROJECT"' EXIT
for _ in $(seq 600); do grep -q "Serving" "$LOG" && break; sleep 0.5; done
cold=$(grep -m1 -o "in [0-9.]* s" "$LOG" | awk '{print $2}')
NOTE="$OWN/notes/weeks/2026-W30.md"
cp "$NOTE" "$NOTE.orig"
for i in 1 2 3; do
  echo "edit $i" >> "$NOTE"
  for _ in $(seq 600); do [ "$(grep -c Rebuilt "$LOG")" -ge "$i" ] && break; sleep 0.2; done
done
mv "$NOTE.orig" "$NOTE"
rebuilds=$(grep "Rebuilt" "$LOG" | grep -o "in [0-9.]* s" | awk '{print $2}' | tr '\n' ' ')
echo "preview (make-bench-project.py data): cold build ${cold} s; rebuilds after a note edit: ${rebuilds}s (median $(tr ' ' '\n' <<<"$rebuilds" | grep . | median) s)"
kill $PID 2>/dev/null || true
