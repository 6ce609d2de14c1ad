#ifndef CVECTORMATH_H
#define CVECTORMATH_H

/// p[k] = offset + outputScale * tanh(inputScale * p[k]) for 0 <= k < count, in place, within
/// 4e-7 of tanh. Sigmoid is (0.5, 0.5, 0.5). Twice `seqlens_tanh`'s speed (0.30 against 0.68 ns a
/// value), for recurrent gates; where 1 − tanh² must keep its relative accuracy near saturation
/// (a gradient), use `seqlens_tanh`. On x86-64 CPUs with AVX2 and FMA the loop runs
/// eight lanes wide (chosen at run time); Swift code is compiled for the baseline (SSE2) only.
void seqlens_scaled_tanh(float *p, long count, float inputScale, float outputScale, float offset);

/// Softmax (or, with `logarithmic`, log-softmax) of one contiguous row, in place, numerically
/// stable (the maximum is subtracted). exp is Cephes' polynomial on [-ln2/2, ln2/2] scaled by
/// 2^n, within 2 ulp of expf; NaN propagates. Eight lanes wide with AVX2 and FMA, as above.
void seqlens_softmax(float *p, long count, int logarithmic);

/// erf in place by Eigen's rational approximation on [-4, 4] (±1 beyond), within a few ulp;
/// NaN propagates. Eight lanes wide with AVX2 and FMA, as above.
void seqlens_erf(float *p, long count);

/// tanh in place through exp (as the softmax's), within a few ulp of tanhf and with 1 − tanh
/// as accurate relatively as exp near saturation; NaN propagates. Eight lanes wide with AVX2
/// and FMA, as above.
void seqlens_tanh(float *p, long count);

#endif
