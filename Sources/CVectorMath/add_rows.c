#include "CVectorMath.h"

/* target[r · targetStride + i] += source[r · sourceStride + i]: the scatter of ISM's windowed
   convolutions, whose rows are a kernel's taps (11 floats for Basset's second layer). Swift,
   compiled for SSE2, added those one float at a time; AVX-512 adds a row of up to 16 in one
   masked load, add and store. */
static void add_rows_plain(const float *source, long sourceStride, float *target, long targetStride, long rows, long count) {
    for (long r = 0; r < rows; r++) {
        const float *s = source + r * sourceStride;
        float *t = target + r * targetStride;
        for (long i = 0; i < count; i++) t[i] += s[i];
    }
}

/* Column by column: each column's taps that land in [low, high), a row per filter. */
static void add_run_taps_by_column(const float *source, long sourceStride, long columns, long kernel,
                                   float *target, long targetStride, long filters, long offset, long low, long high) {
    for (long j = 0; j < columns; j++) {
        long first = low - j > 0 ? low - j : 0, end = high - j < kernel ? high - j : kernel;
        if (first >= end) continue;
        seqlens_add_rows(source + j * sourceStride + first, kernel, target + offset + j + first, targetStride, filters, end - first);
    }
}

/* target[r · targetStride + i] += Σ_j scale[j] · source[r · sourceStride + j · termStride + i]:
   the first layer's change of a substituted column, added without a product whose inner
   dimension is the alphabet (four channels ran at 5–9 GFLOP/s). Terms with a zero scale are
   left out before the rows are walked: a substitution has two. */
static void add_weighted_rows_plain(const float *source, long sourceStride, long termStride, const float *scale, long terms,
                                    float *target, long targetStride, long rows, long count) {
    for (long r = 0; r < rows; r++) {
        float *t = target + r * targetStride;
        for (long j = 0; j < terms; j++) {
            if (scale[j] == 0) continue;
            const float *s = source + r * sourceStride + j * termStride;
            for (long i = 0; i < count; i++) t[i] += scale[j] * s[i];
        }
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx512f")))
static void add_rows_avx512(const float *source, long sourceStride, float *target, long targetStride, long rows, long count) {
    long whole = count & ~15L;
    __mmask16 tail = (__mmask16)((1u << (count & 15)) - 1);
    for (long r = 0; r < rows; r++) {
        const float *s = source + r * sourceStride;
        float *t = target + r * targetStride;
        for (long i = 0; i < whole; i += 16) _mm512_storeu_ps(t + i, _mm512_add_ps(_mm512_loadu_ps(t + i), _mm512_loadu_ps(s + i)));
        if (tail) {
            __m512 sum = _mm512_add_ps(_mm512_maskz_loadu_ps(tail, t + whole), _mm512_maskz_loadu_ps(tail, s + whole));
            _mm512_mask_storeu_ps(t + whole, tail, sum);
        }
    }
}

/* A piece of at most 33 − kernel columns spans at most 32 outputs: per filter, column j's taps
   are loaded into lanes j … j + kernel − 1 of a register pair (a masked load from j floats
   before the row: the masked-off lanes are not read) and summed there, then added to the
   target once, clipped to [low, high). */
__attribute__((target("avx512f")))
static void add_run_taps_avx512(const float *source, long sourceStride, long columns, long kernel,
                                float *target, long targetStride, long filters, long offset, long low, long high) {
    const unsigned taps = (1u << kernel) - 1;
    const long piece = 33 - kernel;
    for (long j0 = 0; j0 < columns; j0 += piece) {
        long n = columns - j0 < piece ? columns - j0 : piece;
        long span = n + kernel - 1;
        /* Outputs j0 + q for q < span that lie in [low, high). */
        unsigned long long valid = 0;
        for (long q = 0; q < span; q++) valid |= (unsigned long long)(j0 + q >= low && j0 + q < high) << q;
        if (!valid) continue;
        __mmask16 valid0 = (__mmask16)valid, valid1 = (__mmask16)(valid >> 16);
        const float *piece_source = source + j0 * sourceStride;
        float *piece_target = target + offset + j0;
        for (long f = 0; f < filters; f++) {
            __m512 sum0 = _mm512_setzero_ps(), sum1 = _mm512_setzero_ps();
            const float *row = piece_source + f * kernel;
            for (long j = 0; j < n; j++, row += sourceStride) {
                unsigned lanes = taps << j;
                sum0 = _mm512_add_ps(sum0, _mm512_maskz_loadu_ps((__mmask16)lanes, row - j));
                sum1 = _mm512_add_ps(sum1, _mm512_maskz_loadu_ps((__mmask16)(lanes >> 16), row - j + 16));
            }
            float *t = piece_target + f * targetStride;
            _mm512_mask_storeu_ps(t, valid0, _mm512_add_ps(_mm512_maskz_loadu_ps(valid0, t), sum0));
            if (valid1) _mm512_mask_storeu_ps(t + 16, valid1, _mm512_add_ps(_mm512_maskz_loadu_ps(valid1, t + 16), sum1));
        }
    }
}

__attribute__((target("avx2")))
static void add_rows_avx2(const float *source, long sourceStride, float *target, long targetStride, long rows, long count) {
    long whole = count & ~7L;
    /* Lanes below count mod 8 set (their sign bit), the mask of maskload and maskstore. */
    __m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count & 7)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    for (long r = 0; r < rows; r++) {
        const float *s = source + r * sourceStride;
        float *t = target + r * targetStride;
        for (long i = 0; i < whole; i += 8) _mm256_storeu_ps(t + i, _mm256_add_ps(_mm256_loadu_ps(t + i), _mm256_loadu_ps(s + i)));
        if (count & 7) {
            __m256 sum = _mm256_add_ps(_mm256_maskload_ps(t + whole, tail), _mm256_maskload_ps(s + whole, tail));
            _mm256_maskstore_ps(t + whole, tail, sum);
        }
    }
}

/* The terms with a non-zero scale, at most `capacity` (the callers' alphabets): their offsets
   and scales; -1 when there are more. */
static long nonzero_terms(long termStride, const float *scale, long terms, long *offsets, float *scales, long capacity) {
    long used = 0;
    for (long j = 0; j < terms; j++) {
        if (scale[j] == 0) continue;
        if (used == capacity) return -1;
        offsets[used] = j * termStride;
        scales[used++] = scale[j];
    }
    return used;
}

enum { WEIGHTED_TERMS = 8 };

__attribute__((target("avx512f")))
static void add_weighted_rows_avx512(const float *source, long sourceStride, const long *offsets, const float *scales, long terms,
                                     float *target, long targetStride, long rows, long count) {
    __m512 factor[WEIGHTED_TERMS];
    for (long j = 0; j < terms; j++) factor[j] = _mm512_set1_ps(scales[j]);
    for (long r = 0; r < rows; r++) {
        const float *s = source + r * sourceStride;
        float *t = target + r * targetStride;
        for (long i = 0; i < count; i += 16) {
            __mmask16 lanes = count - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - i)) - 1);
            __m512 sum = _mm512_maskz_loadu_ps(lanes, t + i);
            for (long j = 0; j < terms; j++) sum = _mm512_fmadd_ps(factor[j], _mm512_maskz_loadu_ps(lanes, s + offsets[j] + i), sum);
            _mm512_mask_storeu_ps(t + i, lanes, sum);
        }
    }
}

__attribute__((target("avx2,fma")))
static void add_weighted_rows_avx2(const float *source, long sourceStride, const long *offsets, const float *scales, long terms,
                                   float *target, long targetStride, long rows, long count) {
    __m256 factor[WEIGHTED_TERMS];
    for (long j = 0; j < terms; j++) factor[j] = _mm256_set1_ps(scales[j]);
    for (long r = 0; r < rows; r++) {
        const float *s = source + r * sourceStride;
        float *t = target + r * targetStride;
        for (long i = 0; i < count; i += 8) {
            long left = count - i < 8 ? count - i : 8;
            __m256i lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
            __m256 sum = _mm256_maskload_ps(t + i, lanes);
            for (long j = 0; j < terms; j++) sum = _mm256_fmadd_ps(factor[j], _mm256_maskload_ps(s + offsets[j] + i, lanes), sum);
            _mm256_maskstore_ps(t + i, lanes, sum);
        }
    }
}

void seqlens_add_weighted_rows(const float *source, long sourceStride, long termStride, const float *scale, long terms,
                               float *target, long targetStride, long rows, long count) {
    if (count <= 0) return;
    long offsets[WEIGHTED_TERMS];
    float scales[WEIGHTED_TERMS];
    long used = nonzero_terms(termStride, scale, terms, offsets, scales, WEIGHTED_TERMS);
    if (used == 0) return;
    if (used > 0 && __builtin_cpu_supports("avx512f"))
        add_weighted_rows_avx512(source, sourceStride, offsets, scales, used, target, targetStride, rows, count);
    else if (used > 0 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        add_weighted_rows_avx2(source, sourceStride, offsets, scales, used, target, targetStride, rows, count);
    else
        add_weighted_rows_plain(source, sourceStride, termStride, scale, terms, target, targetStride, rows, count);
}

void seqlens_add_run_taps(const float *source, long sourceStride, long columns, long kernel,
                          float *target, long targetStride, long filters, long offset, long low, long high) {
    if (low >= high || columns <= 0) return;
    if (kernel <= 16 && __builtin_cpu_supports("avx512f"))
        add_run_taps_avx512(source, sourceStride, columns, kernel, target, targetStride, filters, offset, low, high);
    else
        add_run_taps_by_column(source, sourceStride, columns, kernel, target, targetStride, filters, offset, low, high);
}

void seqlens_add_rows(const float *source, long sourceStride, float *target, long targetStride, long rows, long count) {
    if (count <= 0) return;
    if (__builtin_cpu_supports("avx512f")) add_rows_avx512(source, sourceStride, target, targetStride, rows, count);
    else if (__builtin_cpu_supports("avx2")) add_rows_avx2(source, sourceStride, target, targetStride, rows, count);
    else add_rows_plain(source, sourceStride, target, targetStride, rows, count);
}
#else
void seqlens_add_run_taps(const float *source, long sourceStride, long columns, long kernel,
                          float *target, long targetStride, long filters, long offset, long low, long high) {
    add_run_taps_by_column(source, sourceStride, columns, kernel, target, targetStride, filters, offset, low, high);
}

void seqlens_add_rows(const float *source, long sourceStride, float *target, long targetStride, long rows, long count) {
    add_rows_plain(source, sourceStride, target, targetStride, rows, count);
}

void seqlens_add_weighted_rows(const float *source, long sourceStride, long termStride, const float *scale, long terms,
                               float *target, long targetStride, long rows, long count) {
    add_weighted_rows_plain(source, sourceStride, termStride, scale, terms, target, targetStride, rows, count);
}
#endif
