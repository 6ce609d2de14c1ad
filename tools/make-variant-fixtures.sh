#!/bin/sh
# Tests/Fixtures/variants: a real VCF excerpt and the variant-scoring references.
# chr22-excerpt.vcf.gz: the header and first 300 records of the 1000 Genomes chr22 VCF that
# Debian's r-bioc-variantannotation ships (extdata/chr22.vcf.gz), bgzip'd, with a tabix index;
# the package is downloaded and unpacked, not installed (it would pull in R). Then
# tools/make-variant-fixtures.py writes the expected parses, mini.vcf (bgzip'd and indexed
# here too) and the scores.
# Needs Debian's tabix (bgzip, tabix) and the venv of tools/requirements.txt.
set -eu
out=Tests/Fixtures/variants
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
(cd "$work" && apt-get download r-bioc-variantannotation >/dev/null 2>&1 && dpkg-deb -x r-bioc-variantannotation_*.deb unpacked)
source="$work/unpacked/usr/lib/R/site-library/VariantAnnotation/extdata/chr22.vcf.gz"
{ zcat "$source" | grep '^#'; zcat "$source" | grep -v '^#' | head -300; } | bgzip -c > "$out/chr22-excerpt.vcf.gz"
tabix -f -p vcf "$out/chr22-excerpt.vcf.gz"
${PYTHON:-/work/main/.venv/bin/python} tools/make-variant-fixtures.py
bgzip -c "$out/mini.vcf" > "$out/mini.vcf.gz"
tabix -f -p vcf "$out/mini.vcf.gz"
