#!/bin/sh
# examples/sharded/regions.fa: 200-nt windows of the fixture genome (Tests/Fixtures/genome/mini.fa,
# real human chromosome 1 bases) named chrom:start-end (0-based, end excluded, as bedtools getfasta
# names them), the input of the sharded workflow's tracks; and mini.chrom.sizes beside it.
# chr2 comes first and windows leave gaps, so a track must sort and keep gaps.
set -eu
genome=Tests/Fixtures/genome/mini.fa
out=examples/sharded
window() { # chromosome start end
  awk -v chrom="$1" '/^>/ { keep = ($1 == ">" chrom); next } keep { printf "%s", $0 }' "$genome" | cut -c"$(($2 + 1))-$3"
}
{
  for start in 0 400 600 1000 1200; do
    printf '>chr2:%d-%d\n%s\n' "$start" "$((start + 200))" "$(window chr2 "$start" "$((start + 200))")"
  done
  for start in 0 200 400 600 800 1200 1400 1600; do
    printf '>chr1:%d-%d\n%s\n' "$start" "$((start + 200))" "$(window chr1 "$start" "$((start + 200))")"
  done
} > "$out/regions.fa"
printf 'chr1\t2000\nchr2\t1500\n' > "$out/mini.chrom.sizes"
