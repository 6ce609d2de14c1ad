import Foundation
import Genomics

/// A Potts model with what plmc records about its fit: plmc's binary parameter file (`plmc -o`,
/// EVcouplings' "plmc_v2" format), read and written byte for byte as plmc writes it, so models
/// move both ways between seqlens, plmc and EVcouplings' `CouplingsModel`.
///
/// Layout (little-endian, float32): int32 L, q, N, N skipped, iterations; float θ, λ_h, λ_J,
/// λ_group, N_eff; q alphabet bytes; N + N skipped neighbour counts; L target letters; L int32
/// residue numbers; L×q f_i; L×q h_i; then for each i < j a q×q block of f_ij, then of J_ij.
public struct PlmcParameterFile: Sendable {
    /// Fields, couplings (empty when every J_ij is zero: a site-independent model), focus
    /// sequence, residue numbers and single-site frequencies.
    public var model: PottsModel
    /// Sequences the model was fit to (N), and those skipped for letters outside the alphabet.
    public var sequenceCount: Int
    public var skippedSequenceCount: Int
    /// The cap on L-BFGS iterations the fit ran with (0: until convergence). plmc writes its
    /// `--maxiter` here, not the number of iterations it ran.
    public var maxIterations: Int
    /// 1 − the identity threshold of the sequence weights (plmc's `-t`; 0.2 for 80 % identity).
    public var theta: Float
    /// L2 strengths on fields and couplings as the objective used them (λ_J already scaled),
    /// and plmc's group-L1 strength (0 unless set).
    public var lambdaH: Float
    public var lambdaJ: Float
    public var lambdaGroup: Float
    /// N_eff, the sum of the sequence weights.
    public var effectiveCount: Float
    /// One per sequence in file order, skipped ones included: the number of sequences within the
    /// identity threshold (1 / weight), 0 for a skipped sequence — what plmc writes.
    public var neighbourCounts: [Float]
    /// L(L−1)/2 q×q blocks of weighted pair frequencies f_ij(a, b), i < j in order, a-major.
    public var pairFrequencies: [Float]

    public init(model: PottsModel, sequenceCount: Int, skippedSequenceCount: Int, maxIterations: Int, theta: Float, lambdaH: Float,
                lambdaJ: Float, lambdaGroup: Float = 0, effectiveCount: Float, neighbourCounts: [Float], pairFrequencies: [Float]) {
        let l = model.length, q = model.stateCount
        precondition(neighbourCounts.count == sequenceCount + skippedSequenceCount && pairFrequencies.count == l * (l - 1) / 2 * q * q
                     && model.frequencies.count == l * q)
        self.model = model
        self.sequenceCount = sequenceCount
        self.skippedSequenceCount = skippedSequenceCount
        self.maxIterations = maxIterations
        self.theta = theta
        self.lambdaH = lambdaH
        self.lambdaJ = lambdaJ
        self.lambdaGroup = lambdaGroup
        self.effectiveCount = effectiveCount
        self.neighbourCounts = neighbourCounts
        self.pairFrequencies = pairFrequencies
    }

    /// A model fit to `alignment` (its `frequencies` filled) with what plmc records of the fit:
    /// N, N_eff, θ = 1 − identity, each sequence's neighbour count and the pair frequencies.
    /// `skippedSequences` are the file-order indices of the alignment's sequences left out of
    /// the fit (plmc lists them with 0); `lambdaJ` is the strength the objective used (scaled).
    public init(model: PottsModel, alignment: EncodedAlignment, skippedSequences: [Int] = [], identity: Double, lambdaH: Double,
                lambdaJ: Double, maxIterations: Int) {
        // Weights are 1 / neighbours: whole numbers once inverted back (float weights round off).
        var neighbours = alignment.weights.map { Float((1 / Double($0)).rounded()) }
        for index in skippedSequences.sorted() { neighbours.insert(0, at: index) }
        // Summed as plmc sums them, 1 / neighbours in double precision.
        let effectiveCount = neighbours.reduce(0.0) { $1 > 0 ? $0 + 1 / Double($1) : $0 }
        self.init(model: model, sequenceCount: alignment.count, skippedSequenceCount: skippedSequences.count, maxIterations: maxIterations,
                  theta: Float(1 - identity), lambdaH: Float(lambdaH), lambdaJ: Float(lambdaJ), effectiveCount: Float(effectiveCount),
                  neighbourCounts: neighbours, pairFrequencies: Self.pairFrequencies(of: alignment))
    }

    /// Weighted pair frequencies f_ij(a, b) = Σ_n w_n [σ_ni = a][σ_nj = b] / N_eff, in the file's order.
    static func pairFrequencies(of alignment: EncodedAlignment) -> [Float] {
        let l = alignment.length, q = alignment.stateCount
        var sums = [Double](repeating: 0, count: l * (l - 1) / 2 * q * q)
        for n in 0..<alignment.count {
            let weight = Double(alignment.weights[n]), row = n * l
            var block = 0
            for i in 0..<l {
                let a = Int(alignment.states[row + i]) * q
                for j in (i + 1)..<max(i + 1, l) {
                    sums[block + a + Int(alignment.states[row + j])] += weight
                    block += q * q
                }
            }
        }
        let total = alignment.weights.reduce(0.0) { $0 + Double($1) }
        return sums.map { Float($0 / total) }
    }

    /// Reads a parameter file; a file that is not one, or is cut short, is a one-line error.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw AlignmentError("\(url.path): cannot read (\(fileErrorReason(error))); check the path")
        }
        try self.init(data: data, path: url.path)
    }

    /// Parses the bytes of a parameter file; `path` names it in error messages.
    public init(data: Data, path: String) throws {
        func refuse(_ what: String) -> AlignmentError {
            AlignmentError("\(path): \(what); give a parameter file written by plmc -o or seqlens msa-fit")
        }
        let headerSize = 5 * 4 + 5 * 4
        guard data.count >= headerSize else { throw refuse("not a plmc parameter file (\(data.count) bytes, shorter than its header)") }
        var reader = ByteReader(data: data)
        let header = reader.int32s(5).map(Int.init)
        let (l, q, n, skipped, iterations) = (header[0], header[1], header[2], header[3], header[4])
        guard l >= 1, l <= 1 << 20, q >= 1, q <= 256, n >= 0, skipped >= 0, iterations >= 0 else {
            throw refuse("not a plmc parameter file (header L = \(l), q = \(q), N = \(n), skipped = \(skipped))")
        }
        let expected = Self.byteCount(length: l, states: q, sequences: n + skipped)
        guard data.count == expected else {
            let what = data.count < expected ? "truncated" : "longer than its header says"
            throw refuse("\(what): \(data.count) bytes where L = \(l), q = \(q), N = \(n + skipped) need \(expected)")
        }
        let numbers = reader.floats(5)
        let alphabet = reader.bytes(q)
        let neighbourCounts = reader.floats(n + skipped)
        let focusSequence = reader.bytes(l)
        let positions = reader.int32s(l).map(Int.init)
        let frequencies = reader.floats(l * q)
        let fields = reader.floats(l * q)
        let pairCount = l * (l - 1) / 2
        let pairFrequencies = reader.floats(pairCount * q * q)
        let triangle = reader.floats(pairCount * q * q)
        let model = PottsModel(alphabet: alphabet, positions: positions, focusSequence: focusSequence, fields: fields,
                               couplings: triangle.allSatisfy { $0 == 0 } ? [] : Self.square(triangle, length: l, states: q),
                               frequencies: frequencies)
        self.init(model: model, sequenceCount: n, skippedSequenceCount: skipped, maxIterations: iterations, theta: numbers[0],
                  lambdaH: numbers[1], lambdaJ: numbers[2], lambdaGroup: numbers[3], effectiveCount: numbers[4],
                  neighbourCounts: neighbourCounts, pairFrequencies: pairFrequencies)
    }

    /// The file's bytes, as plmc writes them.
    public var data: Data {
        let l = model.length, q = model.stateCount
        var writer = ByteWriter(capacity: Self.byteCount(length: l, states: q, sequences: neighbourCounts.count))
        writer.append(int32s: [l, q, sequenceCount, skippedSequenceCount, maxIterations])
        writer.append(floats: [theta, lambdaH, lambdaJ, lambdaGroup, effectiveCount])
        writer.append(bytes: model.alphabet)
        writer.append(floats: neighbourCounts)
        writer.append(bytes: model.focusSequence)
        writer.append(int32s: model.positions)
        writer.append(floats: model.frequencies)
        writer.append(floats: model.fields)
        writer.append(floats: pairFrequencies)
        writer.append(floats: Self.triangle(of: model))
        return writer.data
    }

    /// Writes the file atomically: a reader never sees half a model.
    public func write(to url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw AlignmentError("\(url.path): cannot write (\(fileErrorReason(error))); check the folder exists and is writable")
        }
    }

    static func byteCount(length l: Int, states q: Int, sequences: Int) -> Int {
        40 + q + 4 * sequences + l + 4 * l + 2 * 4 * l * q + 2 * 4 * (l * (l - 1) / 2) * q * q
    }

    /// The i < j blocks of a full L×L×q×q coupling array (zeros for a site-independent model).
    static func triangle(of model: PottsModel) -> [Float] {
        let l = model.length, q = model.stateCount
        guard !model.couplings.isEmpty else { return [Float](repeating: 0, count: l * (l - 1) / 2 * q * q) }
        var blocks = [Float]()
        blocks.reserveCapacity(l * (l - 1) / 2 * q * q)
        for i in 0..<l {
            for j in (i + 1)..<max(i + 1, l) {
                let start = (i * l + j) * q * q
                blocks.append(contentsOf: model.couplings[start..<(start + q * q)])
            }
        }
        return blocks
    }

    /// The full symmetric L×L×q×q array, J_ji(b, a) = J_ij(a, b), from the i < j blocks.
    static func square(_ triangle: [Float], length l: Int, states q: Int) -> [Float] {
        var couplings = [Float](repeating: 0, count: l * l * q * q)
        var k = 0
        for i in 0..<l {
            for j in (i + 1)..<max(i + 1, l) {
                for a in 0..<q {
                    for b in 0..<q {
                        couplings[((i * l + j) * q + a) * q + b] = triangle[k]
                        couplings[((j * l + i) * q + b) * q + a] = triangle[k]
                        k += 1
                    }
                }
            }
        }
        return couplings
    }
}

/// Little-endian fields read in order from bytes whose length was checked beforehand.
private struct ByteReader {
    let data: Data
    var offset = 0

    init(data: Data) { self.data = data }

    mutating func bytes(_ count: Int) -> [UInt8] {
        defer { offset += count }
        return [UInt8](data[(data.startIndex + offset)..<(data.startIndex + offset + count)])
    }

    mutating func int32s(_ count: Int) -> [Int32] {
        defer { offset += 4 * count }
        return data.withUnsafeBytes { raw in
            (0..<count).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * $0, as: Int32.self)) }
        }
    }

    mutating func floats(_ count: Int) -> [Float] {
        defer { offset += 4 * count }
        return data.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
                for k in 0..<count {
                    let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * k, as: UInt32.self))
                    buffer[k] = Float(bitPattern: bits)
                }
                initialised = count
            }
        }
    }
}

/// Little-endian fields appended in order.
private struct ByteWriter {
    var data = Data()

    init(capacity: Int) { data.reserveCapacity(capacity) }

    mutating func append(bytes: [UInt8]) { data.append(contentsOf: bytes) }

    mutating func append(int32s values: [Int]) {
        for value in values { withUnsafeBytes(of: Int32(truncatingIfNeeded: value).littleEndian) { data.append(contentsOf: $0) } }
    }

    /// Floats are IEEE single precision, and every platform Swift runs on is little-endian.
    mutating func append(floats values: [Float]) {
        values.withUnsafeBytes { data.append(contentsOf: $0) }
    }
}
