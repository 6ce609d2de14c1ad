#!/usr/bin/env bash
# Regenerates Sources/ONNXProto/onnx.pb.swift from the onnx.proto that ships in the
# `onnx` Python package. Needs protoc (Debian: protobuf-compiler) and python3 with
# `onnx` installed (tools/requirements.txt); builds swift-protobuf's protoc-gen-swift
# plugin at the same version Package.swift depends on. Never edit the output by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

PROTOBUF_VERSION=1.39.0
PYTHON=${PYTHON:-.venv/bin/python}
WORK=.build-protoc
OUT=Sources/ONNXProto

command -v protoc >/dev/null || { echo "gen-onnx-proto: protoc not found; apt-get install protobuf-compiler" >&2; exit 1; }
PROTO_DIR=$("$PYTHON" -c 'import onnx, os; print(os.path.dirname(onnx.__file__))')
ONNX_VERSION=$("$PYTHON" -c 'import onnx; print(onnx.__version__)')

if [ ! -x "$WORK/plugin/.build/release/protoc-gen-swift" ]; then
  rm -rf "$WORK/plugin"
  git clone -q --depth 1 --branch "$PROTOBUF_VERSION" https://github.com/apple/swift-protobuf "$WORK/plugin"
  (cd "$WORK/plugin" && swift build -c release --product protoc-gen-swift)
fi

# onnx.proto is proto2 with package `onnx`; copy it so the generated file has a stable name.
mkdir -p "$WORK/proto"
cp "$PROTO_DIR/onnx.proto" "$WORK/proto/onnx.proto"
protoc --plugin=protoc-gen-swift="$WORK/plugin/.build/release/protoc-gen-swift" \
  --swift_opt=Visibility=Public \
  --swift_out="$OUT" -I "$WORK/proto" "$WORK/proto/onnx.proto"
echo "generated $OUT/onnx.pb.swift from onnx $ONNX_VERSION (swift-protobuf $PROTOBUF_VERSION)"
