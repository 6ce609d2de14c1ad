#!/bin/sh
# Runs each harness for FUZZ_SECONDS (default 60) on its corpus. New inputs libFuzzer finds go to
# .build/fuzz/corpus/<reader> (not committed); crashes go to Fuzz/crashes-open/<reader>/ until
# fixed, then move to Fuzz/crashes/<reader>/ where make test replays them.
set -eu
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
status=0
for reader in ${FUZZ_READERS:-fasta meme jaspar intervals}; do
  mkdir -p ".build/fuzz/corpus/$reader" "Fuzz/crashes/$reader" "Fuzz/crashes-open/$reader"
  echo "== $reader ($SECONDS_EACH s)"
  # timeout guards against a hang in the crash handler; libFuzzer stops itself at max_total_time.
  timeout $((SECONDS_EACH + 60)) ".build/fuzz/$reader" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="Fuzz/crashes-open/$reader/" \
    ".build/fuzz/corpus/$reader" "Fuzz/corpus/$reader" "Fuzz/crashes/$reader" \
    >".build/fuzz/$reader.log" 2>&1 || status=1
  grep -E '^#[0-9]+.*(DONE|cov:)' ".build/fuzz/$reader.log" | tail -1
  grep -E 'stat::number_of_executed_units|ERROR: |SUMMARY' ".build/fuzz/$reader.log" || true
done
exit $status
