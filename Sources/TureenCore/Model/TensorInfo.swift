/// What a tensor is, without its bytes: name, dtype, shape and the byte count they imply.
public struct TensorInfo: Sendable, Hashable, CustomStringConvertible {
    /// The tensor's name, e.g. `model.layers.0.mlp.up_proj.weight`.
    public let name: String
    /// The element type.
    public let dtype: DType
    /// The dimensions in C (row-major) order; empty for a scalar.
    public let shape: [Int]
    /// The number of elements (1 for a scalar, 0 when any dimension is 0).
    public let elementCount: Int
    /// The number of bytes: `elementCount * dtype.byteWidth`.
    public let byteCount: Int

    /// The most dimensions a tensor may have: numpy's `NPY_MAXDIMS` and PyTorch's limit. The
    /// safetensors format sets none, but numpy, PyTorch and h5py refuse more, so a file with more
    /// is refused when read rather than passed on to outputs no reader opens.
    public static let maximumRank = 64

    /// Creates a tensor description with checked arithmetic.
    ///
    /// - Throws: `TensorStoreError.invalidShape` for a negative dimension or more than `maximumRank`
    ///   dimensions, and `TensorStoreError.sizeOverflow` when the element or byte count does not fit in `Int`.
    ///   `file` names the checkpoint in those errors.
    public init(name: String, dtype: DType, shape: [Int], file: String = "") throws {
        guard shape.count <= Self.maximumRank else {
            throw TensorStoreError.invalidShape(
                path: file, tensor: name, detail: "\(shape.count) dimensions; numpy and PyTorch allow at most \(Self.maximumRank)")
        }
        if let negative = shape.first(where: { $0 < 0 }) {
            throw TensorStoreError.invalidShape(path: file, tensor: name, detail: "dimension \(negative) is negative")
        }
        guard let elements = CheckedArithmetic.product(shape) else {
            throw TensorStoreError.sizeOverflow(path: file, tensor: name, detail: "shape \(shape) has more elements than fit in 64 bits")
        }
        guard let bytes = CheckedArithmetic.multiply(elements, dtype.byteWidth) else {
            throw TensorStoreError.sizeOverflow(path: file, tensor: name, detail: "\(elements) elements of \(dtype) exceed 64-bit byte counts")
        }
        // An empty tensor's other dimensions must fit too, wherever its zero lies: numpy refuses such
        // a shape ("array is too big"), so an output holding it could not be loaded.
        let nonzero = shape.filter { $0 != 0 }
        guard nonzero.count == shape.count || CheckedArithmetic.product(nonzero).flatMap({ CheckedArithmetic.multiply($0, dtype.byteWidth) }) != nil else {
            throw TensorStoreError.sizeOverflow(path: file, tensor: name, detail: "shape \(shape) is empty, but its other dimensions' \(dtype) bytes exceed 64-bit byte counts")
        }
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.elementCount = elements
        self.byteCount = bytes
    }

    /// The same tensor under another name.
    public func renamed(_ newName: String) -> TensorInfo {
        // Cannot fail: dtype and shape were already validated.
        try! TensorInfo(name: newName, dtype: dtype, shape: shape)
    }

    /// The same shape with another dtype.
    ///
    /// - Throws: `TensorStoreError.sizeOverflow` if the new byte count does not fit.
    public func withDType(_ newType: DType) throws -> TensorInfo {
        try TensorInfo(name: name, dtype: newType, shape: shape)
    }

    /// The shape written as `[2, 3]`.
    public var shapeDescription: String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

    public var description: String { "\(name): \(dtype) \(shapeDescription)" }
}
