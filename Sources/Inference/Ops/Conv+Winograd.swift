import CVectorMath

/// Winograd's minimal filtering (Lavin & Gray 2016) for the wide stride-1 1-D convolutions, such
/// as Basset's 300 → 200 channels over 11 taps, whose direct kernel already runs near the core's
/// peak: fewer multiply-adds is what is left. The kernel is cut into chunks of m taps; the input
/// is cut into tiles of m positions, each read through n = 2m − 1 points (Bᵀ); in that domain each
/// point ξ is itself a convolution of chunk-kernels over tiles, which the direct kernel runs; Aᵀ
/// turns the n products of a tile back into its m outputs. Per output and channel that is n·⌈K/m⌉/m
/// multiply-adds instead of K: 5.25 instead of 11 with F(4, 4) on Basset's second layer. The
/// transforms are exact in real arithmetic; in float32 the outputs differ from the direct sum by
/// rounding only (`testWinogradConvolutionsMatchReference` bounds it against float64).
extension Conv {
    /// F(m, m)'s matrices, worked out in float64 from the points 0, ±1, ±2, ½, … and ∞ (Toom–Cook):
    /// Aᵀ evaluates a tile's m outputs, G (n × m) a chunk of taps, and Bᵀ is the transposed inverse
    /// of the n × n evaluation, each of its rows scaled by Π(p_j − p_k) (G's divided by it), so
    /// that Bᵀ has integer entries while the points are integers (m ≤ 3).
    struct WinogradTransform: Sendable {
        let m: Int
        var n: Int { 2 * m - 1 }
        /// Bᵀ, n × n, row-major.
        let inputTransform: [Float]
        /// Aᵀ, m × n.
        let outputTransform: [Float]
        /// G, n × m, kept in float64: the weights are transformed once per plan.
        let kernelTransform: [Double]

        init(m: Int) {
            let n = 2 * m - 1
            // n − 1 finite points, the usual well-conditioned ones first, then ∞ (row n − 1 of every matrix).
            let points = [0, 1, -1, 2, -2, 0.5, -0.5, 3, -3].prefix(n - 1)
            func evaluation(_ columns: Int) -> [Double] {
                var matrix = [Double](repeating: 0, count: n * columns)
                for (j, p) in points.enumerated() {
                    var power = 1.0
                    for k in 0..<columns {
                        matrix[j * columns + k] = power
                        power *= p
                    }
                }
                matrix[(n - 1) * columns + columns - 1] = 1
                return matrix
            }
            let inverse = Self.inverted(evaluation(n), n)
            let scale = points.enumerated().map { j, p in
                points.enumerated().reduce(1.0) { $1.offset == j ? $0 : $0 * (p - $1.element) }
            } + [1]
            var bt = [Double](repeating: 0, count: n * n)
            for j in 0..<n {
                for l in 0..<n { bt[j * n + l] = inverse[l * n + j] * scale[j] }
            }
            let e = evaluation(m)
            var g = e
            for j in 0..<n {
                for k in 0..<m { g[j * m + k] /= scale[j] }
            }
            self.m = m
            // Integers stay integers (the inverse leaves them off by rounding, 1e-16).
            inputTransform = bt.map { abs($0 - $0.rounded()) < 1e-9 ? Float($0.rounded()) : Float($0) }
            outputTransform = (0..<m * n).map { Float(e[($0 % n) * m + $0 / n]) }
            kernelTransform = g
        }

        /// Gauss–Jordan with partial pivoting (n ≤ 7 here).
        private static func inverted(_ matrix: [Double], _ n: Int) -> [Double] {
            var a = matrix, inverse = (0..<n * n).map { $0 / n == $0 % n ? 1.0 : 0.0 }
            for column in 0..<n {
                let pivot = (column..<n).max { abs(a[$0 * n + column]) < abs(a[$1 * n + column]) }!
                for k in 0..<n {
                    a.swapAt(column * n + k, pivot * n + k)
                    inverse.swapAt(column * n + k, pivot * n + k)
                }
                let divisor = a[column * n + column]
                for k in 0..<n {
                    a[column * n + k] /= divisor
                    inverse[column * n + k] /= divisor
                }
                for row in 0..<n where row != column {
                    let factor = a[row * n + column]
                    guard factor != 0 else { continue }
                    for k in 0..<n {
                        a[row * n + k] -= factor * a[column * n + k]
                        inverse[row * n + k] -= factor * inverse[column * n + k]
                    }
                }
            }
            return inverse
        }

        /// The chunk-kernels per point: U[ξ, f, c, j] = Σ_k G[ξ, k] · w[f, c, j·m + k] (taps past
        /// the kernel are zero), (n, filters, channels, chunks).
        func kernels(_ w: UnsafeBufferPointer<Float>, filters: Int, channels: Int, taps: Int) -> [Float] {
            let chunks = (taps + m - 1) / m
            return [Float](unsafeUninitializedCapacity: n * filters * channels * chunks) { u, count in
                for xi in 0..<n {
                    for fc in 0..<filters * channels {
                        for j in 0..<chunks {
                            var sum = 0.0
                            for k in 0..<m where j * m + k < taps {
                                sum += kernelTransform[xi * m + k] * Double(w[fc * taps + j * m + k])
                            }
                            u[(xi * filters * channels + fc) * chunks + j] = Float(sum)
                        }
                    }
                }
                count = n * filters * channels * chunks
            }
        }
    }

    /// The tile: F(4, 4), seven points. On Basset's 300 → 200 × 11 layer its largest error was
    /// 0.9 ε·Σ|w·x| (F(3, 3)'s 1.3) and a batch-1 pass took 5.3–5.6 ms (three runs of four) where
    /// F(3, 3)'s (its third layer on this path too) took 6.3–6.9 and the direct kernel's 7.5–8.2
    /// (best passes, one thread, a Zen 3).
    static let winograd = WinogradTransform(m: 4)

    /// Winograd pays off where the products dwarf the transforms: many channels and filters (the
    /// transforms cost per channel and per filter, the products per both), a kernel of at least
    /// two chunks, and enough tiles that the direct kernel's blocks of 16 waste little. With
    /// F(3, 3) on every layer of 32 channels or more, multitask-deep's batch-1 pass at 1,000 nt
    /// took 1.5–2 times as long (its 32 → 48 and 48 → 96-channel layers), and Basset's
    /// 200 → 200 × 7 layer (25 tiles) about twice as long.
    static func usesWinograd(_ d: Dimensions) -> Bool {
        usesDirectKernel(d) && d.group == 1 && d.geometry.dilations[1] == 1
            && d.groupChannels >= minimumWinogradChannels && d.groupFilters >= minimumWinogradChannels
            && d.kW >= 2 * winograd.m - 1 && (d.outW + winograd.m - 1) / winograd.m >= minimumWinogradTiles
    }
    static let minimumWinogradChannels = 128
    static let minimumWinogradTiles = 48

    /// Each sample's tiles in `blocks` blocks (one per thread), each block transforming its own
    /// input tiles (those shared with the next block, ⌈K/m⌉ − 1 of them, twice).
    static func winogradConvolution(
        _ d: Dimensions, blocks: Int, input x: Tensor<Float>, weights w: Tensor<Float>, bias: [Float]?, outputShape: [Int],
        context: ExecutionContext
    ) -> Tensor<Float> {
        let transform = winograd
        let (m, n) = (transform.m, transform.n)
        let chunks = (d.kW + m - 1) / m, tiles = (d.outW + m - 1) / m
        let compute = { w.scalars.withUnsafeBufferPointer { transform.kernels($0, filters: d.filters, channels: d.channels, taps: d.kW) } }
        let kernels = context.convolutionWeights?.winograd.value(compute) ?? compute()
        let widest = (0..<blocks).map { Self.block($0, of: blocks, extent: tiles).count }.max()!
        var widestShape = seqlens_convolution(channels: d.channels, inW: widest + chunks - 1, filters: d.filters, kernel: chunks,
                                              dilation: 1, padBegin: 0, outW: widest)
        // Per block: the transformed input, the n products, the direct kernel's padded rows, the
        // input's phases and the output transform's rows.
        let (inputSize, productSize) = (n * d.channels * (widest + chunks - 1), n * d.filters * widest)
        let directSize = seqlens_direct_convolution_scratch(&widestShape, widest)
        let phaseSize = m * (widest + chunks), rowSize = m * widest
        let blockScratch = inputSize + productSize + directSize + phaseSize + rowSize
        var scratch = context.buffers.take(count: blocks * blockScratch)
        var y = context.buffers.take(count: d.batch * d.filters * d.outW)
        defer { context.buffers.recycle(scratch) }
        let relu: Int32 = context.reluEpilogue ? 1 : 0
        transform.inputTransform.withUnsafeBufferPointer { bt in
        transform.outputTransform.withUnsafeBufferPointer { at in
        kernels.withUnsafeBufferPointer { up in
        x.scalars.withUnsafeBufferPointer { xp in
        scratch.withUnsafeMutableBufferPointer { sp in
        y.withUnsafeMutableBufferPointer { yp in
        (bias ?? []).withUnsafeBufferPointer { bp in
            let points = seqlens_winograd(m: m, n: n, inputTransform: bt.baseAddress!, outputTransform: at.baseAddress!)
            for sample in 0..<d.batch {
                let input = xp.baseAddress! + sample * d.channels * d.inW
                let output = yp.baseAddress! + sample * d.filters * d.outW
                func run(_ block: Int) {
                    let range = Self.block(block, of: blocks, extent: tiles)
                    guard !range.isEmpty else { return }
                    let inputTiles = range.count + chunks - 1
                    let v = sp.baseAddress! + block * blockScratch, product = v + inputSize
                    let direct = product + productSize, phases = direct + directSize, rows = phases + phaseSize
                    var local = points
                    seqlens_winograd_input(&local, input, d.channels, d.inW, d.geometry.padBegin[1], range.lowerBound, inputTiles, v, phases)
                    var shape = seqlens_convolution(channels: d.channels, inW: inputTiles, filters: d.filters, kernel: chunks,
                                                    dilation: 1, padBegin: 0, outW: range.count)
                    for xi in 0..<n {
                        seqlens_direct_convolution(&shape, v + xi * d.channels * inputTiles, up.baseAddress! + xi * d.filters * d.channels * chunks,
                                                   nil, 0, product + xi * d.filters * range.count, 0, range.count, direct)
                    }
                    let first = range.lowerBound * m
                    seqlens_winograd_output(&local, product, d.filters, range.count, bias == nil ? nil : bp.baseAddress!, relu,
                                            output, d.outW, first, Swift.min(d.outW, range.upperBound * m) - first, rows)
                }
                if blocks > 1 {
                    concurrently(blocks, run)
                } else {
                    run(0)
                }
            }
        }}}}}}}
        return Tensor(shape: outputShape, scalars: y)
    }
}
