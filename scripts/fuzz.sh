#!/usr/bin/env bash
# Runs the fuzzing harness (built by `make fuzz`) on each target for SECONDS, seeded from the test fixtures
# and the bundled example. Exits non-zero when any target found a crash, a hang or a memory blow-up; the
# input that did it is in .build-fuzz/findings/. Usage: scripts/fuzz.sh SECONDS TARGET...
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=$1; shift
BIN=.build-fuzz/release/inbox-report-fuzz
FIX=Tests/Fixtures/providers
mkdir -p .build-fuzz/findings
seed() {  # target -> seed files
  case "$1" in
    config) echo site/report.yml ;;
    csv) find site/data -name '*.csv' -size -1M ;;   # not the generated year of newsletter events
    json) ls $FIX/*.json $FIX/*.jsonl ;;
    gzip) ls $FIX/*.gz ;;
    sendgrid) ls $FIX/sendgrid*.json ;;
    ses) ls $FIX/ses*.jsonl ;;
    mailgun) ls $FIX/mailgun*.jsonl ;;
    postmark) ls $FIX/postmark*.jsonl ;;
    gmail-postmaster) ls Tests/Fixtures/mailbox-providers/*.json ;;
    microsoft-snds) ls Tests/Fixtures/mailbox-providers/*.csv ;;
    compact) ;;  # no seed: the harness edits a valid encoding of its own (CompactSample)
  esac
}
failed=()
for target in "$@"; do
  corpus=.build-fuzz/corpus/$target
  mkdir -p "$corpus"
  for f in $(seed "$target"); do head -c 65536 "$f" > "$corpus/seed-$(basename "$f")"; done
  echo "fuzzing $target for $SECONDS_EACH s…"
  # Without the Swift runtime's backtracer, libFuzzer's own handler sees the crash and writes the input out.
  SWIFT_BACKTRACE=enable=no INBOX_FUZZ_TARGET=$target "$BIN" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix=".build-fuzz/findings/$target-" "$corpus" > ".build-fuzz/$target.log" 2>&1
  code=$?
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" ".build-fuzz/$target.log" | tr '\n' ' '; echo
  if [ $code -ne 0 ]; then
    failed+=("$target")
    tail -30 ".build-fuzz/$target.log"
  fi
done
echo "fuzzing: $# targets, $SECONDS_EACH s each"
echo "fuzz: $(( $# - ${#failed[@]} )) passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then echo "fuzzing found problems in: ${failed[*]} (inputs in .build-fuzz/findings/)"; exit 1; fi
