# seqlens — the two set-up commands on a fresh Debian/Ubuntu machine are `make run` and `make test`.
SWIFT ?= swift
PYTHON ?= python3
VENV := .venv
# tmux drives the explorer's end-to-end tests; libhdf5-dev reads TF-MoDISco results; libhts-dev
# reads indexed genomes and VCFs; libbigwig-dev writes bigWig tracks; snakemake runs the sharded
# workflow of examples/sharded (its test).
SYSTEM_PACKAGES := libdnnl-dev libncurses-dev zlib1g-dev libhdf5-dev libhts-dev libbigwig-dev liblbfgs-dev libmimalloc-dev pkg-config tmux snakemake
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SAMPLE_MODEL := sample-models/multitask-deep-relu.onnx
SAMPLE_FASTA := assets/sequences/multitask.fa
SAMPLE_SITES := assets/sequences/multitask.tsv

.PHONY: run demo test build deps parity sample-models zoo bench proto fuzz clean casts

## run: install system packages, build (release) and open the explorer on a bundled sample model
## (without a terminal, e.g. in a pipe, it shows the headless commands on the same model instead)
run: deps build
	@if [ -t 0 ] && [ -t 1 ]; then \
	  .build/release/seqlens explore $(SAMPLE_MODEL) $(SAMPLE_FASTA) --annotations $(SAMPLE_SITES) --record mt_test_04056; \
	else \
	  echo "make run: not a terminal, so no explorer; the headless commands on the same model:"; \
	  .build/release/seqlens inspect $(SAMPLE_MODEL) && \
	  .build/release/seqlens logo $(SAMPLE_MODEL) $(SAMPLE_FASTA) --record mt_test_04056 --target CEBPB --logits --range 20:100 && \
	  .build/release/seqlens predict $(SAMPLE_MODEL) $(SAMPLE_FASTA); \
	fi

## demo: build and give a guided tour of the explorer (TOUR=name picks one; seqlens demo --list shows them)
demo: deps build
	@if [ -t 0 ] && [ -t 1 ]; then .build/release/seqlens demo $(TOUR); \
	else echo "make demo: not a terminal, so no tour; the tours are:"; .build/release/seqlens demo --list; fi

## test: install system packages and run the whole test suite
test: deps
	$(SWIFT) build -c release -Xswiftc -enable-testing --build-tests
	$(SWIFT) test -c release -Xswiftc -enable-testing --skip-build --disable-swift-testing

build:
	$(SWIFT) build -c release --product seqlens

## casts: re-render the README's recordings from their key scripts (headless, no terminal needed);
## play one with `asciinema play docs/casts/edit-cebpb.cast`
casts: build
	.build/release/seqlens explore $(SAMPLE_MODEL) $(SAMPLE_FASTA) --annotations $(SAMPLE_SITES) --record mt_test_04056 \
	  --keys-file docs/casts/edit-cebpb.keys --cast docs/casts/edit-cebpb.cast --cast-size 100x30

## deps: apt-get install the system libraries that are missing (skipped when present)
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(VENV)/bin/python: tools/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r tools/requirements.txt
	touch $@

## parity: re-check the committed parity fixtures against onnxruntime live (installs a venv)
parity: deps $(VENV)/bin/python
	$(VENV)/bin/python tools/check-parity.py
	$(SWIFT) test -c release -Xswiftc -enable-testing --filter ParityTests

## sample-models: retrain the sample models and regenerate motifs, datasets, demo FASTAs and
## fixtures from fixed seeds (needs PyTorch, about 20 minutes; make test does not need it)
sample-models:
	tools/make-sample-models.sh

## zoo: re-export the model zoo and its references into Tests/Fixtures/zoo (installs PyTorch and
## TensorFlow model packages into the venv; about 3 minutes; make test does not need it)
zoo: $(VENV)/zoo-packages
	$(VENV)/bin/python tools/make-zoo.py

# The exporters and model packages the zoo and the bench import (bpnet-lite, chrombpnet...).
$(VENV)/zoo-packages: $(VENV)/bin/python tools/zoo-requirements.txt tools/zoo-models.txt
	$(VENV)/bin/pip install -q -r tools/zoo-requirements.txt
	$(VENV)/bin/pip install -q --no-deps -r tools/zoo-models.txt
	touch $@

## bench: forward-pass throughput and predict's peak memory of seqlens vs onnxruntime, the
## explorer's edit-to-result latency and first frame, ISM vs onnxruntime and tangermeme, saliency
## and IG vs PyTorch and captum (writes bench/out/)
bench: deps build $(VENV)/zoo-packages
	$(VENV)/bin/python bench/make-bench-models.py
	$(VENV)/bin/python bench/forward.py --markdown-out bench/out/forward.md
	$(VENV)/bin/python bench/memory.py --markdown-out bench/out/memory.md
	$(VENV)/bin/python bench/live.py --markdown-out bench/out/live.md
	$(VENV)/bin/python bench/ism.py --markdown-out bench/out/ism.md
	$(VENV)/bin/python bench/ism.py --bpnet --tangermeme-fast default --markdown-out bench/out/ism-bpnet.md
	$(VENV)/bin/python bench/attribution.py --markdown-out bench/out/attribution.md

## fuzz: build the libFuzzer harnesses in Fuzz/ (swiftc -sanitize=fuzzer,address) and run each for
## FUZZ_SECONDS (default 60) or FUZZ_RUNS executions; FUZZ_READERS picks harnesses; crashes go to
## Fuzz/crashes-open/<reader>/ (see docs/FUZZING.md)
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= -1
fuzz: deps
	$(SWIFT) build -c release --product seqlens
	SWIFTC=$(SWIFT)c Fuzz/build.sh
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) Fuzz/run.sh

## proto: regenerate Sources/ONNXProto from the onnx package's onnx.proto
proto: $(VENV)/bin/python
	tools/gen-onnx-proto.sh

clean:
	rm -rf .build
