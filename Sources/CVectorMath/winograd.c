#include "CVectorMath.h"
#include <string.h>

/* Compiled for AVX2 + FMA where the CPU has them, and for baseline x86-64, as the other kernels
   are: the loops are over contiguous tiles, which the compiler vectorises. */
#define KERNEL static inline __attribute__((always_inline))

KERNEL void winograd_input(const seqlens_winograd *shape, const float *x, long channels, long inW, long padBegin,
                           long firstTile, long tiles, float *v, float *phases) {
    long m = shape->m, n = shape->n;
    /* Phase q holds the input at positions (firstTile + s)·m + q − padBegin, so that tap l of tile
       u is phase l mod m at s = u + l / m: every row below reads it contiguously. */
    long span = tiles + (n - 1) / m;
    for (long c = 0; c < channels; c++) {
        const float *row = x + c * inW;
        for (long q = 0; q < m; q++) {
            float *phase = phases + q * span;
            long origin = firstTile * m + q - padBegin;
            for (long s = 0; s < span; s++) {
                long position = origin + s * m;
                phase[s] = position >= 0 && position < inW ? row[position] : 0.0f;
            }
        }
        for (long xi = 0; xi < n; xi++) {
            float *target = v + (xi * channels + c) * tiles;
            memset(target, 0, tiles * sizeof(float));
            for (long l = 0; l < n; l++) {
                float coefficient = shape->inputTransform[xi * n + l];
                if (coefficient == 0) continue;
                const float *source = phases + (l % m) * span + l / m;
                for (long u = 0; u < tiles; u++) target[u] += coefficient * source[u];
            }
        }
    }
}

KERNEL void winograd_output(const seqlens_winograd *shape, const float *product, long filters, long tiles,
                            const float *bias, int relu, float *y, long outW, long first, long count, float *scratch) {
    long m = shape->m, n = shape->n;
    for (long f = 0; f < filters; f++) {
        for (long i = 0; i < m; i++) {
            float *target = scratch + i * tiles;
            memset(target, 0, tiles * sizeof(float));
            for (long xi = 0; xi < n; xi++) {
                float coefficient = shape->outputTransform[i * n + xi];
                if (coefficient == 0) continue;
                const float *source = product + (xi * filters + f) * tiles;
                for (long t = 0; t < tiles; t++) target[t] += coefficient * source[t];
            }
        }
        /* Interleaved back by tile (an index divided by m per output cost more than the products
           on narrow layers). */
        float b = bias ? bias[f] : 0.0f, *row = y + f * outW + first;
        for (long t = 0, o = 0; o < count; t++) {
            for (long i = 0; i < m && o < count; i++, o++) {
                float value = scratch[i * tiles + t] + b;
                row[o] = relu && !(value > 0) ? 0.0f : value;
            }
        }
    }
}

#define INPUT_ARGUMENTS const seqlens_winograd *shape, const float *x, long channels, long inW, long padBegin, \
                        long firstTile, long tiles, float *v, float *phases
#define OUTPUT_ARGUMENTS const seqlens_winograd *shape, const float *product, long filters, long tiles, const float *bias, \
                         int relu, float *y, long outW, long first, long count, float *scratch
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx2,fma")))
static void winograd_input_avx2(INPUT_ARGUMENTS) {
    winograd_input(shape, x, channels, inW, padBegin, firstTile, tiles, v, phases);
}

__attribute__((target("avx2,fma")))
static void winograd_output_avx2(OUTPUT_ARGUMENTS) {
    winograd_output(shape, product, filters, tiles, bias, relu, y, outW, first, count, scratch);
}

void seqlens_winograd_input(INPUT_ARGUMENTS) {
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        winograd_input_avx2(shape, x, channels, inW, padBegin, firstTile, tiles, v, phases);
    else winograd_input(shape, x, channels, inW, padBegin, firstTile, tiles, v, phases);
}

void seqlens_winograd_output(OUTPUT_ARGUMENTS) {
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        winograd_output_avx2(shape, product, filters, tiles, bias, relu, y, outW, first, count, scratch);
    else winograd_output(shape, product, filters, tiles, bias, relu, y, outW, first, count, scratch);
}
#else
void seqlens_winograd_input(INPUT_ARGUMENTS) {
    winograd_input(shape, x, channels, inW, padBegin, firstTile, tiles, v, phases);
}

void seqlens_winograd_output(OUTPUT_ARGUMENTS) {
    winograd_output(shape, product, filters, tiles, bias, relu, y, outW, first, count, scratch);
}
#endif
