// htslib (Debian's libhts-dev, pkg-config `htslib`): indexed and bgzip-compressed FASTA, VCF/BCF
// with tabix or CSI indexes. Functions for what Swift cannot import (macros) go below.
#include <htslib/hts.h>
#include <htslib/faidx.h>
#include <htslib/bgzf.h>
#include <htslib/vcf.h>
#include <htslib/tbx.h>
#include <htslib/kstring.h>

// Tabix region queries on bgzip-compressed text (VCF): tbx_itr_queryi, tbx_itr_next and
// tbx_itr_destroy are macros.
static inline hts_itr_t *seqlens_tbx_query(tbx_t *tbx, int tid, hts_pos_t begin, hts_pos_t end) {
    return tbx_itr_queryi(tbx, tid, begin, end);
}
static inline int seqlens_tbx_next(htsFile *file, tbx_t *tbx, hts_itr_t *iterator, kstring_t *line) {
    return tbx_itr_next(file, tbx, iterator, line);
}
static inline void seqlens_tbx_destroy(hts_itr_t *iterator) { tbx_itr_destroy(iterator); }
