import TureenCore

/// The parsed header of one safetensors file: its tensors with their data byte ranges, and metadata.
///
/// `parse` is a pure function of the header bytes and the file size, so a fuzzer can drive it.
package struct SafetensorsHeader {
    /// One tensor entry: what it is and where its bytes are, relative to the start of the data section.
    package struct Entry {
        package let info: TensorInfo
        package let dataRange: Range<Int>
    }

    /// The largest header the reference reader accepts.
    package static let maximumHeaderLength: UInt64 = 100_000_000

    /// Tensors in data order.
    package let entries: [Entry]
    /// The `__metadata__` map, or empty.
    package let metadata: [String: String]
    /// The file offset where the data section starts (8 + header length).
    package let dataStart: Int

    /// Validates the first bytes of a file as a safetensors header with every rule of the reference
    /// reader, plus: duplicate keys are refused and `__metadata__` must map strings to strings (or be
    /// null, no metadata, as for the reference).
    ///
    /// - Parameters:
    ///   - prefix: the file's bytes from offset 0, at least through the header (the whole file is fine).
    ///   - fileSize: the file's total size in bytes.
    ///   - path: the file's name, for errors.
    /// - Throws: `SafetensorsError` naming the file, the tensor and the rule broken.
    package static func parse(_ prefix: UnsafeRawBufferPointer, fileSize: Int, path: String) throws -> SafetensorsHeader {
        guard fileSize >= 8, prefix.count >= 8 else { throw SafetensorsError.fileTooSmall(path: path, size: fileSize) }
        let headerLength = prefix.loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength <= maximumHeaderLength else { throw SafetensorsError.headerTooLarge(path: path, length: headerLength) }
        let length = Int(headerLength)
        guard 8 + length <= fileSize, 8 + length <= prefix.count else {
            throw SafetensorsError.headerPastEnd(path: path, headerLength: headerLength, fileSize: fileSize)
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: prefix[8..<(8 + length)])
        guard headerBytes.first == UInt8(ascii: "{") else { throw SafetensorsError.headerNotObject(path: path) }
        var seen = Set<String>()
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        do {
            // Member by member: a header of a million tensors never exists as a whole JSON tree.
            try JSONParser.parseObject(headerBytes) { key, value in
                guard seen.insert(key).inserted else { throw SafetensorsError.duplicateKey(path: path, key: key) }
                if key == "__metadata__" {
                    metadata = try parseMetadata(value, path: path)
                } else {
                    entries.append(try parseEntry(named: key, value, path: path))
                }
            }
        } catch let failure as JSONParser.Failure {
            throw SafetensorsError.headerNotUTF8JSON(path: path, detail: failure.description)
        }
        entries.sort { ($0.dataRange.lowerBound, $0.dataRange.upperBound) < ($1.dataRange.lowerBound, $1.dataRange.upperBound) }
        var end = 0
        for entry in entries {
            guard entry.dataRange.lowerBound == end else {
                throw SafetensorsError.offsetsNotContiguous(path: path, tensor: entry.info.name, expectedStart: end, actualStart: entry.dataRange.lowerBound)
            }
            end = entry.dataRange.upperBound
        }
        let available = fileSize - 8 - length
        guard end == available else { throw SafetensorsError.dataSizeMismatch(path: path, dataEnd: end, available: available) }
        return SafetensorsHeader(entries: entries, metadata: metadata, dataStart: 8 + length)
    }

    private static func parseMetadata(_ value: JSONValue, path: String) throws -> [String: String] {
        // null is no metadata, as the reference reader (an optional map) takes it.
        if case .null = value { return [:] }
        guard case let .object(members) = value else {
            throw SafetensorsError.badMetadata(path: path, detail: "found \(value.kindName) instead of an object")
        }
        var metadata: [String: String] = [:]
        for (key, item) in members {
            guard case let .string(text) = item else {
                throw SafetensorsError.badMetadata(path: path, detail: "'\(key)' is \(item.kindName)")
            }
            guard metadata.updateValue(text, forKey: key) == nil else {
                throw SafetensorsError.badMetadata(path: path, detail: "'\(key)' appears more than once")
            }
        }
        return metadata
    }

    private static func parseEntry(named name: String, _ value: JSONValue, path: String) throws -> Entry {
        guard case let .object(fields) = value else {
            throw SafetensorsError.badTensorEntry(path: path, tensor: name, detail: "expected an object with dtype, shape and data_offsets, found \(value.kindName)")
        }
        var byKey: [String: JSONValue] = [:]
        for (key, field) in fields {
            guard byKey.updateValue(field, forKey: key) == nil else {
                throw SafetensorsError.badTensorEntry(path: path, tensor: name, detail: "field '\(key)' appears more than once")
            }
        }
        guard case let .string(dtypeName)? = byKey["dtype"] else {
            throw SafetensorsError.badTensorEntry(path: path, tensor: name, detail: "'dtype' must be a string")
        }
        guard let dtype = DType(rawValue: dtypeName), dtype != .c128 else {
            throw SafetensorsError.unsupportedDType(path: path, tensor: name, dtype: dtypeName)
        }
        guard case let .array(shapeValues)? = byKey["shape"] else {
            throw SafetensorsError.badTensorEntry(path: path, tensor: name, detail: "'shape' must be an array of non-negative integers")
        }
        let shape = try shapeValues.map { dimension -> Int in
            guard let size = dimension.nonNegativeInteger else {
                throw SafetensorsError.badTensorEntry(path: path, tensor: name, detail: "'shape' must be an array of non-negative integers that fit in 64 bits")
            }
            return size
        }
        guard case let .array(offsetValues)? = byKey["data_offsets"], offsetValues.count == 2,
              let start = offsetValues[0].nonNegativeInteger, let end = offsetValues[1].nonNegativeInteger
        else {
            throw SafetensorsError.badTensorEntry(path: path, tensor: name, detail: "'data_offsets' must be two non-negative integers [begin, end]")
        }
        guard start <= end else {
            throw SafetensorsError.badTensorEntry(path: path, tensor: name, detail: "data_offsets [\(start), \(end)] end before they begin")
        }
        let info = try TensorInfo(name: name, dtype: dtype, shape: shape, file: path)
        guard info.byteCount == end - start else {
            throw SafetensorsError.byteLengthMismatch(path: path, tensor: name, expected: info.byteCount, actual: end - start)
        }
        return Entry(info: info, dataRange: start..<end)
    }
}
