#!/bin/sh
# Runs each harness for FUZZ_SECONDS (default 60), or until FUZZ_RUNS executions when that is set,
# on its corpus. New inputs libFuzzer finds go to
# .build/fuzz/corpus/<reader> (not committed); crashes go to Fuzz/crashes-open/<reader>/ until
# fixed, then move to Fuzz/crashes/<reader>/ where make test replays them.
set -eu
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
RUNS=${FUZZ_RUNS:--1}
status=0
for reader in ${FUZZ_READERS:-fasta meme jaspar homer transfac intervals onnx sidecar npy npz session modisco}; do
  mkdir -p ".build/fuzz/corpus/$reader" "Fuzz/crashes/$reader" "Fuzz/crashes-open/$reader"
  echo "== $reader ($SECONDS_EACH s)"
  # ZIPFoundation's Archive(url:) keeps the 28-byte buffer of FileManager.fileSystemRepresentation
  # on every open; leak checks there would only find that (and cost a full scan per input).
  # libhdf5 1.10 leaks a few hundred bytes when it refuses a corrupt object header (modisco).
  leaks=1
  [ "$reader" = npz ] && leaks=0
  [ "$reader" = modisco ] && leaks=0
  # timeout guards against a hang in the crash handler; libFuzzer stops itself at max_total_time.
  ASAN_OPTIONS="detect_leaks=$leaks${ASAN_OPTIONS:+:$ASAN_OPTIONS}" timeout $((SECONDS_EACH + 60)) ".build/fuzz/$reader" -max_total_time="$SECONDS_EACH" -runs="$RUNS" -max_len=4096 -timeout=10 -detect_leaks=$leaks \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="Fuzz/crashes-open/$reader/" \
    ".build/fuzz/corpus/$reader" "Fuzz/corpus/$reader" "Fuzz/crashes/$reader" \
    >".build/fuzz/$reader.log" 2>&1 || status=1
  grep -E '^#[0-9]+.*(DONE|cov:)' ".build/fuzz/$reader.log" | tail -1
  grep -E 'stat::number_of_executed_units|ERROR: |SUMMARY' ".build/fuzz/$reader.log" || true
done
exit $status
