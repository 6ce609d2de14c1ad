"""Sample models and datasets for seqlens (issue 3): JASPAR motif export, synthetic
datasets with known ground truth, CNN training and ONNX export, demo FASTAs and the
onnxruntime fixtures the Swift tests compare against.

Entry point: tools/make-sample-models.sh (creates the venv) or
  .venv/bin/python tools/make-sample-models.py [stage ...]
"""
