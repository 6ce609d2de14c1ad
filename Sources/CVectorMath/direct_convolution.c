#include "CVectorMath.h"
#include <string.h>

/* Compiled three times (AVX-512, AVX2+FMA, baseline) as vector_math.c's kernels are; always_inline
   so that each copy specialises the block shapes below into registers. */
#define KERNEL static inline __attribute__((always_inline))

typedef float lanes16 __attribute__((vector_size(64), aligned(4)));
typedef int lanes16i __attribute__((vector_size(64), aligned(4)));
typedef float lanes8 __attribute__((vector_size(32), aligned(4)));
typedef int lanes8i __attribute__((vector_size(32), aligned(4)));

/* Rows are padded to a multiple of LANES positions, so that a block's last vectors (16 lanes,
   or on AVX2 two of 8) read inside the row. */
enum { LANES = 16 };

static long padded_width(long count, long kernel, long dilation) {
    return (count + LANES - 1) / LANES * LANES + (kernel - 1) * dilation;
}

long seqlens_direct_convolution_scratch(const seqlens_convolution *shape, long count) {
    return shape->channels * padded_width(count, shape->kernel, shape->dilation);
}

/* The register block, once per vector type (VEC of WIDTH floats): outputs of `filters` filters ×
   `vectors`·WIDTH positions from the block's start as named accumulators (clang kept an array in
   memory through the loop); per (channel, tap), `vectors` loads of the padded input and one
   broadcast weight per filter. Only the first `valid` positions are stored, ReLU'd if asked.
   AVX-512 runs 4 filters × 4 vectors of 16 (16 of its 32 registers); AVX2 6 filters × 2
   vectors of 8 (12 of its 16), where 4 × 1 vector of 16 (two registers each) left the FMA
   units waiting: 6 loads per 8 multiply-adds against 8 per 12. */
#define DIRECT_BLOCK(NAME, VEC, VECI, WIDTH)                                                                       \
KERNEL void NAME##_store(const VEC *accumulator, int relu, float *target, long start, long valid) {              \
    VEC a = *accumulator;                                                                                           \
    if (relu) a = (VEC)((VECI)a & (a > 0));                                                                         \
    long count = valid - start;                                                                                     \
    if (count >= WIDTH) {                                                                                           \
        memcpy(target + start, &a, sizeof(VEC));                                                                    \
    } else if (count > 0) {                                                                                         \
        float tail[WIDTH];                                                                                          \
        memcpy(tail, &a, sizeof(VEC));                                                                              \
        memcpy(target + start, tail, count * sizeof(float));                                                        \
    }                                                                                                               \
}                                                                                                                   \
KERNEL void NAME(const float *rows, long rowWidth, long channels, long kernel, long dilation,                        \
                 const float *w, long filterStride, const int filters, const int vectors,                           \
                 const float *bias, int relu, float *y, long outW, long valid) {                                    \
    FILTERS(DECLARE, VEC)                                                                                           \
    /* One loop over (channel, tap) pairs, whose weights lie side by side in each filter's row. */                  \
    const float *row = rows, *p = rows;                                                                             \
    long k = 0;                                                                                                     \
    for (long t = 0; t < channels * kernel; t++) {                                                                  \
        VEC x0, x1 = {0}, x2 = {0}, x3 = {0};                                                                       \
        memcpy(&x0, p, sizeof(VEC));                                                                                \
        if (vectors > 1) memcpy(&x1, p + WIDTH, sizeof(VEC));                                                       \
        if (vectors > 2) memcpy(&x2, p + 2 * WIDTH, sizeof(VEC));                                                   \
        if (vectors > 3) memcpy(&x3, p + 3 * WIDTH, sizeof(VEC));                                                   \
        FILTERS(MULTIPLY_ADD, VEC)                                                                                  \
        if (++k == kernel) {                                                                                        \
            k = 0;                                                                                                  \
            row += rowWidth;                                                                                        \
            p = row;                                                                                                \
        } else {                                                                                                    \
            p += dilation;                                                                                          \
        }                                                                                                           \
    }                                                                                                               \
    FILTERS(STORE, NAME##_store)                                                                                    \
}
/* Per filter f of the block (at most six): its four accumulators, their update, their stores. */
#define FILTERS(M, A) M(0, A) M(1, A) M(2, A) M(3, A) M(4, A) M(5, A)
#define DECLARE(f, VEC) VEC a##f##0, a##f##1, a##f##2, a##f##3; \
    { float b = bias && filters > f ? bias[f] : 0.0f; a##f##0 = a##f##1 = a##f##2 = a##f##3 = (VEC){0} + b; }
#define MULTIPLY_ADD(f, VEC) if (filters > f) { float weight = w[f * filterStride + t]; a##f##0 += weight * x0; \
    if (vectors > 1) a##f##1 += weight * x1; if (vectors > 2) a##f##2 += weight * x2; if (vectors > 3) a##f##3 += weight * x3; }
#define STORE(f, store) if (filters > f) { float *target = y + f * outW; store(&a##f##0, relu, target, 0, valid); \
    if (vectors > 1) store(&a##f##1, relu, target, sizeof(a##f##1) / 4, valid); \
    if (vectors > 2) store(&a##f##2, relu, target, 2 * sizeof(a##f##2) / 4, valid); \
    if (vectors > 3) store(&a##f##3, relu, target, 3 * sizeof(a##f##3) / 4, valid); }
DIRECT_BLOCK(block16, lanes16, lanes16i, 16)
DIRECT_BLOCK(block8, lanes8, lanes8i, 8)
#undef STORE
#undef MULTIPLY_ADD
#undef DECLARE
#undef FILTERS
#undef DIRECT_BLOCK

/* The block shapes as constants, so that the accumulators live in registers. */
KERNEL void direct_block_dispatch(const float *rows, long rowWidth, long channels, long kernel, long dilation,
                                  const float *w, long filterStride, int filters, int vectors,
                                  const float *bias, int relu, float *y, long outW, long valid, const int width) {
#define BLOCK(F, V) do { if (width == 16) block16(rows, rowWidth, channels, kernel, dilation, w, filterStride, F, V, bias, relu, y, outW, valid); \
                         else block8(rows, rowWidth, channels, kernel, dilation, w, filterStride, F, V, bias, relu, y, outW, valid); } while (0)
#define VECTORS(F) switch (vectors) { case 1: BLOCK(F, 1); break; case 2: BLOCK(F, 2); break; \
                                      case 3: if (width == 16) BLOCK(F, 3); break; default: if (width == 16) BLOCK(F, 4); }
    switch (filters) {
    case 1: VECTORS(1); break;
    case 2: VECTORS(2); break;
    case 3: VECTORS(3); break;
    case 4: VECTORS(4); break;
    case 5: if (width == 8) VECTORS(5); break;
    default: if (width == 8) VECTORS(6);
    }
#undef VECTORS
#undef BLOCK
}

/* Blocks of `maxFilters` filters × `maxVectors` vectors of `width` positions (DIRECT_BLOCK). */
KERNEL void direct_convolution(const seqlens_convolution *shape, const float *x, const float *w, const float *bias,
                               int relu, float *y, long first, long count, float *scratch,
                               const int maxFilters, const int maxVectors, const int width) {
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
    for (long f = 0; f < shape->filters; f += maxFilters) {
        int blockFilters = shape->filters - f < maxFilters ? (int)(shape->filters - f) : maxFilters;
        for (long o = 0; o < count; o += (long)maxVectors * width) {
            long remaining = count - o;
            int vectors = (int)((remaining + width - 1) / width);
            if (vectors > maxVectors) vectors = maxVectors;
            direct_block_dispatch(scratch + o, rowWidth, channels, kernel, dilation, w + f * filterStride, filterStride,
                                  blockFilters, vectors, bias ? bias + f : 0, relu, y + f * outW + first + o, outW,
                                  remaining, width);
        }
    }
}

/* Every non-zero dy[f, o] adds dy[f, o] · w[f, :, t] to the row of input position
   q = o + t·dilation − padBegin of each tap t: rows of channels, contiguous in the transposed
   gradient and in the tap-major weights (with dilation 1 all taps' rows at once), one
   multiply-add loop the compiler vectorises. Only the rows in [first, end) are written. */
KERNEL void sparse_input_gradient(const seqlens_convolution *shape, const float *dy, const float *tapMajor, float *dxT,
                                  long first, long count) {
    long channels = shape->channels, kernel = shape->kernel, dilation = shape->dilation, pad = shape->padBegin;
    long end = first + count, span = (kernel - 1) * dilation;
    /* The outputs whose taps reach [first, end). */
    long low = first + pad - span, high = end + pad;
    if (low < 0) low = 0;
    if (high > shape->outW) high = shape->outW;
    for (long f = 0; f < shape->filters; f++) {
        const float *gradient = dy + f * shape->outW, *weights = tapMajor + f * kernel * channels;
        for (long o = low; o < high; o++) {
            float v = gradient[o];
            if (v == 0) continue;
            /* Taps [tLow, tHigh) land inside [first, end). */
            long origin = o - pad, tLow = 0, tHigh = kernel;
            if (origin < first) tLow = (first - origin + dilation - 1) / dilation;
            if (origin + span >= end) tHigh = (end - origin + dilation - 1) / dilation;
            if (tLow >= tHigh) continue;
            if (dilation == 1) {
                const float *source = weights + tLow * channels;
                float *target = dxT + (origin + tLow) * channels;
                for (long c = 0; c < (tHigh - tLow) * channels; c++) target[c] += v * source[c];
            } else {
                for (long t = tLow; t < tHigh; t++) {
                    const float *source = weights + t * channels;
                    float *target = dxT + (origin + t * dilation) * channels;
                    for (long c = 0; c < channels; c++) target[c] += v * source[c];
                }
            }
        }
    }
}

#define ARGUMENTS const seqlens_convolution *shape, const float *x, const float *w, const float *bias, int relu, float *y, \
                  long first, long count, float *scratch
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx512f")))
static void direct_convolution_avx512(ARGUMENTS) {
    direct_convolution(shape, x, w, bias, relu, y, first, count, scratch, 4, 4, 16);
}

__attribute__((target("avx2,fma")))
static void direct_convolution_avx2(ARGUMENTS) {
    direct_convolution(shape, x, w, bias, relu, y, first, count, scratch, 6, 2, 8);
}

void seqlens_direct_convolution(ARGUMENTS) {
    if (__builtin_cpu_supports("avx512f")) direct_convolution_avx512(shape, x, w, bias, relu, y, first, count, scratch);
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        direct_convolution_avx2(shape, x, w, bias, relu, y, first, count, scratch);
    else direct_convolution(shape, x, w, bias, relu, y, first, count, scratch, 4, 1, 16);
}
#else
void seqlens_direct_convolution(ARGUMENTS) {
    direct_convolution(shape, x, w, bias, relu, y, first, count, scratch, 4, 4, 16);
}
#endif

#define SPARSE_ARGUMENTS const seqlens_convolution *shape, const float *dy, const float *tapMajor, float *dxT, long first, long count
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx2,fma")))
static void sparse_input_gradient_avx2(SPARSE_ARGUMENTS) {
    sparse_input_gradient(shape, dy, tapMajor, dxT, first, count);
}

void seqlens_sparse_convolution_input_gradient(SPARSE_ARGUMENTS) {
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) sparse_input_gradient_avx2(shape, dy, tapMajor, dxT, first, count);
    else sparse_input_gradient(shape, dy, tapMajor, dxT, first, count);
}
#else
void seqlens_sparse_convolution_input_gradient(SPARSE_ARGUMENTS) {
    sparse_input_gradient(shape, dy, tapMajor, dxT, first, count);
}
#endif
