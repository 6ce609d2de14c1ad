#include "CVectorMath.h"
#include <string.h>

/* target[r · targetStride + c] = source[c · sourceStride + r]: Transpose's tiles (an attention
   layer's K, heads × positions × 16). The Swift tile loop moved a float at a time, ~0.6 ns each;
   eight by eight in AVX registers a tile is eight loads, 24 shuffles and eight stores. */
static void transpose_plain(const float *source, long sourceStride, float *target, long targetStride, long rows, long columns,
                            long fromRow, long fromColumn) {
    for (long c = 0; c < columns; c++)
        for (long r = (c < fromColumn ? fromRow : 0); r < rows; r++) target[r * targetStride + c] = source[c * sourceStride + r];
}

/* Rows of `width` floats, gathered in order from two strided axes: a transpose that keeps the
   last axis (attention's heads moved past positions). Swift stepped its odometer and called
   memmove once per row, often of 16 or 32 floats. */
static void copy_rows_plain(const float *source, long outerStride, long innerStride, float *target, long outer, long inner, long width) {
    for (long i = 0; i < outer; i++)
        for (long j = 0; j < inner; j++, target += width) memcpy(target, source + i * outerStride + j * innerStride, sizeof(float) * width);
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx512f")))
static void copy_rows_avx512(const float *source, long outerStride, long innerStride, float *target, long outer, long inner, long width) {
    const long whole = width & ~15L;
    const __mmask16 tail = (__mmask16)((1u << (width & 15)) - 1);
    for (long i = 0; i < outer; i++) {
        for (long j = 0; j < inner; j++, target += width) {
            const float *row = source + i * outerStride + j * innerStride;
            for (long k = 0; k < whole; k += 16) _mm512_storeu_ps(target + k, _mm512_loadu_ps(row + k));
            if (tail) _mm512_mask_storeu_ps(target + whole, tail, _mm512_maskz_loadu_ps(tail, row + whole));
        }
    }
}

void seqlens_copy_rows(const float *source, long outerStride, long innerStride, float *target, long outer, long inner, long width) {
    /* Long rows are memmove's own work. */
    if (width <= 256 && __builtin_cpu_supports("avx512f")) copy_rows_avx512(source, outerStride, innerStride, target, outer, inner, width);
    else copy_rows_plain(source, outerStride, innerStride, target, outer, inner, width);
}

__attribute__((target("avx2")))
static void transpose_avx2(const float *source, long sourceStride, float *target, long targetStride, long rows, long columns) {
    const long wholeRows = rows & ~7L, wholeColumns = columns & ~7L;
    for (long c = 0; c < wholeColumns; c += 8) {
        for (long r = 0; r < wholeRows; r += 8) {
            const float *s = source + c * sourceStride + r;
            __m256 x0 = _mm256_loadu_ps(s), x1 = _mm256_loadu_ps(s + sourceStride),
                   x2 = _mm256_loadu_ps(s + 2 * sourceStride), x3 = _mm256_loadu_ps(s + 3 * sourceStride),
                   x4 = _mm256_loadu_ps(s + 4 * sourceStride), x5 = _mm256_loadu_ps(s + 5 * sourceStride),
                   x6 = _mm256_loadu_ps(s + 6 * sourceStride), x7 = _mm256_loadu_ps(s + 7 * sourceStride);
            __m256 t0 = _mm256_unpacklo_ps(x0, x1), t1 = _mm256_unpackhi_ps(x0, x1), t2 = _mm256_unpacklo_ps(x2, x3),
                   t3 = _mm256_unpackhi_ps(x2, x3), t4 = _mm256_unpacklo_ps(x4, x5), t5 = _mm256_unpackhi_ps(x4, x5),
                   t6 = _mm256_unpacklo_ps(x6, x7), t7 = _mm256_unpackhi_ps(x6, x7);
            __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)), u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2)),
                   u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)), u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2)),
                   u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0)), u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2)),
                   u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0)), u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
            float *t = target + r * targetStride + c;
            _mm256_storeu_ps(t, _mm256_permute2f128_ps(u0, u4, 0x20));
            _mm256_storeu_ps(t + targetStride, _mm256_permute2f128_ps(u1, u5, 0x20));
            _mm256_storeu_ps(t + 2 * targetStride, _mm256_permute2f128_ps(u2, u6, 0x20));
            _mm256_storeu_ps(t + 3 * targetStride, _mm256_permute2f128_ps(u3, u7, 0x20));
            _mm256_storeu_ps(t + 4 * targetStride, _mm256_permute2f128_ps(u0, u4, 0x31));
            _mm256_storeu_ps(t + 5 * targetStride, _mm256_permute2f128_ps(u1, u5, 0x31));
            _mm256_storeu_ps(t + 6 * targetStride, _mm256_permute2f128_ps(u2, u6, 0x31));
            _mm256_storeu_ps(t + 7 * targetStride, _mm256_permute2f128_ps(u3, u7, 0x31));
        }
    }
    /* The edges: rows past the last whole tile of the tiled columns, then the columns left. */
    transpose_plain(source, sourceStride, target, targetStride, rows, columns, wholeRows, wholeColumns);
}

void seqlens_transpose(const float *source, long sourceStride, float *target, long targetStride, long rows, long columns) {
    if (__builtin_cpu_supports("avx2")) transpose_avx2(source, sourceStride, target, targetStride, rows, columns);
    else transpose_plain(source, sourceStride, target, targetStride, rows, columns, 0, 0);
}
#else
void seqlens_copy_rows(const float *source, long outerStride, long innerStride, float *target, long outer, long inner, long width) {
    copy_rows_plain(source, outerStride, innerStride, target, outer, inner, width);
}

void seqlens_transpose(const float *source, long sourceStride, float *target, long targetStride, long rows, long columns) {
    transpose_plain(source, sourceStride, target, targetStride, rows, columns, 0, 0);
}
#endif
