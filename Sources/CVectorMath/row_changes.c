#include "CVectorMath.h"

/* ISM's windowed convolutions read, per variant, which input columns differ from the
   reference and by how much. Swift, compiled for SSE2, ran this loop one float at a time (4 %
   of a one-thread Basset ISM); here a vector of positions goes down the channels, OR-ing the
   changes' bits without the sign, so each position's flag is written once. */
static void row_changes_plain(const float *rows, const float *reference, long referenceStride, long channels, long width,
                              float *change, unsigned char *changed) {
    for (long i = 0; i < width; i++) {
        unsigned bits = 0;
        for (long c = 0; c < channels; c++) {
            float d = rows[c * width + i] - reference[c * referenceStride + i];
            change[c * width + i] = d;
            union { float f; unsigned u; } v = { d };
            bits |= v.u & 0x7fffffffu;
        }
        changed[i] = bits != 0;
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx512f")))
static void row_changes_avx512(const float *rows, const float *reference, long referenceStride, long channels, long width,
                               float *change, unsigned char *changed) {
    const __m512i magnitude = _mm512_set1_epi32(0x7fffffff);
    for (long i = 0; i < width; i += 16) {
        __mmask16 lanes = width - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (width - i)) - 1);
        __m512i bits = _mm512_setzero_si512();
        for (long c = 0; c < channels; c++) {
            __m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(lanes, rows + c * width + i),
                                     _mm512_maskz_loadu_ps(lanes, reference + c * referenceStride + i));
            _mm512_mask_storeu_ps(change + c * width + i, lanes, d);
            bits = _mm512_or_si512(bits, _mm512_castps_si512(d));
        }
        unsigned flags = _mm512_test_epi32_mask(bits, magnitude);
        for (long j = 0; j < 16 && i + j < width; j++) changed[i + j] = (flags >> j) & 1;
    }
}

__attribute__((target("avx2")))
static void row_changes_avx2(const float *rows, const float *reference, long referenceStride, long channels, long width,
                             float *change, unsigned char *changed) {
    const __m256 magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    for (long i = 0; i < width; i += 8) {
        long left = width - i < 8 ? width - i : 8;
        __m256i lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        __m256 bits = _mm256_setzero_ps();
        for (long c = 0; c < channels; c++) {
            __m256 d = _mm256_sub_ps(_mm256_maskload_ps(rows + c * width + i, lanes),
                                     _mm256_maskload_ps(reference + c * referenceStride + i, lanes));
            _mm256_maskstore_ps(change + c * width + i, lanes, d);
            bits = _mm256_or_ps(bits, d);
        }
        /* Lanes whose bits without the sign are zero compare equal to 0 as integers. */
        __m256i zero = _mm256_cmpeq_epi32(_mm256_castps_si256(_mm256_and_ps(bits, magnitude)), _mm256_setzero_si256());
        unsigned flags = ~(unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(zero));
        for (long j = 0; j < left; j++) changed[i + j] = (flags >> j) & 1;
    }
}

void seqlens_row_changes(const float *rows, const float *reference, long referenceStride, long channels, long width,
                         float *change, unsigned char *changed) {
    if (width <= 0) return;
    if (__builtin_cpu_supports("avx512f")) row_changes_avx512(rows, reference, referenceStride, channels, width, change, changed);
    else if (__builtin_cpu_supports("avx2")) row_changes_avx2(rows, reference, referenceStride, channels, width, change, changed);
    else row_changes_plain(rows, reference, referenceStride, channels, width, change, changed);
}
#else
void seqlens_row_changes(const float *rows, const float *reference, long referenceStride, long channels, long width,
                         float *change, unsigned char *changed) {
    row_changes_plain(rows, reference, referenceStride, channels, width, change, changed);
}
#endif
