import TureenCore

/// A GGUF file's header, key-values and tensor infos, parsed from its bytes with ggml's own refusal
/// rules (gguf.cpp): version 2 or 3, no duplicate keys or names, names under 64 bytes, at most 4
/// dimensions, sizes that fit, rows a whole number of blocks, and every tensor's data exactly
/// where the running sum of the sizes before it, each padded to the alignment, puts it.
/// A pure function over bytes, so a fuzzer can drive it.
struct GGUFHeader {
    struct Tensor {
        let name: String
        /// Row-major (C order): GGUF's dimensions reversed.
        let shape: [Int]
        let type: GGMLType
        let elementCount: Int
        let byteCount: Int
        /// Offset from the start of the file.
        let fileOffset: Int
    }

    /// The key-values, in file order, each with a short description.
    private(set) var values: [(key: String, summary: String)] = []
    private(set) var tensors: [Tensor] = []
    private(set) var alignment = 32
    private(set) var dataStart = 0

    static let maximumNameBytes = 64
    static let maximumDimensions = 4
    static let maximumArrayDepth = 8

    /// Parses the header; `load`, when given, is called with each range before it is read.
    init(_ bytes: UnsafeRawBufferPointer, path: String, load: ((Range<Int>) throws -> Void)? = nil) throws {
        var reader = GGUFReader(bytes: bytes, path: path, load: load)
        try load?(0..<min(4, bytes.count))
        guard bytes.count >= 4, bytes[0] == 0x47, bytes[1] == 0x47, bytes[2] == 0x55, bytes[3] == 0x46 else {
            throw GGUFError.notGGUF(path: path)
        }
        reader.position = 4
        let version = try reader.u32()
        guard version == 2 || version == 3 else { throw GGUFError.unsupportedVersion(path: path, version: version) }
        let tensorCount = try reader.count("tensor count")
        let keyCount = try reader.count("key-value count")
        var keys = Set<String>()
        for _ in 0..<keyCount {
            let key = try reader.string()
            guard keys.insert(key).inserted else { throw GGUFError.badKey(path: path, key: key, detail: "appears more than once") }
            let type = try reader.u32()
            if key == "general.alignment" {
                guard type == 4 else { throw GGUFError.badKey(path: path, key: key, detail: "must be a u32") }
                let value = Int(try reader.u32())
                guard value > 0, value & (value - 1) == 0 else { throw GGUFError.badKey(path: path, key: key, detail: "\(value) is not a power of two") }
                alignment = value
                values.append((key, String(value)))
            } else {
                values.append((key, try reader.value(type: type, key: key, depth: 0)))
            }
        }
        var names = Set<String>()
        var infos: [(name: String, dims: [Int], type: GGMLType, offset: UInt64)] = []
        for _ in 0..<tensorCount {
            let name = try reader.string()
            guard name.utf8.count < Self.maximumNameBytes else {
                throw GGUFError.badTensor(path: path, tensor: name, detail: "its name is \(name.utf8.count) bytes; ggml allows at most \(Self.maximumNameBytes - 1)")
            }
            guard names.insert(name).inserted else { throw GGUFError.badTensor(path: path, tensor: name, detail: "appears more than once") }
            let rank = Int(try reader.u32())
            guard rank <= Self.maximumDimensions else {
                throw GGUFError.badTensor(path: path, tensor: name, detail: "\(rank) dimensions; ggml allows at most \(Self.maximumDimensions)")
            }
            var dims: [Int] = []
            for _ in 0..<rank {
                guard let dim = Int(exactly: try reader.u64()) else { throw GGUFError.badTensor(path: path, tensor: name, detail: "a dimension exceeds 63 bits") }
                dims.append(dim)
            }
            let code = try reader.u32()
            guard let type = GGMLType.known[code] else { throw GGUFError.badTensor(path: path, tensor: name, detail: "unknown ggml type \(code)") }
            infos.append((name, dims, type, try reader.u64()))
        }
        guard let start = Self.roundUp(reader.position, toMultipleOf: alignment) else {
            throw GGUFError.badHeader(path: path, offset: reader.position, detail: "the data start overflows")
        }
        dataStart = start
        var expectedOffset = 0
        for info in infos {
            func bad(_ detail: String) -> GGUFError { .badTensor(path: path, tensor: info.name, detail: detail) }
            guard let count = CheckedArithmetic.product(info.dims) else { throw bad("dimensions \(info.dims) overflow 64 bits") }
            let rowLength = info.dims.first ?? 1
            guard rowLength % info.type.blockElements == 0 else {
                throw bad("its rows of \(rowLength) elements are not a whole number of \(info.type.name) blocks of \(info.type.blockElements)")
            }
            guard let bytes = CheckedArithmetic.multiply(count / info.type.blockElements, info.type.blockBytes) else {
                throw bad("its size overflows 64 bits")
            }
            guard info.offset == UInt64(expectedOffset) else {
                throw bad("its data is at offset \(info.offset) but the tensors before it end at \(expectedOffset); ggml requires them contiguous, in order")
            }
            guard let fileOffset = CheckedArithmetic.sum(dataStart, expectedOffset), let end = CheckedArithmetic.sum(fileOffset, bytes),
                  end <= reader.bytes.count else {
                throw bad("its \(bytes) bytes at offset \(info.offset) run past the end of the \(reader.bytes.count)-byte file")
            }
            tensors.append(Tensor(name: info.name, shape: info.dims.reversed(), type: info.type, elementCount: count, byteCount: bytes, fileOffset: fileOffset))
            guard let next = CheckedArithmetic.sum(expectedOffset, bytes).flatMap({ Self.roundUp($0, toMultipleOf: alignment) }) else {
                throw bad("the running data size overflows 64 bits")
            }
            expectedOffset = next
        }
    }

    /// `value` rounded up to a multiple of the power of two `alignment`, or nil on overflow.
    static func roundUp(_ value: Int, toMultipleOf alignment: Int) -> Int? {
        CheckedArithmetic.sum(value, alignment - 1).map { $0 & ~(alignment - 1) }
    }
}
