#include "CVectorMath.h"
#include <math.h>
#include <string.h>

/* The kernels are written once and compiled twice: inlined into an AVX2+FMA function and into
   the baseline one. Without always_inline the compiler may call the baseline copy from the
   AVX2 one, and nothing runs wide. */
#define KERNEL static inline __attribute__((always_inline))

/* Eigen's rational approximation of tanh (odd degree 13 over even degree 6) on [-7.9, 7.9],
   where float tanh saturates; branch-free so that compilers vectorise it. */
KERNEL void scaled_tanh(float *p, long count, float inputScale, float outputScale, float offset) {
    const float bound = 7.90531110763549805f;
    for (long k = 0; k < count; k++) {
        float x = p[k] * inputScale;
        float xc = x > bound ? bound : (x < -bound ? -bound : x);
        float x2 = xc * xc;
        float n = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
        n = n * x2 + -8.60467152213735e-11f;
        n = n * x2 + 5.12229709037114e-08f;
        n = n * x2 + 1.48572235717979e-05f;
        n = n * x2 + 6.37261928875436e-04f;
        n = n * x2 + 4.89352455891786e-03f;
        float d = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
        d = d * x2 + 2.26843463243900e-03f;
        d = d * x2 + 4.89352518554385e-03f;
        /* Near 0 the quotient loses relative accuracy; tanh(x) = x to float precision there. */
        float t = x2 < 0.0004f * 0.0004f ? xc : xc * n / d;
        p[k] = t * outputScale + offset;
    }
}

/* Eigen's rational approximation of erf (odd degree 13 over even degree 8) on [-4, 4], where
   float erf saturates; a few ulp, relative accuracy kept near 0, NaN propagates (both clamps'
   comparisons fail). */
KERNEL float erf_approx(float x) {
        float xc = x > 4.0f ? 4.0f : (x < -4.0f ? -4.0f : x);
        float x2 = xc * xc;
        float n = x2 * -2.72614225801306e-10f + 2.77068142495902e-08f;
        n = n * x2 + -2.10102402082508e-06f;
        n = n * x2 + -5.69250639462346e-05f;
        n = n * x2 + -7.34990630326855e-04f;
        n = n * x2 + -2.95459980854025e-03f;
        n = n * x2 + -1.60960333262415e-02f;
        float d = x2 * -1.45660718464996e-05f + -2.13374055278905e-04f;
        d = d * x2 + -1.68282697438203e-03f;
        d = d * x2 + -7.37332916720468e-03f;
        d = d * x2 + -1.42647390514189e-02f;
        return xc * n / d;
}

KERNEL void erf_in_place(float *p, long count) {
    for (long k = 0; k < count; k++) p[k] = erf_approx(p[k]);
}

/* Cephes expf, branch-free so that compilers vectorise it: x = n ln2 + r, exp(r) by a degree-6
   polynomial, 2^n through the exponent bits. Below -87.3 (where expf leaves the normal range)
   it returns 2^-126 · exp(r) ~ 1e-38, which a softmax sum of at least 1 cannot tell from 0. */
KERNEL float exp_approx(float x) {
    const float hi = 88.3762626647949f, lo = -87.3365447504f;
    float xc = x > hi ? hi : (x < lo ? lo : x);
    float n = floorf(xc * 1.44269504088896341f + 0.5f);
    float r = xc - n * 0.693359375f - n * -2.12194440e-4f;
    float y = 1.9875691500e-4f;
    y = y * r + 1.3981999507e-3f;
    y = y * r + 8.3334519073e-3f;
    y = y * r + 4.1665795894e-2f;
    y = y * r + 1.6666665459e-1f;
    y = y * r + 5.0000001201e-1f;
    y = y * (r * r) + r + 1.0f;
    int bits = ((int)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    /* NaN fails both clamps' comparisons and stays NaN through the arithmetic. */
    return x != x ? x : y * scale;
}

/* tanh(x) = sign(x) (1 − 2 / (e^{2|x|} + 1)): 1 − y carries exp's relative accuracy, so the
   gradient 1 − y² near saturation is as good as libm's (a rational fit's absolute error is not).
   Below |x| = 1/4 the difference cancels; the Taylor series to x¹¹ is exact to float there. */
KERNEL float tanh_approx(float x) {
        float a = x < 0 ? -x : x;
        float e = exp_approx(2.0f * (a > 44.0f ? 44.0f : a));
        float large = 1.0f - 2.0f / (e + 1.0f);
        float x2 = x * x;
        float small = x + x * x2 * (-1.0f / 3.0f + x2 * (2.0f / 15.0f + x2 * (-17.0f / 315.0f
                      + x2 * (62.0f / 2835.0f + x2 * (-1382.0f / 155925.0f)))));
        float y = a < 0.25f ? small : (x < 0 ? -large : large);
        /* NaN fails every comparison above and would come out as ±1: keep it NaN. */
        return x != x ? x : y;
}

KERNEL void tanh_in_place(float *p, long count) {
    for (long k = 0; k < count; k++) p[k] = tanh_approx(p[k]);
}

/* GELU as its definitions read (PyTorch's and onnxruntime's), the tanh form rewritten as
   0.5 x (1 + tanh u) = x / (1 + e^{-2u}): one exp and one division, where tanh_approx computes
   both its branches (half the time on AVX2), and no cancellation of 1 + tanh for x ≪ 0. */
KERNEL void gelu_in_place(float *p, long count, int tanhApproximation) {
    if (tanhApproximation) {
        for (long k = 0; k < count; k++) {
            float x = p[k];
            p[k] = x / (1.0f + exp_approx(-1.5957691216057308f * (x + 0.044715f * x * x * x)));
        }
    } else {
        for (long k = 0; k < count; k++) {
            float x = p[k];
            p[k] = 0.5f * x * (1.0f + erf_approx(x * 0.7071067811865476f));
        }
    }
}

/* exp in place. exp_approx stops at 88.38; up to expf's overflow (88.72) the top range is
   (e^(x/2))², exact halving where subtracting ln 2 would round; beyond it +∞; below expf's normal range (-87.3) the result is 0 (expf's is a
   denormal). */
KERNEL void exp_in_place(float *p, long count) {
    for (long k = 0; k < count; k++) {
        float x = p[k];
        float half = exp_approx(0.5f * x);
        float e = x > 88.0f ? half * half : exp_approx(x);
        p[k] = x > 88.7228393554688f ? INFINITY : (x < -87.3365447504f ? 0.0f : e);
    }
}

/* 1 / (1 + e^-x): relative accuracy kept where the sigmoid is small (x very negative), which
   a tanh form's absolute error would not. */
KERNEL void sigmoid_in_place(float *p, long count) {
    for (long k = 0; k < count; k++) p[k] = 1.0f / (1.0f + exp_approx(-p[k]));
}

/* Layer normalisation of `rows` rows of `size` values: mean and variance in eight partial sums
   (two passes: the variance of x − mean, not E[x²] − mean², which cancels), then
   y = (x − mean) · inverse · gamma + beta. */
KERNEL void layer_norm(const float *x, float *y, long rows, long size, const float *gamma, const float *beta,
                       float epsilon, float *means, float *inverses) {
    for (long row = 0; row < rows; row++) {
        const float *in = x + row * size;
        float *out = y + row * size;
        float partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        long k = 0;
        for (; k + 8 <= size; k += 8)
            for (int j = 0; j < 8; j++) partial[j] += in[k + j];
        float sum = 0;
        for (; k < size; k++) sum += in[k];
        for (int j = 0; j < 8; j++) sum += partial[j];
        float mean = sum / (float)size;
        float squares[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        for (k = 0; k + 8 <= size; k += 8)
            for (int j = 0; j < 8; j++) { float d = in[k + j] - mean; squares[j] += d * d; }
        float variance = 0;
        for (; k < size; k++) { float d = in[k] - mean; variance += d * d; }
        for (int j = 0; j < 8; j++) variance += squares[j];
        float inverse = 1.0f / sqrtf(variance / (float)size + epsilon);
        means[row] = mean;
        inverses[row] = inverse;
        if (beta)
            for (k = 0; k < size; k++) out[k] = (in[k] - mean) * inverse * gamma[k] + beta[k];
        else
            for (k = 0; k < size; k++) out[k] = (in[k] - mean) * inverse * gamma[k];
    }
}

/* a folded with v by max (0), min (1) or sum (2); max and min keep a NaN from either side. */
KERNEL float fold(float a, float v, int function) {
    if (function == 2) return a + v;
    if (a != a || v != v) return a + v;
    return function == 0 ? (v > a ? v : a) : (v < a ? v : a);
}

/* Max, min or sum over the middle axis of (outer, length, inner). With inner = 1 each row folds
   into eight partial results; otherwise whole rows of `inner` fold at once, in memory order.
   Max and min propagate NaN. */
KERNEL void reduce_run_by(const float *x, float *y, long outer, long length, long inner, int function) {
    for (long o = 0; o < outer; o++) {
        const float *in = x + o * length * inner;
        float *out = y + o * inner;
        if (inner == 1) {
            float init = function == 2 ? 0.0f : (length > 0 ? in[0] : (function == 0 ? -INFINITY : INFINITY));
            float lanes[8] = {init, init, init, init, init, init, init, init};
            long k = 0;
            for (; k + 8 <= length; k += 8)
                for (int j = 0; j < 8; j++) lanes[j] = fold(lanes[j], in[k + j], function);
            float r = lanes[0];
            for (int j = 1; j < 8; j++) r = fold(r, lanes[j], function);
            for (; k < length; k++) r = fold(r, in[k], function);
            out[0] = r;
            continue;
        }
        if (length == 0) {
            for (long i = 0; i < inner; i++) out[i] = function == 2 ? 0.0f : (function == 0 ? -INFINITY : INFINITY);
            continue;
        }
        for (long i = 0; i < inner; i++) out[i] = in[i];
        for (long r = 1; r < length; r++) {
            const float *slab = in + r * inner;
            for (long i = 0; i < inner; i++) out[i] = fold(out[i], slab[i], function);
        }
    }
}

/* The function as a constant in each copy, so that the loops compile without a branch inside. */
KERNEL void reduce_run(const float *x, float *y, long outer, long length, long inner, int function) {
    switch (function) {
    case 0: reduce_run_by(x, y, outer, length, inner, 0); break;
    case 1: reduce_run_by(x, y, outer, length, inner, 1); break;
    default: reduce_run_by(x, y, outer, length, inner, 2); break;
    }
}

KERNEL void softmax(float *p, long count, int logarithmic) {
    if (count <= 0) return;
    /* Eight partial maxima and sums: one running value would serialise the loop. */
    float peaks[8] = {p[0], p[0], p[0], p[0], p[0], p[0], p[0], p[0]};
    long m = 0;
    for (; m + 8 <= count; m += 8)
        for (int j = 0; j < 8; j++) peaks[j] = p[m + j] > peaks[j] ? p[m + j] : peaks[j];
    float maximum = p[0];
    for (; m < count; m++) maximum = p[m] > maximum ? p[m] : maximum;
    for (int j = 0; j < 8; j++) maximum = peaks[j] > maximum ? peaks[j] : maximum;
    float partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    long k = 0;
    if (logarithmic) {
        for (; k + 8 <= count; k += 8)
            for (int j = 0; j < 8; j++) partial[j] += exp_approx(p[k + j] - maximum);
    } else {
        for (; k + 8 <= count; k += 8)
            for (int j = 0; j < 8; j++) { p[k + j] = exp_approx(p[k + j] - maximum); partial[j] += p[k + j]; }
    }
    float sum = 0;
    for (; k < count; k++) {
        float e = exp_approx(p[k] - maximum);
        if (!logarithmic) p[k] = e;
        sum += e;
    }
    for (int j = 0; j < 8; j++) sum += partial[j];
    if (logarithmic) {
        /* (x − max) − log Σ keeps precision when |x| is large. */
        float logSum = logf(sum);
        for (k = 0; k < count; k++) p[k] = (p[k] - maximum) - logSum;
    } else {
        float inverse = 1.0f / sum;
        for (k = 0; k < count; k++) p[k] *= inverse;
    }
}

/* `softmax` of `rows` contiguous rows shorter than a vector (Enformer's attention pooling
   normalises 196,608 rows of two a batch of 64, where a call per row cost several times its
   arithmetic): the rows' maxima subtracted, then exp over all of them in whole vectors, then each
   row scaled by its sum. The same steps and sums as `softmax`, so the same values. */
KERNEL void softmax_short_rows(float *p, long rows, long count) {
    for (long r = 0; r < rows; r++) {
        float *row = p + r * count, maximum = row[0];
        for (long k = 1; k < count; k++) maximum = row[k] > maximum ? row[k] : maximum;
        for (long k = 0; k < count; k++) row[k] -= maximum;
    }
    for (long k = 0; k < rows * count; k++) p[k] = exp_approx(p[k]);
    for (long r = 0; r < rows; r++) {
        float *row = p + r * count, sum = 0;
        for (long k = 0; k < count; k++) sum += row[k];
        float inverse = 1.0f / sum;
        for (long k = 0; k < count; k++) row[k] *= inverse;
    }
}

/* Eight lanes as a GCC/clang vector: AVX2 registers in the AVX2 copy, two SSE halves in the
   baseline one. Unaligned (aligned(4)) so that it loads from any float pointer. */
typedef float lanes8 __attribute__((vector_size(32), aligned(4)));

/* out[r, j] = Σ_k state[r, k] · matrix[k, j]. Columns in blocks of 32 with the depth split
   into even and odd k: eight independent accumulators hide the FMA latency on one row. */
KERNEL void small_product(const float *state, long stateStride, long rows, long depth, const float *matrix,
                          long matrixStride, long width, float *out, long outStride) {
    for (long r = 0; r < rows; r++) {
        const float *s = state + r * stateStride;
        float *o = out + r * outStride;
        long j = 0;
        for (; j + 32 <= width; j += 32) {
            lanes8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, b0 = {0}, b1 = {0}, b2 = {0}, b3 = {0};
            long k = 0;
            for (; k + 2 <= depth; k += 2) {
                const float *m = matrix + k * matrixStride + j, *n = m + matrixStride;
                lanes8 x = (lanes8){0} + s[k], y = (lanes8){0} + s[k + 1];
                a0 += x * *(const lanes8 *)m; a1 += x * *(const lanes8 *)(m + 8);
                a2 += x * *(const lanes8 *)(m + 16); a3 += x * *(const lanes8 *)(m + 24);
                b0 += y * *(const lanes8 *)n; b1 += y * *(const lanes8 *)(n + 8);
                b2 += y * *(const lanes8 *)(n + 16); b3 += y * *(const lanes8 *)(n + 24);
            }
            if (k < depth) {
                const float *m = matrix + k * matrixStride + j;
                lanes8 x = (lanes8){0} + s[k];
                a0 += x * *(const lanes8 *)m; a1 += x * *(const lanes8 *)(m + 8);
                a2 += x * *(const lanes8 *)(m + 16); a3 += x * *(const lanes8 *)(m + 24);
            }
            a0 += b0; a1 += b1; a2 += b2; a3 += b3;
            *(lanes8 *)(o + j) = a0; *(lanes8 *)(o + j + 8) = a1;
            *(lanes8 *)(o + j + 16) = a2; *(lanes8 *)(o + j + 24) = a3;
        }
        for (; j + 8 <= width; j += 8) {
            lanes8 a = {0}, b = {0};
            long k = 0;
            for (; k + 2 <= depth; k += 2) {
                a += ((lanes8){0} + s[k]) * *(const lanes8 *)(matrix + k * matrixStride + j);
                b += ((lanes8){0} + s[k + 1]) * *(const lanes8 *)(matrix + (k + 1) * matrixStride + j);
            }
            if (k < depth) a += ((lanes8){0} + s[k]) * *(const lanes8 *)(matrix + k * matrixStride + j);
            a += b;
            *(lanes8 *)(o + j) = a;
        }
        for (; j < width; j++) {
            float a = 0.0f;
            for (long k = 0; k < depth; k++) a += s[k] * matrix[k * matrixStride + j];
            o[j] = a;
        }
    }
}

/* One LSTM cell (gates i, o, f, c), the same arithmetic as the general path in Recurrent.swift. */
KERNEL void lstm_cell(float *gates, const float *x, const float *bias, float *c, float *h, float *y, long n) {
    for (long k = 0; k < 4 * n; k++) gates[k] += x[k] + bias[k];
    scaled_tanh(gates, 3 * n, 0.5f, 0.5f, 0.5f);
    scaled_tanh(gates + 3 * n, n, 1.0f, 1.0f, 0.0f);
    const float *i = gates, *o = gates + n, *f = gates + 2 * n, *g = gates + 3 * n;
    for (long k = 0; k < n; k++) c[k] = f[k] * c[k] + i[k] * g[k];
    for (long k = 0; k < n; k++) h[k] = c[k];
    scaled_tanh(h, n, 1.0f, 1.0f, 0.0f);
    for (long k = 0; k < n; k++) { h[k] *= o[k]; y[k] = h[k]; }
}

/* One GRU cell with linear_before_reset (gates z, r, h), as the general path computes it. */
KERNEL void gru_cell(float *gates, const float *x, const float *bias, const float *recurrentBias, float *h, float *y, long n) {
    for (long k = 0; k < 2 * n; k++) gates[k] += x[k] + bias[k];
    scaled_tanh(gates, 2 * n, 0.5f, 0.5f, 0.5f);
    float *z = gates, *r = gates + n, *candidate = gates + 2 * n;
    for (long k = 0; k < n; k++)
        candidate[k] = x[2 * n + k] + bias[2 * n + k] + r[k] * (candidate[k] + recurrentBias[k]);
    scaled_tanh(candidate, n, 1.0f, 1.0f, 0.0f);
    for (long k = 0; k < n; k++) { h[k] = (1.0f - z[k]) * candidate[k] + z[k] * h[k]; y[k] = h[k]; }
}

/* The running maximum as x86's maxss computes it (a NaN value wins, a NaN maximum is replaced),
   so that each step is one instruction and the loops vectorise. */
KERNEL float running_max(float best, float v) { return best > v ? best : v; }

/* The usual kernel with its window's stride as a constant: only then does the loop load whole
   vectors and deinterleave them (3–7× a variable stride's time). */
#define MAX_POOL_UNROLLED(STRIDE, FOLD) \
    for (long o = 0; o < outW; o++) { const float *w = s + o * (STRIDE); t[o] = FOLD; }
#define FOLD2 running_max(w[0], w[1])
#define FOLD3 running_max(running_max(w[0], w[1]), w[2])
#define FOLD4 running_max(running_max(running_max(w[0], w[1]), w[2]), w[3])

/* Windows that lie inside each row, folded left to right; the usual kernels unrolled so that
   the loop over outputs vectorises. */
KERNEL void max_pool_rows(const float *x, float *y, long rows, long inW, long outW, long kernel, long stride) {
    /* Windows that tile each row exactly tile the rows laid end to end: one long row, so that
       short rows (ISM's windows, 9 outputs) run in whole vectors instead of scalar tails. */
    if (kernel == stride && inW == outW * stride) {
        outW *= rows;
        inW *= rows;
        rows = 1;
    }
    for (long r = 0; r < rows; r++) {
        const float *s = x + r * inW;
        float *t = y + r * outW;
        switch (kernel) {
        case 2:
            if (stride == 2) { MAX_POOL_UNROLLED(2, FOLD2) } else { MAX_POOL_UNROLLED(stride, FOLD2) }
            break;
        case 3:
            if (stride == 3) { MAX_POOL_UNROLLED(3, FOLD3) } else { MAX_POOL_UNROLLED(stride, FOLD3) }
            break;
        case 4:
            if (stride == 4) { MAX_POOL_UNROLLED(4, FOLD4) } else { MAX_POOL_UNROLLED(stride, FOLD4) }
            break;
        default:
            for (long o = 0; o < outW; o++) {
                const float *w = s + o * stride;
                float best = w[0];
                for (long k = 1; k < kernel; k++) best = running_max(best, w[k]);
                t[o] = best;
            }
        }
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

/* exp_approx sixteen lanes wide for x <= 0 (a softmax's x − max): the same steps, so the same
   values, with 2^n applied by scalef. max_ps returns its second operand when either is NaN,
   so a NaN passes the clamp, and the arithmetic after it, unchanged. */
__attribute__((target("avx512f")))
static inline __m512 exp_approx16(__m512 x) {
    __m512 xc = _mm512_max_ps(_mm512_set1_ps(-87.3365447504f), x);
    __m512 n = _mm512_roundscale_ps(_mm512_fmadd_ps(xc, _mm512_set1_ps(1.44269504088896341f), _mm512_set1_ps(0.5f)),
                                    _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), xc);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 y = _mm512_set1_ps(1.9875691500e-4f);
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(1.3981999507e-3f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(8.3334519073e-3f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(4.1665795894e-2f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(1.6666665459e-1f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(5.0000001201e-1f));
    y = _mm512_add_ps(_mm512_fmadd_ps(y, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(y, n);
}

/* Where the softmax below reads its j-th block of sixteen: whole blocks, and for a row that is
   not a multiple of sixteen a last block that ends with the row, overlapping the one before.
   (A masked tail store reaches into the next row, and that row's loads wait for it to reach
   the cache: attention rows of 125 ran at half the speed of rows of 128.) */
static inline long block_start(long count, int j) { return 16 * j + 16 <= count ? 16 * j : count - 16; }

/* The lanes of block j that no earlier block holds (those the sum counts). */
static inline __mmask16 new_lanes(long count, int j) {
    return 16 * j + 16 <= count ? 0xFFFF : (__mmask16)(0xFFFFu << (16 * j + 16 - count));
}

/* A row of 16 to 16·blocks values held in registers: loaded once, stored once. */
__attribute__((target("avx512f"), always_inline))
static inline void softmax_in_registers(float *p, long count, int logarithmic, const int blocks) {
    int used = (int)((count + 15) / 16);
    __m512 v[8], e[8];
    for (int j = 0; j < blocks; j++) if (j < used) v[j] = _mm512_loadu_ps(p + block_start(count, j));
    /* max_ps(a, b) returns b when either is NaN: a NaN in the row is skipped, as the scalar
       `v > peak ? v : peak` skips it, but a NaN first value stays (and makes every value NaN). */
    __m512 peak = v[0];
    for (int j = 1; j < blocks; j++) if (j < used) peak = _mm512_max_ps(v[j], peak);
    float maximum = p[0] != p[0] ? p[0] : _mm512_reduce_max_ps(peak);
    __m512 shift = _mm512_set1_ps(maximum), sums = _mm512_setzero_ps();
    for (int j = 0; j < blocks; j++)
        if (j < used) {
            e[j] = exp_approx16(_mm512_sub_ps(v[j], shift));
            sums = _mm512_mask_add_ps(sums, new_lanes(count, j), sums, e[j]);
        }
    float sum = _mm512_reduce_add_ps(sums);
    if (logarithmic) {
        /* (x − max) − log Σ keeps precision when |x| is large. */
        __m512 logSum = _mm512_set1_ps(logf(sum));
        for (int j = 0; j < blocks; j++)
            if (j < used) _mm512_storeu_ps(p + block_start(count, j), _mm512_sub_ps(_mm512_sub_ps(v[j], shift), logSum));
    } else {
        __m512 factor = _mm512_set1_ps(1.0f / sum);
        for (int j = 0; j < blocks; j++)
            if (j < used) _mm512_storeu_ps(p + block_start(count, j), _mm512_mul_ps(e[j], factor));
    }
}

/* `softmax` sixteen lanes wide for rows of at least 16, without a scalar tail (a tenth of an
   attention row of 125 scores, which cost as much as the rest). Rows of up to 128 values
   (attention over up to 128 positions) stay in registers; longer ones take three passes. */
__attribute__((target("avx512f")))
static void softmax_avx512(float *p, long count, int logarithmic) {
    if (count <= 32) { softmax_in_registers(p, count, logarithmic, 2); return; }
    if (count <= 64) { softmax_in_registers(p, count, logarithmic, 4); return; }
    if (count <= 128) { softmax_in_registers(p, count, logarithmic, 8); return; }
    int blocks = (int)((count + 15) / 16);
    __m512 peak = _mm512_set1_ps(p[0]);
    for (int j = 0; j < blocks; j++) peak = _mm512_max_ps(_mm512_loadu_ps(p + block_start(count, j)), peak);
    float maximum = p[0] != p[0] ? p[0] : _mm512_reduce_max_ps(peak);
    __m512 shift = _mm512_set1_ps(maximum), sums = _mm512_setzero_ps();
    /* Only new lanes are stored: the last block's others already hold the block before's results. */
    for (int j = 0; j < blocks; j++) {
        __m512 e = exp_approx16(_mm512_sub_ps(_mm512_loadu_ps(p + block_start(count, j)), shift));
        sums = _mm512_mask_add_ps(sums, new_lanes(count, j), sums, e);
        if (!logarithmic) _mm512_mask_storeu_ps(p + block_start(count, j), new_lanes(count, j), e);
    }
    float sum = _mm512_reduce_add_ps(sums);
    __m512 factor = _mm512_set1_ps(1.0f / sum), logSum = _mm512_set1_ps(logarithmic ? logf(sum) : 0);
    for (int j = 0; j < blocks; j++) {
        __m512 v = _mm512_loadu_ps(p + block_start(count, j));
        v = logarithmic ? _mm512_sub_ps(_mm512_sub_ps(v, shift), logSum) : _mm512_mul_ps(v, factor);
        _mm512_mask_storeu_ps(p + block_start(count, j), new_lanes(count, j), v);
    }
}

__attribute__((target("avx2,fma")))
static void scaled_tanh_avx2(float *p, long count, float inputScale, float outputScale, float offset) {
    scaled_tanh(p, count, inputScale, outputScale, offset);
}

void seqlens_scaled_tanh(float *p, long count, float inputScale, float outputScale, float offset) {
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) scaled_tanh_avx2(p, count, inputScale, outputScale, offset);
    else scaled_tanh(p, count, inputScale, outputScale, offset);
}

/* exp_approx eight lanes wide for x <= 0, the same steps as exp_approx16; 2^n goes into the
   exponent bits (n >= -126 after the clamp). max_ps returns its second operand when either is
   NaN, so a NaN passes the clamp and comes out NaN. */
__attribute__((target("avx2,fma")))
static inline __m256 exp_approx8(__m256 x) {
    __m256 xc = _mm256_max_ps(_mm256_set1_ps(-87.3365447504f), x);
    __m256 n = _mm256_floor_ps(_mm256_fmadd_ps(xc, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), xc);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_add_ps(_mm256_fmadd_ps(y, _mm256_mul_ps(r, r), r), _mm256_set1_ps(1.0f));
    __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(bits));
}

/* The sum of a vector's eight lanes. */
__attribute__((target("avx2,fma")))
static inline float sum8(__m256 v) {
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    return _mm_cvtss_f32(_mm_add_ss(q, _mm_movehdup_ps(q)));
}

/* `softmax` eight lanes wide for rows of at least 8, three passes without a scalar tail: a row
   that is not a multiple of eight ends with a block that overlaps the one before. That block is
   loaded before each pass overwrites its first lanes, and stored whole (its overlapping lanes
   get the values they already hold); the sum counts only its new lanes. AVX2's masked stores
   are slow on AMD, and the generic loop's scalar tail cost as much as the rest of a row of 125. */
__attribute__((target("avx2,fma")))
static void softmax_avx2(float *p, long count, int logarithmic) {
    if (count < 8) { softmax(p, count, logarithmic); return; }
    long whole = count & ~7L, last = count - 8;
    /* The last block's lanes that no whole block holds. */
    __m256i fresh = _mm256_cmpgt_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)(whole - last) - 1));
    __m256 p0 = _mm256_set1_ps(p[0]), p1 = p0;
    long k = 0;
    for (; k + 16 <= count; k += 16) {
        p0 = _mm256_max_ps(_mm256_loadu_ps(p + k), p0);
        p1 = _mm256_max_ps(_mm256_loadu_ps(p + k + 8), p1);
    }
    p0 = _mm256_max_ps(_mm256_loadu_ps(p + (k + 8 <= count ? k : last)), p0);
    p0 = _mm256_max_ps(_mm256_loadu_ps(p + last), _mm256_max_ps(p1, p0));
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(p0), _mm256_extractf128_ps(p0, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_movehdup_ps(h));
    /* As in the scalar kernel: a NaN first value makes every value NaN, later NaNs are skipped. */
    float maximum = p[0] != p[0] ? p[0] : _mm_cvtss_f32(h);
    __m256 shift = _mm256_set1_ps(maximum), s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    __m256 tail = _mm256_loadu_ps(p + last);
    for (k = 0; k + 16 <= whole; k += 16) {
        __m256 e0 = exp_approx8(_mm256_sub_ps(_mm256_loadu_ps(p + k), shift));
        __m256 e1 = exp_approx8(_mm256_sub_ps(_mm256_loadu_ps(p + k + 8), shift));
        s0 = _mm256_add_ps(s0, e0);
        s1 = _mm256_add_ps(s1, e1);
        if (!logarithmic) { _mm256_storeu_ps(p + k, e0); _mm256_storeu_ps(p + k + 8, e1); }
    }
    if (k < whole) {
        __m256 e = exp_approx8(_mm256_sub_ps(_mm256_loadu_ps(p + k), shift));
        s0 = _mm256_add_ps(s0, e);
        if (!logarithmic) _mm256_storeu_ps(p + k, e);
    }
    if (whole < count) {
        __m256 e = exp_approx8(_mm256_sub_ps(tail, shift));
        s1 = _mm256_add_ps(s1, _mm256_and_ps(e, _mm256_castsi256_ps(fresh)));
        if (!logarithmic) _mm256_storeu_ps(p + last, e);
    }
    float sum = sum8(_mm256_add_ps(s0, s1));
    __m256 factor = _mm256_set1_ps(1.0f / sum), logSum = _mm256_set1_ps(logarithmic ? logf(sum) : 0);
    tail = _mm256_loadu_ps(p + last);
    for (k = 0; k < whole; k += 8) {
        __m256 v = _mm256_loadu_ps(p + k);
        /* (x − max) − log Σ keeps precision when |x| is large. */
        v = logarithmic ? _mm256_sub_ps(_mm256_sub_ps(v, shift), logSum) : _mm256_mul_ps(v, factor);
        _mm256_storeu_ps(p + k, v);
    }
    if (whole < count)
        _mm256_storeu_ps(p + last, logarithmic ? _mm256_sub_ps(_mm256_sub_ps(tail, shift), logSum) : _mm256_mul_ps(tail, factor));
}

void seqlens_softmax(float *p, long count, int logarithmic) {
    if (count >= 16 && __builtin_cpu_supports("avx512f")) softmax_avx512(p, count, logarithmic);
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) softmax_avx2(p, count, logarithmic);
    else softmax(p, count, logarithmic);
}

__attribute__((target("avx2,fma")))
static void erf_avx2(float *p, long count) { erf_in_place(p, count); }

__attribute__((target("avx2,fma")))
static void tanh_avx2(float *p, long count) { tanh_in_place(p, count); }

void seqlens_tanh(float *p, long count) {
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) tanh_avx2(p, count);
    else tanh_in_place(p, count);
}

void seqlens_erf(float *p, long count) {
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) erf_avx2(p, count);
    else erf_in_place(p, count);
}

__attribute__((target("avx2,fma")))
static void exp_avx2(float *p, long count) { exp_in_place(p, count); }

__attribute__((target("avx2,fma")))
static void sigmoid_avx2(float *p, long count) { sigmoid_in_place(p, count); }

/* `layer_norm` eight lanes wide: the same two passes for the statistics, with two vector
   accumulators each (the generic loop's eight partial sums compiled to scalar code; transformer
   rows of 64 ran at 0.67 ns a value, here 0.51). */
__attribute__((target("avx2,fma")))
static void layer_norm_avx2(const float *x, float *y, long rows, long size, const float *gamma, const float *beta,
                            float epsilon, float *means, float *inverses) {
    long whole = size & ~7L;
    for (long row = 0; row < rows; row++) {
        const float *in = x + row * size;
        float *out = y + row * size;
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
        long k = 0;
        for (; k + 16 <= whole; k += 16) {
            s0 = _mm256_add_ps(s0, _mm256_loadu_ps(in + k));
            s1 = _mm256_add_ps(s1, _mm256_loadu_ps(in + k + 8));
        }
        if (k < whole) s0 = _mm256_add_ps(s0, _mm256_loadu_ps(in + k));
        float sum = sum8(_mm256_add_ps(s0, s1));
        for (k = whole; k < size; k++) sum += in[k];
        float mean = sum / (float)size;
        __m256 center = _mm256_set1_ps(mean);
        s0 = _mm256_setzero_ps();
        s1 = _mm256_setzero_ps();
        for (k = 0; k + 16 <= whole; k += 16) {
            __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(in + k), center), d1 = _mm256_sub_ps(_mm256_loadu_ps(in + k + 8), center);
            s0 = _mm256_fmadd_ps(d0, d0, s0);
            s1 = _mm256_fmadd_ps(d1, d1, s1);
        }
        if (k < whole) {
            __m256 d = _mm256_sub_ps(_mm256_loadu_ps(in + k), center);
            s0 = _mm256_fmadd_ps(d, d, s0);
        }
        float variance = sum8(_mm256_add_ps(s0, s1));
        for (k = whole; k < size; k++) { float d = in[k] - mean; variance += d * d; }
        float inverse = 1.0f / sqrtf(variance / (float)size + epsilon);
        means[row] = mean;
        inverses[row] = inverse;
        __m256 scale = _mm256_set1_ps(inverse);
        for (k = 0; k < whole; k += 8) {
            __m256 v = _mm256_mul_ps(_mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(in + k), center), scale), _mm256_loadu_ps(gamma + k));
            _mm256_storeu_ps(out + k, beta ? _mm256_add_ps(v, _mm256_loadu_ps(beta + k)) : v);
        }
        for (; k < size; k++) out[k] = (in[k] - mean) * inverse * gamma[k] + (beta ? beta[k] : 0.0f);
    }
}

__attribute__((target("avx2,fma")))
static void reduce_run_avx2(const float *x, float *y, long outer, long length, long inner, int function) {
    reduce_run(x, y, outer, length, inner, function);
}

static int has_avx2_fma(void) { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

__attribute__((target("avx2,fma")))
static void softmax_short_rows_avx2(float *p, long rows, long count) { softmax_short_rows(p, rows, count); }

void seqlens_softmax_short_rows(float *p, long rows, long count) {
    if (has_avx2_fma()) softmax_short_rows_avx2(p, rows, count); else softmax_short_rows(p, rows, count);
}

void seqlens_exp(float *p, long count) {
    if (has_avx2_fma()) exp_avx2(p, count); else exp_in_place(p, count);
}

void seqlens_sigmoid(float *p, long count) {
    if (has_avx2_fma()) sigmoid_avx2(p, count); else sigmoid_in_place(p, count);
}

void seqlens_layer_norm(const float *x, float *y, long rows, long size, const float *gamma, const float *beta,
                        float epsilon, float *means, float *inverses) {
    if (has_avx2_fma()) layer_norm_avx2(x, y, rows, size, gamma, beta, epsilon, means, inverses);
    else layer_norm(x, y, rows, size, gamma, beta, epsilon, means, inverses);
}

void seqlens_reduce_run(const float *x, float *y, long outer, long length, long inner, int function) {
    if (has_avx2_fma()) reduce_run_avx2(x, y, outer, length, inner, function);
    else reduce_run(x, y, outer, length, inner, function);
}

__attribute__((target("avx2,fma")))
static void gelu_avx2(float *p, long count, int tanhApproximation) { gelu_in_place(p, count, tanhApproximation); }

/* Sixteen lanes: GELU computes both of tanh's branches and a division per value, so it is
   arithmetic-bound where the other elementwise kernels wait on memory (Borzoi's GELUs were a
   third of a pass). */
__attribute__((target("avx512f,avx512dq,avx512vl,fma"), min_vector_width(512)))
static void gelu_avx512(float *p, long count, int tanhApproximation) { gelu_in_place(p, count, tanhApproximation); }

void seqlens_gelu(float *p, long count, int tanhApproximation) {
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) gelu_avx512(p, count, tanhApproximation);
    else if (has_avx2_fma()) gelu_avx2(p, count, tanhApproximation);
    else gelu_in_place(p, count, tanhApproximation);
}

__attribute__((target("avx2,fma")))
static void small_product_avx2(const float *state, long stateStride, long rows, long depth, const float *matrix,
                               long matrixStride, long width, float *out, long outStride) {
    small_product(state, stateStride, rows, depth, matrix, matrixStride, width, out, outStride);
}

void seqlens_small_product(const float *state, long stateStride, long rows, long depth, const float *matrix,
                           long matrixStride, long width, float *out, long outStride) {
    if (has_avx2_fma()) small_product_avx2(state, stateStride, rows, depth, matrix, matrixStride, width, out, outStride);
    else small_product(state, stateStride, rows, depth, matrix, matrixStride, width, out, outStride);
}

__attribute__((target("avx2,fma")))
static void lstm_cell_avx2(float *gates, const float *x, const float *bias, float *c, float *h, float *y, long n) {
    lstm_cell(gates, x, bias, c, h, y, n);
}

void seqlens_lstm_cell(float *gates, const float *x, const float *bias, float *c, float *h, float *y, long n) {
    if (has_avx2_fma()) lstm_cell_avx2(gates, x, bias, c, h, y, n); else lstm_cell(gates, x, bias, c, h, y, n);
}

__attribute__((target("avx2,fma")))
static void gru_cell_avx2(float *gates, const float *x, const float *bias, const float *recurrentBias, float *h, float *y, long n) {
    gru_cell(gates, x, bias, recurrentBias, h, y, n);
}

void seqlens_gru_cell(float *gates, const float *x, const float *bias, const float *recurrentBias, float *h, float *y, long n) {
    if (has_avx2_fma()) gru_cell_avx2(gates, x, bias, recurrentBias, h, y, n); else gru_cell(gates, x, bias, recurrentBias, h, y, n);
}
__attribute__((target("avx2,fma")))
static void max_pool_rows_avx2(const float *x, float *y, long rows, long inW, long outW, long kernel, long stride) {
    max_pool_rows(x, y, rows, inW, outW, kernel, stride);
}

void seqlens_max_pool_rows(const float *x, float *y, long rows, long inW, long outW, long kernel, long stride) {
    if (has_avx2_fma()) max_pool_rows_avx2(x, y, rows, inW, outW, kernel, stride); else max_pool_rows(x, y, rows, inW, outW, kernel, stride);
}
#else
void seqlens_max_pool_rows(const float *x, float *y, long rows, long inW, long outW, long kernel, long stride) {
    max_pool_rows(x, y, rows, inW, outW, kernel, stride);
}

void seqlens_small_product(const float *state, long stateStride, long rows, long depth, const float *matrix,
                           long matrixStride, long width, float *out, long outStride) {
    small_product(state, stateStride, rows, depth, matrix, matrixStride, width, out, outStride);
}

void seqlens_lstm_cell(float *gates, const float *x, const float *bias, float *c, float *h, float *y, long n) {
    lstm_cell(gates, x, bias, c, h, y, n);
}

void seqlens_gru_cell(float *gates, const float *x, const float *bias, const float *recurrentBias, float *h, float *y, long n) {
    gru_cell(gates, x, bias, recurrentBias, h, y, n);
}

void seqlens_exp(float *p, long count) { exp_in_place(p, count); }

void seqlens_sigmoid(float *p, long count) { sigmoid_in_place(p, count); }

void seqlens_layer_norm(const float *x, float *y, long rows, long size, const float *gamma, const float *beta,
                        float epsilon, float *means, float *inverses) {
    layer_norm(x, y, rows, size, gamma, beta, epsilon, means, inverses);
}

void seqlens_reduce_run(const float *x, float *y, long outer, long length, long inner, int function) {
    reduce_run(x, y, outer, length, inner, function);
}

void seqlens_gelu(float *p, long count, int tanhApproximation) { gelu_in_place(p, count, tanhApproximation); }

void seqlens_erf(float *p, long count) { erf_in_place(p, count); }

void seqlens_tanh(float *p, long count) { tanh_in_place(p, count); }

void seqlens_softmax(float *p, long count, int logarithmic) { softmax(p, count, logarithmic); }

void seqlens_softmax_short_rows(float *p, long rows, long count) { softmax_short_rows(p, rows, count); }

void seqlens_scaled_tanh(float *p, long count, float inputScale, float outputScale, float offset) {
    scaled_tanh(p, count, inputScale, outputScale, offset);
}
#endif
