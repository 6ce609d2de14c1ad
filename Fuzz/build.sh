#!/bin/sh
# Builds the libFuzzer harnesses (Fuzz/<reader>.swift) into .build/fuzz/<reader>.
# Each module is compiled here with swiftc, apart from the package build, so `swift build` and
# `make test` never see the fuzz targets. The modules that hold readers get
# -sanitize=fuzzer,address (coverage + ASan); their dependencies (SwiftProtobuf, ZIPFoundation,
# the generated ONNX messages, the drawing modules) are plain -O: coverage there would only
# steer the fuzzer into code seqlens does not own. Needs the package's checkouts: run
# `swift build` (or `make build`) once first.
set -eu
cd "$(dirname "$0")/.."
SWIFTC=${SWIFTC:-swiftc}
OUT=.build/fuzz
CHECKOUTS=.build/checkouts
# ZIPFoundation's zlib module map is needed by every module that imports ZIPFoundation.
COMMON="-O -parse-as-library -package-name seqlens -I $OUT -L $OUT -I $CHECKOUTS/ZIPFoundation/Sources/CZLib"
FUZZED="-sanitize=fuzzer,address"
BLAS="-I Sources/CDNNL"
HDF5="-I Sources/CHDF5 -Xcc $(pkg-config --cflags-only-I hdf5)"
mkdir -p "$OUT"
test -d "$CHECKOUTS/swift-protobuf" || { echo "Fuzz/build.sh: no $CHECKOUTS; run 'swift build' once first" >&2; exit 2; }

# module NAME SANITIZE 'sources' [extra flags]: a static library and its module, rebuilt when a
# source is newer than the library.
module() {
  name=$1 sanitize=$2 sources=$3
  shift 3
  library="$OUT/lib$name.a"
  # shellcheck disable=SC2086
  if [ -f "$library" ] && [ -z "$(find $sources -newer "$library" -name '*.swift' 2>/dev/null)" ]; then return; fi
  echo "compiling $name"
  # shellcheck disable=SC2086
  $SWIFTC $COMMON $sanitize "$@" -module-name "$name" -emit-module -emit-module-path "$OUT/$name.swiftmodule" \
    -emit-library -static -o "$library" $(find $sources -name '*.swift' | sort)
}

# The C gate activations of the recurrent kernels (SwiftPM makes their module map; here by hand).
if [ ! -f "$OUT/libCVectorMath.a" ] || [ Sources/CVectorMath/vector_math.c -nt "$OUT/libCVectorMath.a" ]; then
  echo "compiling CVectorMath"
  mkdir -p "$OUT/CVectorMath"
  printf 'module CVectorMath {\n  header "%s"\n  export *\n}\n' "$(pwd)/Sources/CVectorMath/include/CVectorMath.h" > "$OUT/CVectorMath/module.modulemap"
  ${CC:-clang} -O2 -fsanitize=fuzzer-no-link,address -I Sources/CVectorMath/include -c Sources/CVectorMath/vector_math.c -o "$OUT/vector_math.o"
  ar rcs "$OUT/libCVectorMath.a" "$OUT/vector_math.o"
fi
COMMON="$COMMON -I $OUT/CVectorMath"

module SwiftProtobuf "" "$CHECKOUTS/swift-protobuf/Sources/SwiftProtobuf"
module ZIPFoundation "" "$CHECKOUTS/ZIPFoundation/Sources/ZIPFoundation" -Xcc -D_GNU_SOURCE
module ONNXProto "" Sources/ONNXProto
module Genomics "$FUZZED" Sources/Genomics
# shellcheck disable=SC2086
module Inference "$FUZZED" Sources/Inference $BLAS
module Interpretation "$FUZZED" Sources/Interpretation $BLAS
# shellcheck disable=SC2086
module ModiscoHDF5 "$FUZZED" Sources/ModiscoHDF5 $HDF5
module Rendering "" Sources/Rendering
module Interactive "" Sources/Interactive
module ExplorerCore "$FUZZED" Sources/ExplorerCore -enable-upcoming-feature MemberImportVisibility
module ExplorerView "" Sources/ExplorerView -enable-upcoming-feature MemberImportVisibility
# shellcheck disable=SC2086
module ExplorerRuntime "$FUZZED" Sources/ExplorerRuntime $BLAS

# The libraries each harness links, in dependency order (a static library after its users).
libraries() {
  case $1 in
    fasta|meme|jaspar|homer|transfac|intervals) echo "-lGenomics" ;;
    onnx|npy|npz) echo "-lInference -lCVectorMath -lONNXProto -lZIPFoundation -lz -lSwiftProtobuf -ldnnl -lgomp" ;;
    sidecar) echo "-lInterpretation -lGenomics -lInference -lCVectorMath -lONNXProto -lZIPFoundation -lz -lSwiftProtobuf -ldnnl -lgomp" ;;
    modisco) echo "-lModiscoHDF5 -lGenomics $(pkg-config --libs hdf5)" ;;
    session) echo "-lExplorerRuntime -lExplorerView -lExplorerCore -lInteractive -lRendering -lInterpretation -lGenomics -lInference -lCVectorMath -lONNXProto -lZIPFoundation -lz -lSwiftProtobuf -ldnnl -lgomp" ;;
  esac
}

for reader in ${FUZZ_READERS:-fasta meme jaspar homer transfac intervals onnx sidecar npy npz session modisco}; do
  # shellcheck disable=SC2046,SC2086
  $SWIFTC $COMMON $FUZZED $BLAS $HDF5 "Fuzz/$reader.swift" $(libraries "$reader") \
    -o "$OUT/$reader" 2>&1 | grep -v 'Cannot export local symbol' || true
  test -x "$OUT/$reader"
done
