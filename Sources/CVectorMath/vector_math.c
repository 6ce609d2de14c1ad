#include "CVectorMath.h"

/* Eigen's rational approximation of tanh (odd degree 13 over even degree 6) on [-7.9, 7.9],
   where float tanh saturates; branch-free so that compilers vectorise it. */
static inline void scaled_tanh(float *p, long count, float inputScale, float outputScale, float offset) {
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

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx2,fma")))
static void scaled_tanh_avx2(float *p, long count, float inputScale, float outputScale, float offset) {
    scaled_tanh(p, count, inputScale, outputScale, offset);
}

void seqlens_scaled_tanh(float *p, long count, float inputScale, float outputScale, float offset) {
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) scaled_tanh_avx2(p, count, inputScale, outputScale, offset);
    else scaled_tanh(p, count, inputScale, outputScale, offset);
}
#else
void seqlens_scaled_tanh(float *p, long count, float inputScale, float outputScale, float offset) {
    scaled_tanh(p, count, inputScale, outputScale, offset);
}
#endif
