#!/usr/bin/env bash
# The aggregate tables of one engine equal the Swift engine's, file for file and byte for byte, and the site
# built from them is the site built from the raw events (issue: "Equality, not similarity").
#   warehouse/equality-test.sh duckdb|spark      (EVENTS=1000000 by default; WORK=DIR keeps the files)
set -euo pipefail
engine="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.build/debug/inbox-report"
events="${EVENTS:-1000000}"
work="${WORK:-$(mktemp -d /tmp/inbox-report-equality.XXXXXX)}"
[ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT
venv="$root/.venv-warehouse"
"$root/warehouse/run" --engine "$engine" --help >/dev/null  # sets up the virtual environment
data="$work/data-$events"
if [ ! -f "$data/events.csv" ]; then
    "$venv/bin/python" "$root/../shared/bench/gen-events" --events "$events" --recipients $((events / 10)) --out "$data" --seed 7 2>/dev/null
fi
# The raw project: campaign results and events, in a time zone with summer time.
raw="$work/raw"
rm -rf "$raw" && mkdir -p "$raw/data"
printf 'title: Northwind\ntimezone: Europe/Stockholm\nreactivation: { response_window_days: 10 }\n' > "$raw/report.yml"
cp "$data/campaigns.csv" "$data/events.csv" "$raw/data/"

start=$(date +%s%N)
"$bin" export aggregates "$raw" --output "$work/swift" --no-cache >/dev/null
swift_ms=$(( ($(date +%s%N) - start) / 1000000 ))
start=$(date +%s%N)
"$root/warehouse/run" --engine "$engine" --events "$data/events.csv" --campaigns "$data/campaigns.csv" \
    --report-yml "$raw/report.yml" --output "$work/$engine" >/dev/null
engine_ms=$(( ($(date +%s%N) - start) / 1000000 ))
diff -r "$work/swift" "$work/$engine"
tables=$(ls "$work/swift" | wc -l)
rows=$(cat "$work/swift"/*.csv | wc -l)

# The site from the engine's tables beside the campaign results is the site from the events.
agg="$work/aggregate-project"
rm -rf "$agg" && mkdir -p "$agg/data"
cp "$raw/report.yml" "$agg/"
cp "$data/campaigns.csv" "$agg/data/"
cp -r "$work/$engine" "$agg/data/aggregates"
"$bin" build "$raw" --output "$work/site-events" --no-cache --quiet
"$bin" build "$agg" --output "$work/site-$engine" --no-cache --quiet
diff -r "$work/site-events" "$work/site-$engine"
pages=$(find "$work/site-events" -name '*.html' | wc -l)
echo "equal: $tables tables ($rows lines) from $events events, Swift export $swift_ms ms, dbt on $engine $engine_ms ms (with setup); $pages pages byte-identical"
