#!/usr/bin/env bash
# The aggregate tables of one engine equal the Swift engine's, file for file and byte for byte, and the site
# built from them is the site built from the raw events (issue: "Equality, not similarity").
#   warehouse/equality-test.sh duckdb|spark [canonical|ses|sendgrid]
#     EVENTS=1000000 generated events by default; WORK=DIR keeps the files.
# For ses and sendgrid the generated events are first rewritten as that provider's export
# (warehouse/provider-events.py): the Swift reader and the staging model read the same file.
set -euo pipefail
engine="$1"
format="${2:-canonical}"
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
raw="$work/raw-$format"
rm -rf "$raw" && mkdir -p "$raw/data"
printf 'title: Northwind\ntimezone: Europe/Stockholm\nreactivation: { response_window_days: 10 }\n' > "$raw/report.yml"
campaigns="$data/campaigns.csv"
case "$format" in
    canonical) input="$data/events.csv" ;;
    ses|sendgrid)
        input="$data/$format.jsonl"
        [ -f "$input" ] || "$venv/bin/python" "$root/warehouse/provider-events.py" "$format" "$data/events.csv" "$data/campaigns.csv" "$input"
        # Campaign results without programs: report.yml's campaign_programs (globs) give them, and its
        # programs their names (with an apostrophe: every dialect quotes it its own way).
        campaigns="$data/campaigns-without-programs.csv"
        "$venv/bin/python" -c 'import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
w = csv.DictWriter(open(sys.argv[2], "w", newline=""), [c for c in rows[0] if c != "program"], extrasaction="ignore", lineterminator="\n")
w.writeheader(); w.writerows(rows)' "$data/campaigns.csv" "$campaigns"
        cat >> "$raw/report.yml" <<'YML'
programs:
  newsletter: { name: "Northwind's Weekly" }
  promotions: { name: "Offers & Deals" }
campaign_programs:
  "nl-*": "Northwind's Weekly"
  "promo-20??w*": "Offers & Deals"
  "winback-**": promotions
  "react-*": newsletter
  "*": onboarding
YML
        if [ "$format" = sendgrid ]; then
            printf 'inputs:\n  - path: "data/*.jsonl"\n    format: sendgrid\n    campaign_field: nw_campaign\n' >> "$raw/report.yml"
        fi ;;
    *) echo "equality-test: unknown format $format (canonical, ses, sendgrid)" >&2; exit 2 ;;
esac
cp "$input" "$campaigns" "$raw/data/"

# Swift's warnings (sends whose campaign results and events differ: the dropped messages) only on failure.
quiet() { "$@" 2>"$work/stderr.log" || { cat "$work/stderr.log" >&2; return 1; }; }

out="$work/$engine-$format"
start=$(date +%s%N)
quiet "$bin" export aggregates "$raw" --output "$work/swift-$format" --no-cache >/dev/null
swift_ms=$(( ($(date +%s%N) - start) / 1000000 ))
start=$(date +%s%N)
"$root/warehouse/run" --engine "$engine" --format "$format" --events "$input" --campaigns "$campaigns" \
    --report-yml "$raw/report.yml" --output "$out" >/dev/null
engine_ms=$(( ($(date +%s%N) - start) / 1000000 ))
diff -r "$work/swift-$format" "$out"
tables=$(ls "$work/swift-$format" | wc -l)
rows=$(cat "$work/swift-$format"/*.csv | wc -l)

# The site from the engine's tables beside the campaign results is the site from the events.
agg="$work/aggregate-project"
rm -rf "$agg" && mkdir -p "$agg/data"
cp "$raw/report.yml" "$agg/"
cp "$campaigns" "$agg/data/"
cp -r "$out" "$agg/data/aggregates"
quiet "$bin" build "$raw" --output "$work/site-events" --no-cache --quiet
quiet "$bin" build "$agg" --output "$work/site-$engine" --no-cache --quiet
diff -r "$work/site-events" "$work/site-$engine"
pages=$(find "$work/site-events" -name '*.html' | wc -l)
echo "equal ($format events): $tables tables ($rows lines) from $events generated events ($(wc -l < "$input") records), Swift export $swift_ms ms, dbt on $engine $engine_ms ms (with setup); $pages pages byte-identical"
