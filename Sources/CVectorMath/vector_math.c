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
KERNEL void erf_in_place(float *p, long count) {
    for (long k = 0; k < count; k++) {
        float x = p[k];
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
        p[k] = xc * n / d;
    }
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
KERNEL void tanh_in_place(float *p, long count) {
    for (long k = 0; k < count; k++) {
        float x = p[k];
        float a = x < 0 ? -x : x;
        float e = exp_approx(2.0f * (a > 44.0f ? 44.0f : a));
        float large = 1.0f - 2.0f / (e + 1.0f);
        float x2 = x * x;
        float small = x + x * x2 * (-1.0f / 3.0f + x2 * (2.0f / 15.0f + x2 * (-17.0f / 315.0f
                      + x2 * (62.0f / 2835.0f + x2 * (-1382.0f / 155925.0f)))));
        float y = a < 0.25f ? small : (x < 0 ? -large : large);
        /* NaN fails every comparison above and would come out as ±1: keep it NaN. */
        p[k] = x != x ? x : y;
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

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx2,fma")))
static void scaled_tanh_avx2(float *p, long count, float inputScale, float outputScale, float offset) {
    scaled_tanh(p, count, inputScale, outputScale, offset);
}

void seqlens_scaled_tanh(float *p, long count, float inputScale, float outputScale, float offset) {
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) scaled_tanh_avx2(p, count, inputScale, outputScale, offset);
    else scaled_tanh(p, count, inputScale, outputScale, offset);
}

__attribute__((target("avx2,fma")))
static void softmax_avx2(float *p, long count, int logarithmic) { softmax(p, count, logarithmic); }

void seqlens_softmax(float *p, long count, int logarithmic) {
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) softmax_avx2(p, count, logarithmic);
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
#else
void seqlens_erf(float *p, long count) { erf_in_place(p, count); }

void seqlens_tanh(float *p, long count) { tanh_in_place(p, count); }

void seqlens_softmax(float *p, long count, int logarithmic) { softmax(p, count, logarithmic); }

void seqlens_scaled_tanh(float *p, long count, float inputScale, float outputScale, float offset) {
    scaled_tanh(p, count, inputScale, outputScale, offset);
}
#endif
