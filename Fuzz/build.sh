#!/bin/sh
# Builds the libFuzzer harnesses (Fuzz/<reader>.swift) into .build/fuzz/<reader>.
# The Genomics module is compiled here with -sanitize=fuzzer,address (coverage + ASan), apart
# from the package build, so `swift build` and `make test` never see the fuzz targets.
set -eu
cd "$(dirname "$0")/.."
SWIFTC=${SWIFTC:-swiftc}
OUT=.build/fuzz
FLAGS="-O -sanitize=fuzzer,address -parse-as-library -package-name seqlens"
mkdir -p "$OUT"
if [ ! -f "$OUT/libGenomics.a" ] || [ -n "$(find Sources/Genomics -newer "$OUT/libGenomics.a" -name '*.swift')" ]; then
  $SWIFTC $FLAGS -module-name Genomics -emit-module -emit-module-path "$OUT/Genomics.swiftmodule" \
    -emit-library -static -o "$OUT/libGenomics.a" Sources/Genomics/*.swift
fi
for reader in ${FUZZ_READERS:-fasta meme jaspar intervals}; do
  $SWIFTC $FLAGS -I "$OUT" -L "$OUT" -lGenomics "Fuzz/$reader.swift" -o "$OUT/$reader" 2>&1 \
    | grep -v 'Cannot export local symbol' || true
  test -x "$OUT/$reader"
done
