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
/// 2^n, within 2 ulp of expf; NaN propagates. Rows of 16 or more run sixteen lanes wide on CPUs
/// with AVX-512 (rows of up to 128 held in registers), others eight lanes wide with AVX2 and FMA.
void seqlens_softmax(float *p, long count, int logarithmic);

/// Softmax of `rows` contiguous rows of `count` values each, in place, for rows shorter than a
/// vector (count < 8): the same values as `seqlens_softmax` row by row, with exp over all the
/// rows at once.
void seqlens_softmax_short_rows(float *p, long rows, long count);

/// erf in place by Eigen's rational approximation on [-4, 4] (±1 beyond), within a few ulp;
/// NaN propagates. Eight lanes wide with AVX2 and FMA, as above.
void seqlens_erf(float *p, long count);

/// tanh in place through exp (as the softmax's), within a few ulp of tanhf and with 1 − tanh
/// as accurate relatively as exp near saturation; NaN propagates. Eight lanes wide with AVX2
/// and FMA, as above.
void seqlens_tanh(float *p, long count);

/// exp in place (the softmax's), within 2 ulp of expf; 0 below -87.3 where expf is denormal.
/// Eight lanes wide with AVX2 and FMA, as above.
void seqlens_exp(float *p, long count);

/// The logistic sigmoid 1 / (1 + e^-x) in place through that exp: relative accuracy kept for
/// small values (a tanh form's absolute 4e-7 would not). Eight lanes wide, as above.
void seqlens_sigmoid(float *p, long count);

/// LayerNormalization of `rows` contiguous rows of `size`: y = (x − mean)/√(var + ε) · gamma
/// + beta (beta may be NULL), writing each row's mean and 1/√(var + ε). Eight lanes wide, as above.
void seqlens_layer_norm(const float *x, float *y, long rows, long size, const float *gamma, const float *beta,
                        float epsilon, float *means, float *inverses);

/// y[o, i] = max (function 0), min (1) or sum (2) over r of x[o, r, i], for x of shape
/// (outer, length, inner); max and min propagate NaN, an empty max is −∞ and min +∞.
/// Eight lanes wide, as above.
void seqlens_reduce_run(const float *x, float *y, long outer, long length, long inner, int function);

/// GELU in place: 0.5 x (1 + erf(x / √2)), or with `tanhApproximation` 0.5 x (1 + tanh(√(2/π)
/// (x + 0.044715 x³))), through the erf and tanh kernels above; NaN propagates. Eight lanes wide
/// with AVX2 and FMA, as above.
void seqlens_gelu(float *p, long count, int tanhApproximation);

/// out[r, j] = Σ_k state[r, k] · matrix[k, j] for r < rows,
/// j < width, k < depth; rows of each operand `…Stride` floats apart. For the few-row products of
/// a recurrent step (one row of 32 × 96 at batch 1), where a BLAS call costs more than its
/// arithmetic. Eight lanes wide with AVX2 and FMA, as above.
void seqlens_small_product(const float *state, long stateStride, long rows, long depth, const float *matrix,
                           long matrixStride, long width, float *out, long outStride);

/// One LSTM step of one sequence with ONNX's default activations, no clip and no peepholes:
/// `gates` (i, o, f, c; 4n) holds h·Rᵀ on entry; adds the input projection `x` and `bias`, then
/// c = σ(f)·c + σ(i)·tanh(c̃) and h = y = σ(o)·tanh(c) (n each). Sigmoid and tanh as
/// `seqlens_scaled_tanh`'s.
void seqlens_lstm_cell(float *gates, const float *x, const float *bias, float *c, float *h, float *y, long n);

/// One GRU step (linear_before_reset) of one sequence with default activations and no clip:
/// `gates` (z, r, h; 3n) holds h·Rᵀ on entry; z, r = σ(gates + x + bias), candidate =
/// tanh(x_h + bias_h + r ⊙ (R_h·h + recurrentBias)), then
/// h = y = (1 − z) ⊙ candidate + z ⊙ h.
void seqlens_gru_cell(float *gates, const float *x, const float *bias, const float *recurrentBias, float *h, float *y, long n);

/// y[r, o] = the maximum of x[r, o·stride + k] over k < kernel, for `rows` rows of inW inputs
/// and outW outputs whose windows lie inside the row (every 1-D CNN's pooling). Each window
/// folds left to right as x86's maxss does (best > v ? best : v). Eight lanes wide, as above.
void seqlens_max_pool_rows(const float *x, float *y, long rows, long inW, long outW, long kernel, long stride);

/// target[r · targetStride + c] = source[c · sourceStride + r] for r < rows, c < columns: a
/// transpose's tile, eight by eight in AVX registers where the CPU has AVX2.
void seqlens_transpose(const float *source, long sourceStride, float *target, long targetStride, long rows, long columns);

/// Copies outer × inner rows of `width` floats, row (i, j) from source + i · outerStride +
/// j · innerStride, one after another into target: a transpose that keeps the last axis.
void seqlens_copy_rows(const float *source, long outerStride, long innerStride, float *target, long outer, long inner, long width);

/// target[r · targetStride + i] += source[r · sourceStride + i] for r < rows, i < count: rows
/// of a product added into rows of a larger tensor (ISM's windowed convolutions). A row of up
/// to 16 is one masked load, add and store on CPUs with AVX-512, else eight lanes with AVX2.
void seqlens_add_rows(const float *source, long sourceStride, float *target, long targetStride, long rows, long count);

/// target[f · targetStride + offset + p] += Σ over j + t = p of source[j · sourceStride + f · kernel + t]
/// for filters f < filters and output positions low ≤ p < high: the per-column products of a
/// run of `columns` consecutive changed columns (column j's taps t < kernel for every filter),
/// added where they land. On CPUs with AVX-512 and kernels of up to 16 taps, a run's columns
/// are summed per filter in two registers (32 outputs) before one add into the target, where
/// adding them a column at a time made a masked load, add and store per column and filter.
void seqlens_add_run_taps(const float *source, long sourceStride, long columns, long kernel,
                          float *target, long targetStride, long filters, long offset, long low, long high);

/// target[r · targetStride + i] += Σ_j scale[j] · source[r · sourceStride + j · termStride + i]
/// for r < rows, i < count, over the terms j < terms whose scale is not zero: a one-hot
/// column's change times a first layer's weights (two terms for a substitution), added straight
/// into the outputs' rows.
void seqlens_add_weighted_rows(const float *source, long sourceStride, long termStride, const float *scale, long terms,
                               float *target, long targetStride, long rows, long count);

/// change[c · width + i] = rows[c · width + i] − reference[c · referenceStride + i] for channels
/// c < channels and positions i < width, and changed[i] = 1 where any channel's change is not
/// zero (−0 counts as no change: it adds nothing), else 0: which columns of an ISM variant's
/// window differ from the reference. Sixteen positions at a time with AVX-512, eight with AVX2.
void seqlens_row_changes(const float *rows, const float *reference, long referenceStride, long channels, long width,
                         float *change, unsigned char *changed);

/// A stride-1 1-D convolution of one sample (of one group): x is (channels, inW), weights
/// (filters, channels, kernel), y (filters, outW) with outW = inW + padBegin + padEnd −
/// (kernel − 1)·dilation.
typedef struct {
    long channels, inW, filters, kernel, dilation, padBegin, outW;
} seqlens_convolution;

/// Output positions [first, first + count) of every filter of `shape`, computed directly (no
/// im2col, no BLAS call): y[f, o] = bias[f] + Σ_c Σ_k w[f, c, k] · x[c, o + k·dilation − padBegin]
/// (0 outside [0, inW)), then max(·, 0) with `relu`; bias may be NULL. `scratch` holds
/// `seqlens_direct_convolution_scratch(shape, count)` floats (the block's zero-padded input).
/// Each output sums its terms in the same order whatever the block or the CPU. Blocks of 4
/// filters × 64 positions in AVX-512 registers where the CPU has them, else of 6 filters × 16
/// positions in AVX2's (chosen at run time).
void seqlens_direct_convolution(const seqlens_convolution *shape, const float *x, const float *w, const float *bias,
                                int relu, float *y, long first, long count, float *scratch);
long seqlens_direct_convolution_scratch(const seqlens_convolution *shape, long count);

/// The input gradient of `shape`'s convolution from an output gradient dy (filters, outW) that
/// is mostly zeros (behind a ReLU and a max pool): dxT[q, c] += Σ dy[f, o] · w[f, c, t] over
/// the non-zero dy[f, o] and the taps t with q = o + t·dilation − padBegin, for the input
/// positions q in [first, first + count) only (threads take disjoint ranges). dxT is the
/// gradient transposed, (inW, channels); `tapMajor` the weights as (filters, kernel, channels).
void seqlens_sparse_convolution_input_gradient(const seqlens_convolution *shape, const float *dy, const float *tapMajor, float *dxT,
                                               long first, long count);

/// Winograd's minimal filtering F(m, m) (Lavin & Gray 2016) for a stride-1 1-D convolution whose
/// kernel is cut into chunks of m taps: tiles of m outputs, each read through n = 2m − 1 points.
/// Bᵀ (n × n) transforms an input tile, Aᵀ (m × n) turns the n products back into m outputs.
typedef struct {
    long m, n;
    const float *inputTransform, *outputTransform;
} seqlens_winograd;

/// v[ξ, c, u] = Σ_l Bᵀ[ξ, l] · x[c, (firstTile + u)·m + l − padBegin] (0 outside [0, inW)) for
/// ξ < n, c < channels, u < tiles. `phases` holds m · (tiles + 1) floats.
void seqlens_winograd_input(const seqlens_winograd *shape, const float *x, long channels, long inW, long padBegin,
                            long firstTile, long tiles, float *v, float *phases);

/// y[f, first + o] = bias[f] + Σ_ξ Aᵀ[o mod m, ξ] · product[ξ, f, o / m] for o < count (at most
/// tiles · m), then max(·, 0) with `relu` (NaN to 0, as the direct kernel); bias may be NULL.
/// `scratch` holds m · tiles floats.
void seqlens_winograd_output(const seqlens_winograd *shape, const float *product, long filters, long tiles, const float *bias,
                             int relu, float *y, long outW, long first, long count, float *scratch);

/// The CPU's spin-wait hint (x86 PAUSE, Arm YIELD), for the loop of a thread waiting on memory.
static inline void seqlens_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
