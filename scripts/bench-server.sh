#!/usr/bin/env bash
# Benchmark of the preview server against `python3 -m http.server` serving the same folder, on loopback:
# wrk with 50 connections for each of a ~20 KB page (the example's index.html) and a CSV download.
# Prints requests/s and p99 latency of both, and the ratio. Usage: scripts/bench-server.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
command -v wrk >/dev/null || { echo "installing wrk…"; apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product inbox-report >/dev/null
BIN=.build/release/inbox-report
OUT=$(mktemp -d)/public
$BIN build site --output "$OUT" --quiet

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
OURS=$(free_port); PY=$(free_port)
$BIN serve site --output "$OUT" --port "$OURS" >/dev/null 2>&1 & OURS_PID=$!
python3 -m http.server "$PY" --bind 127.0.0.1 --directory "$OUT" >/dev/null 2>&1 & PY_PID=$!
trap 'kill $OURS_PID $PY_PID 2>/dev/null || true' EXIT
for p in $OURS $PY; do for _ in $(seq 50); do curl -fs "http://127.0.0.1:$p/" >/dev/null 2>&1 && break; sleep 0.2; done; done

page_size=$(curl -s "http://127.0.0.1:$OURS/index.html" | wc -c)
csv_size=$(curl -s "http://127.0.0.1:$OURS/data/campaigns.csv" | wc -c)
run() {  # name port path -> "rps p99"
  local out; out=$(wrk -t2 -c50 -d"${DURATION}s" --latency "http://127.0.0.1:$2$3" 2>&1)
  local rps p99; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  local errors; errors=$(awk '/Non-2xx|Socket errors/' <<<"$out" | tr -s ' ' | paste -sd';' -)
  printf "%-28s %-14s %12s %10s  %s\n" "$1" "$3" "$rps" "$p99" "$errors"
  echo "$rps" > "/tmp/bench-$1-$(basename "$3")"
}
echo "wrk -t2 -c50 -d${DURATION}s on $(nproc) cores; page $page_size bytes (with the reload script), csv $csv_size bytes"
printf "%-28s %-14s %12s %10s\n" server path "requests/s" "p99"
for path in /index.html /data/campaigns.csv; do
  run inbox-report "$OURS" "$path"
  run python-http.server "$PY" "$path"
done
for f in index.html campaigns.csv; do
  awk -v a="$(cat /tmp/bench-inbox-report-$f)" -v b="$(cat /tmp/bench-python-http.server-$f)" -v f="$f" 'BEGIN { printf "%s: inbox-report / python = %.1fx\n", f, a / b }'
done
