#!/usr/bin/env bash
# Benchmark of the aggregate tables (docs/aggregates.md) on ../shared/bench/gen-events data (10M events, 1M
# recipients by default), side by side in one run: inbox-report's own engine (`export aggregates`, and the
# whole `build` beside it), dbt on DuckDB and dbt on Spark local (warehouse/run). Wall time and peak memory:
# the summed resident memory of each job's processes (scripts/peak-rss.py; Spark is Python and a JVM), the
# median of RUNS runs (3; Spark SPARK_RUNS, 1 by default: a run takes minutes on a small machine). The
# tables of the three engines are compared after their first runs.
#   scripts/bench-warehouse.sh [EVENTS] [RECIPIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-10000000}; RECIPIENTS=${2:-1000000}
RUNS=${RUNS:-3}; SPARK_RUNS=${SPARK_RUNS:-1}
DATA=${BENCH_DATA:-/tmp/inbox-report-bench-$EVENTS}/gen-events
warehouse/run --engine spark --help >/dev/null  # sets up .venv-warehouse with Spark
if [ ! -s "$DATA/events.csv" ]; then
  echo "generating $EVENTS events for $RECIPIENTS recipients into $DATA (gen-events)…"
  .venv-warehouse/bin/python ../shared/bench/gen-events --events "$EVENTS" --recipients "$RECIPIENTS" --out "$DATA" 2>&1 | tail -1
fi
swift build -c release --product inbox-report >/dev/null
BIN=$PWD/.build/release/inbox-report
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/project/data"
printf 'title: Benchmark (gen-events)\ntimezone: UTC\n' > "$WORK/project/report.yml"
ln -s "$DATA/events.csv" "$WORK/project/data/events.csv"
ln -s "$DATA/campaigns.csv" "$WORK/project/data/campaigns.csv"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# measure NAME RUNS COMMAND...: the median wall time and peak memory of RUNS runs.
measure() {
  local name=$1 runs=$2; shift 2
  local times=() mems=() stats="$WORK/stats"
  for _ in $(seq "$runs"); do
    python3 scripts/peak-rss.py "$stats" "$@" >"$WORK/log" 2>&1 || { echo "$name failed:"; tail -20 "$WORK/log"; return 1; }
    times+=("$(awk '{print $1}' "$stats")"); mems+=("$(awk '{print $2}' "$stats")")
  done
  printf "  %-40s median %7.2f s   peak %6s MB   (%s run(s): %s s)\n" "$name" \
    "$(printf '%s\n' "${times[@]}" | median)" "$(printf '%s\n' "${mems[@]}" | median)" "$runs" "${times[*]}"
}
echo "Aggregate tables from $(wc -l < "$DATA/events.csv" | awk '{print $1 - 1}') events ($(du -b "$DATA/events.csv" | awk '{printf "%.0f MB", $1/1e6}'), gen-events), $(nproc) CPUs:"
measure "inbox-report export aggregates" "$RUNS" "$BIN" export aggregates "$WORK/project" --output "$WORK/swift" --no-cache
measure "inbox-report build (the site, for scale)" "$RUNS" "$BIN" build "$WORK/project" --output "$WORK/site" --no-cache --quiet
for engine in duckdb spark; do
  runs=$RUNS; [ "$engine" = spark ] && runs=$SPARK_RUNS
  measure "dbt on $engine (warehouse/run, with load)" "$runs" warehouse/run --engine "$engine" \
    --events "$DATA/events.csv" --campaigns "$DATA/campaigns.csv" --report-yml "$WORK/project/report.yml" --output "$WORK/$engine"
  diff -r "$WORK/swift" "$WORK/$engine" >/dev/null && echo "    its tables equal inbox-report's" || { echo "    its tables DIFFER from inbox-report's"; exit 1; }
done
