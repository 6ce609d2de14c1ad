import Inference

/// An input of a model besides the sequence (a control track, a bias model's input): zeros,
/// or one array given for every sequence (`--input NAME=FILE.npy`).
public struct ExtraInput: Sendable {
    public let info: ValueInfo
    /// One sequence's worth (the input's shape without the batch axis); nil: zeros.
    public private(set) var values: Tensor<Float>?
    /// The sequence input's length axis: an extra input's axis of the same name has the sequences' length.
    private let sequenceLength: ValueInfo.Dimension
    private let modelName: String

    init(info: ValueInfo, sequenceLength: ValueInfo.Dimension, modelName: String) throws {
        guard info.declaredType == "float" else {
            throw InterpretationError("\(modelName): input '\(info.name)' is \(info.declaredType); seqlens feeds a model's extra inputs float32 arrays (zeros, or --input \(info.name)=FILE.npy)")
        }
        guard !info.dimensions.isEmpty else {
            throw InterpretationError("\(modelName): input '\(info.name)' is a scalar; seqlens feeds extra inputs with a batch axis first")
        }
        self.info = info
        self.sequenceLength = sequenceLength
        self.modelName = modelName
    }

    /// The shape fed for a batch of `batch` sequences of `length`.
    func shape(batch: Int, length: Int) throws -> [Int] {
        var shape = [batch]
        for (axis, dimension) in info.dimensions.enumerated().dropFirst() {
            if let size = values?.shape[axis - 1] {
                if case .symbolic(let name) = dimension, !name.isEmpty, dimension == sequenceLength, size != length {
                    throw InterpretationError("--input \(info.name)=…: the array spans \(size) positions along axis \(axis) ('\(name)'), the sequences \(length); give one of \(length)")
                }
                shape.append(size)
            } else if let size = dimension.fixedValue {
                shape.append(size)
            } else if case .symbolic(let name) = dimension, !name.isEmpty, dimension == sequenceLength {
                shape.append(length)
            } else {
                throw InterpretationError("\(modelName): input '\(info.name)' \(info.shapeDescription) has a free axis \(axis) ('\(dimension)') seqlens cannot size; give its values with --input \(info.name)=FILE.npy")
            }
        }
        return shape
    }

    /// Sets the values fed to every sequence: `array` has the input's shape without the batch
    /// axis, or with a batch axis of 1.
    mutating func set(_ array: Tensor<Float>) throws {
        var shape = array.shape
        if shape.count == info.dimensions.count, shape.first == 1 { shape.removeFirst() }
        let perSequence = info.dimensions.dropFirst()
        guard shape.count == perSequence.count, zip(shape, perSequence).allSatisfy({ size, dimension in dimension.fixedValue.map { $0 == size } ?? true }) else {
            throw InterpretationError("--input \(info.name)=…: an array of shape \(array.shape) does not fit input '\(info.name)' \(info.shapeDescription); give one sequence's worth, shape (\(perSequence.map(\.description).joined(separator: ", "))), fed to every sequence")
        }
        values = Tensor(shape: shape, scalars: array.scalars)
    }

    /// The values of a batch: the given array repeated for every sequence, or zeros.
    func tensor(batch: Int, length: Int) throws -> Tensor<Float> {
        let shape = try self.shape(batch: batch, length: length)
        guard let values else { return Tensor(shape: shape, repeating: 0) }
        var scalars: [Float] = []
        scalars.reserveCapacity(batch * values.count)
        for _ in 0..<batch { scalars += values.scalars }
        return Tensor(shape: shape, scalars: scalars)
    }
}
