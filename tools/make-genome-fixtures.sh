#!/bin/sh
# Tests/Fixtures/genome: a two-chromosome genome cut from the 330 kb of human chromosome 1 that
# Debian's hmmer-doc ships (/usr/share/doc/hmmer/tutorial/dna_target.fa), plain and bgzip'd.
# Also the whole fragment as assets/genome/humanchr1_frag.fa.gz with its indexes (one record).
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

# assets/genome: the whole fragment, bgzip'd with the indexes htslib reads: .gzi (bgzip -i) and
# .fai (name, length, offset of the first base, bases and bytes per line, as samtools faidx writes).
asset=assets/genome/humanchr1_frag.fa.gz
mkdir -p assets/genome
bgzip -c -i -I "$asset.gzi" "$source" > "$asset"
awk 'NR == 1 { name = substr($1, 2); offset = length($0) + 1; next }
     NR == 2 { width = length($0) }
     { bases += length($0) }
     END { printf "%s\t%d\t%d\t%d\t%d\n", name, bases, offset, width, width + 1 }' "$source" > "$asset.fai"
