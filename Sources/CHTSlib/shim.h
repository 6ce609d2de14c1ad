// htslib (Debian's libhts-dev, pkg-config `htslib`): indexed and bgzip-compressed FASTA, VCF/BCF
// with tabix or CSI indexes. Functions for what Swift cannot import (macros) go below.
#include <htslib/hts.h>
#include <htslib/faidx.h>
#include <htslib/bgzf.h>
#include <htslib/vcf.h>
#include <htslib/tbx.h>
#include <htslib/kstring.h>
