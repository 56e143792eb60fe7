#!/usr/bin/env bash
# Benchmark of a whole `build` on a large event log, side by side with a polars job (and duckdb) that only
# computes per-send distinct counts and per-recipient last engagement, on the same data, in one run.
# Reports the median wall time and peak memory of three runs each, and the in-process rebuild after a note
# edit (the preview server's rebuild). Usage: scripts/bench-build.sh [EVENTS] [RECIPIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-10000000}; RECIPIENTS=${2:-1000000}
DATA=${BENCH_DATA:-/tmp/inbox-report-bench-$EVENTS}
GEN=../shared/bench/gen-events
python3 -c 'import numpy' 2>/dev/null || pip install -q numpy
python3 -c 'import polars, duckdb' 2>/dev/null || pip install -q polars duckdb
if [ ! -s "$DATA/events.csv" ]; then
  echo "generating $EVENTS events for $RECIPIENTS recipients into $DATA (gen-events)…"
  python3 "$GEN" --events "$EVENTS" --recipients "$RECIPIENTS" --out "$DATA" 2>&1 | tail -1
fi
swift build -c release --product inbox-report >/dev/null
BIN=$PWD/.build/release/inbox-report
PROJECT=$(mktemp -d)
mkdir -p "$PROJECT/data" "$PROJECT/notes/weeks"
printf 'title: Benchmark\ntimezone: UTC\n' > "$PROJECT/report.yml"
ln -s "$DATA/events.csv" "$PROJECT/data/events.csv"
ln -s "$DATA/campaigns.csv" "$PROJECT/data/campaigns.csv"
echo "# Notes" > "$PROJECT/notes/weeks/2026-W30.md"
ls -la "$DATA/events.csv" | awk '{printf "events.csv: %.0f MB\n", $5/1e6}'

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
  printf "%-34s median %6.2f s   peak %6s MB   (runs: %s s)\n" "$name" "$(printf '%s\n' "${times[@]}" | median)" \
    "$(printf '%s\n' "${mems[@]}" | median)" "${times[*]}"
}
measure "inbox-report build (everything)" "$BIN" build "$PROJECT" --output "$PROJECT/public" --quiet
measure "polars (distinct counts only)" python3 scripts/bench_polars.py "$DATA/events.csv"
measure "duckdb (distinct counts only)" python3 scripts/bench_polars.py "$DATA/events.csv" --duckdb

# The rebuild after editing one note, as the preview server does it (its input cache is in memory).
LOG=$(mktemp)
"$BIN" serve "$PROJECT" --port 0 > "$LOG" 2>&1 & PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 600); do grep -q "Serving" "$LOG" && break; sleep 0.5; done
cold=$(grep -m1 -o "in [0-9.]* s" "$LOG" | awk '{print $2}')
for i in 1 2 3; do
  echo "edit $i" >> "$PROJECT/notes/weeks/2026-W30.md"
  for _ in $(seq 600); do [ "$(grep -c Rebuilt "$LOG")" -ge "$i" ] && break; sleep 0.2; done
done
rebuilds=$(grep "Rebuilt" "$LOG" | grep -o "in [0-9.]* s" | awk '{print $2}' | tr '\n' ' ')
echo "preview: cold build ${cold} s; rebuilds after a note edit: ${rebuilds}s (median $(tr ' ' '\n' <<<"$rebuilds" | grep . | median) s)"
kill $PID 2>/dev/null || true
