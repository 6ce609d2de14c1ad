#include "CVectorMath.h"
#include <string.h>

/* Compiled three times (AVX-512, AVX2+FMA, baseline) as vector_math.c's kernels are; always_inline
   so that each copy specialises the block shapes below into registers. */
#define KERNEL static inline __attribute__((always_inline))

typedef float lanes16 __attribute__((vector_size(64), aligned(4)));
typedef int lanes16i __attribute__((vector_size(64), aligned(4)));

/* Output positions per vector; filters per register block (four vectors each at most). */
enum { LANES = 16, FILTER_BLOCK = 4 };

static long padded_width(long count, long kernel, long dilation) {
    return (count + LANES - 1) / LANES * LANES + (kernel - 1) * dilation;
}

long seqlens_direct_convolution_scratch(const seqlens_convolution *shape, long count) {
    return shape->channels * padded_width(count, shape->kernel, shape->dilation);
}

/* Stores `accumulator` (ReLU'd if asked) as positions [start, start + LANES) of row `target`,
   only the first `valid − start`. */
KERNEL void store_vector(const lanes16 *accumulator, int relu, float *target, long start, long valid) {
    lanes16 a = *accumulator;
    if (relu) a = (lanes16)((lanes16i)a & (a > 0));
    long count = valid - start;
    if (count >= LANES) {
        memcpy(target + start, &a, sizeof(lanes16));
    } else if (count > 0) {
        float tail[LANES];
        memcpy(tail, &a, sizeof(lanes16));
        memcpy(target + start, tail, count * sizeof(float));
    }
}

/* Outputs (`filters` filters, LANES·`vectors` positions from the block's start) as filters ×
   vectors accumulators: per (channel, tap), `vectors` loads of the padded input and one
   broadcast weight per filter. Only the first `valid` positions are stored. The accumulators
   are named variables, not an array: clang kept an array in memory through the loop. */
KERNEL void direct_block(const float *rows, long rowWidth, long channels, long kernel, long dilation,
                         const float *w, long filterStride, const int filters, const int vectors,
                         const float *bias, int relu, float *y, long outW, long valid) {
#define FILTERS(M) M(0) M(1) M(2) M(3)
#define DECLARE(f) lanes16 a##f##0, a##f##1, a##f##2, a##f##3; \
    { float b = bias && filters > f ? bias[f] : 0.0f; a##f##0 = a##f##1 = a##f##2 = a##f##3 = (lanes16){0} + b; }
    FILTERS(DECLARE)
    /* One loop over (channel, tap) pairs, whose weights lie side by side in each filter's row. */
    const float *row = rows, *p = rows;
    long k = 0;
    for (long t = 0; t < channels * kernel; t++) {
        lanes16 x0, x1 = {0}, x2 = {0}, x3 = {0};
        memcpy(&x0, p, sizeof(lanes16));
        if (vectors > 1) memcpy(&x1, p + LANES, sizeof(lanes16));
        if (vectors > 2) memcpy(&x2, p + 2 * LANES, sizeof(lanes16));
        if (vectors > 3) memcpy(&x3, p + 3 * LANES, sizeof(lanes16));
#define MULTIPLY_ADD(f) if (filters > f) { float weight = w[f * filterStride + t]; a##f##0 += weight * x0; \
        if (vectors > 1) a##f##1 += weight * x1; if (vectors > 2) a##f##2 += weight * x2; if (vectors > 3) a##f##3 += weight * x3; }
        FILTERS(MULTIPLY_ADD)
        if (++k == kernel) {
            k = 0;
            row += rowWidth;
            p = row;
        } else {
            p += dilation;
        }
    }
#define STORE(f) if (filters > f) { float *target = y + f * outW; store_vector(&a##f##0, relu, target, 0, valid); \
    if (vectors > 1) store_vector(&a##f##1, relu, target, LANES, valid); \
    if (vectors > 2) store_vector(&a##f##2, relu, target, 2 * LANES, valid); \
    if (vectors > 3) store_vector(&a##f##3, relu, target, 3 * LANES, valid); }
    FILTERS(STORE)
#undef STORE
#undef MULTIPLY_ADD
#undef DECLARE
#undef FILTERS
}

/* The block shapes as constants, so that the accumulators live in registers. */
KERNEL void direct_block_dispatch(const float *rows, long rowWidth, long channels, long kernel, long dilation,
                                  const float *w, long filterStride, int filters, int vectors,
                                  const float *bias, int relu, float *y, long outW, long valid) {
#define BLOCK(F, V) direct_block(rows, rowWidth, channels, kernel, dilation, w, filterStride, F, V, bias, relu, y, outW, valid)
#define VECTORS(F) switch (vectors) { case 1: BLOCK(F, 1); break; case 2: BLOCK(F, 2); break; \
                                      case 3: BLOCK(F, 3); break; default: BLOCK(F, 4); }
    switch (filters) {
    case 1: VECTORS(1); break;
    case 2: VECTORS(2); break;
    case 3: VECTORS(3); break;
    default: VECTORS(4);
    }
#undef VECTORS
#undef BLOCK
}

/* `maxVectors` vectors of positions per block: 4 with 32 vector registers (AVX-512, 16
   accumulators), 1 with 16 (AVX2, where a 16-lane vector is two registers). */
KERNEL void direct_convolution(const seqlens_convolution *shape, const float *x, const float *w, const float *bias,
                               int relu, float *y, long first, long count, float *scratch, const int maxVectors) {
    long channels = shape->channels, inW = shape->inW, kernel = shape->kernel, dilation = shape->dilation;
    /* Row j of the scratch holds input position first + j − padBegin, zero outside [0, inW), far
       enough that every tap of every vector (whole vectors past the block too) reads inside it. */
    long rowWidth = padded_width(count, kernel, dilation), origin = first - shape->padBegin;
    /* [low, high): the part of the row inside the input (empty for a block in the padding). */
    long low = origin < 0 ? -origin : 0, high = inW - origin;
    if (low > rowWidth) low = rowWidth;
    if (high > rowWidth) high = rowWidth;
    if (high < low) high = low;
    for (long c = 0; c < channels; c++) {
        float *row = scratch + c * rowWidth;
        memset(row, 0, low * sizeof(float));
        memcpy(row + low, x + c * inW + origin + low, (high - low) * sizeof(float));
        memset(row + high, 0, (rowWidth - high) * sizeof(float));
    }
    long filterStride = channels * kernel, outW = shape->outW;
    for (long f = 0; f < shape->filters; f += FILTER_BLOCK) {
        int blockFilters = shape->filters - f < FILTER_BLOCK ? (int)(shape->filters - f) : FILTER_BLOCK;
        for (long o = 0; o < count; o += (long)maxVectors * LANES) {
            long remaining = count - o;
            int vectors = (int)((remaining + LANES - 1) / LANES);
            if (vectors > maxVectors) vectors = maxVectors;
            direct_block_dispatch(scratch + o, rowWidth, channels, kernel, dilation, w + f * filterStride, filterStride,
                                  blockFilters, vectors, bias ? bias + f : 0, relu, y + f * outW + first + o, outW,
                                  remaining);
        }
    }
}

#define ARGUMENTS const seqlens_convolution *shape, const float *x, const float *w, const float *bias, int relu, float *y, \
                  long first, long count, float *scratch
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx512f")))
static void direct_convolution_avx512(ARGUMENTS) {
    direct_convolution(shape, x, w, bias, relu, y, first, count, scratch, 4);
}

__attribute__((target("avx2,fma")))
static void direct_convolution_avx2(ARGUMENTS) {
    direct_convolution(shape, x, w, bias, relu, y, first, count, scratch, 1);
}

void seqlens_direct_convolution(ARGUMENTS) {
    if (__builtin_cpu_supports("avx512f")) direct_convolution_avx512(shape, x, w, bias, relu, y, first, count, scratch);
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        direct_convolution_avx2(shape, x, w, bias, relu, y, first, count, scratch);
    else direct_convolution(shape, x, w, bias, relu, y, first, count, scratch, 1);
}
#else
void seqlens_direct_convolution(ARGUMENTS) {
    direct_convolution(shape, x, w, bias, relu, y, first, count, scratch, 4);
}
#endif
