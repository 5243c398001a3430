import TureenCore

/// The Float64 running sum of a greedy soup's kept ingredients, kept in a scratch file: each
/// merged tensor's sums (F64, or C128 for complex tensors), one tensor after another in the order
/// they were written, with the layout held in memory. Opened as a `TensorStore`, it is the first
/// addend of the next candidate.
package struct RunningSumFile: Sendable {
    /// The scratch file.
    package let path: String
    /// Each tensor's description (F64 or C128, the soup's shape) and byte range in the file.
    package let layout: [(info: TensorInfo, range: Range<Int>)]

    /// The sum's dtype for a tensor of `dtype`: Float64 components.
    package static func sumType(for dtype: DType) -> DType {
        dtype.isComplex ? .c128 : .f64
    }

    /// Opens the file as a store of the sums.
    ///
    /// - Throws: `TensorStoreError` if the file cannot be opened or is shorter than its layout.
    package func open() throws -> TensorStore {
        let file = try MappedFile(path: path)
        let tensors = try layout.map { StoredTensor(info: $0.info, source: try MappedTensorSource(file: file, fileRange: $0.range)) }
        return try TensorStore(location: path, formatName: "running sum", tensors: tensors)
    }
}

/// Writes a `RunningSumFile` sequentially, through an `OutputFile` (staged, direct I/O where the
/// file system allows it), a tensor at a time. Dropped before `commit()`, it leaves nothing behind.
package final class RunningSumWriter {
    private let output: OutputFile
    private var layout: [(info: TensorInfo, range: Range<Int>)] = []
    /// The tensor being written and the bytes it still expects.
    private var current: (info: TensorInfo, remaining: Int)?

    /// Starts a running sum at `path`.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if the folder is not writable.
    package init(path: String) throws {
        output = try OutputFile(destination: path)
    }

    /// Starts the sums of the tensor `info` describes (in the soup's dtype); its bytes follow
    /// through `append(_:)`.
    ///
    /// - Throws: `TensorStoreError.producerShortfall` if the previous tensor is incomplete.
    func beginTensor(_ info: TensorInfo) throws {
        try finishCurrent()
        guard !layout.contains(where: { $0.info.name == info.name }) else {
            throw TensorStoreError.duplicateTensor(path: output.destination, tensor: info.name)
        }
        let sumInfo = try info.withDType(RunningSumFile.sumType(for: info.dtype))
        current = (sumInfo, sumInfo.byteCount)
        layout.append((sumInfo, output.length..<(output.length + sumInfo.byteCount)))
    }

    /// Appends sums of the current tensor.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` on an I/O error; `.producerShortfall` if more
    ///   bytes come than the tensor holds.
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard let tensor = current, bytes.count <= tensor.remaining else {
            let info = current?.info ?? layout.last?.info
            throw TensorStoreError.producerShortfall(
                path: output.destination, tensor: info?.name ?? "", expected: info?.byteCount ?? 0,
                actual: (info?.byteCount ?? 0) - (current?.remaining ?? 0) + bytes.count)
        }
        try output.write(bytes)
        current = (tensor.info, tensor.remaining - bytes.count)
    }

    /// Writes every byte, syncs and renames the file into place.
    ///
    /// - Throws: `TensorStoreError` if a tensor is incomplete or the file cannot be written.
    package func commit() throws -> RunningSumFile {
        try finishCurrent()
        try output.commit()
        return RunningSumFile(path: output.destination, layout: layout)
    }

    private func finishCurrent() throws {
        if let tensor = current, tensor.remaining != 0 {
            throw TensorStoreError.producerShortfall(
                path: output.destination, tensor: tensor.info.name, expected: tensor.info.byteCount, actual: tensor.info.byteCount - tensor.remaining)
        }
        current = nil
    }
}
