#!/bin/sh
# Tests/Fixtures/genome: a two-chromosome genome cut from the 330 kb of human chromosome 1 that
# Debian's hmmer-doc ships (/usr/share/doc/hmmer/tutorial/dna_target.fa), plain and bgzip'd.
# Tests build the indexes themselves (htslib's fai_build, what `samtools faidx` runs).
# Needs Debian's tabix (bgzip) and hmmer-doc.
set -eu
source=/usr/share/doc/hmmer/tutorial/dna_target.fa
out=Tests/Fixtures/genome
mkdir -p "$out"
bases=$(grep -v '>' "$source" | tr -d '\n')
{
  echo ">chr1 humanchr1_frag bases 1-2000"
  printf '%s' "$bases" | cut -c1-2000 | fold -w 60
  echo ">chr2 humanchr1_frag bases 2001-3500"
  printf '%s' "$bases" | cut -c2001-3500 | fold -w 60
} > "$out/mini.fa"
bgzip -c "$out/mini.fa" > "$out/mini.fa.gz"
