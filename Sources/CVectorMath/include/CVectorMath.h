#ifndef CVECTORMATH_H
#define CVECTORMATH_H

/// p[k] = offset + outputScale * tanh(inputScale * p[k]) for 0 <= k < count, in place, within
/// 4e-7 of tanh. Sigmoid is (0.5, 0.5, 0.5). On x86-64 CPUs with AVX2 and FMA the loop runs
/// eight lanes wide (chosen at run time); Swift code is compiled for the baseline (SSE2) only.
void seqlens_scaled_tanh(float *p, long count, float inputScale, float outputScale, float offset);

#endif
