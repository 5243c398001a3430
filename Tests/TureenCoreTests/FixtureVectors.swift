import Foundation
import TureenTestSupport
@testable import TureenCore

/// Reads the raw tensors of `Fixtures/safetensors/rounding_vectors.safetensors` (written by numpy and
/// ml_dtypes) with a minimal header walk of its own, so these tests do not depend on the format target.
struct FixtureVectors {
    let file: MappedFile
    let ranges: [String: Range<Int>]

    init() throws {
        file = try MappedFile(path: Fixtures.path("safetensors/rounding_vectors.safetensors"))
        let headerLength = try file.withUnsafeBytes(in: 0..<8) { Int($0.loadUnaligned(as: UInt64.self)) }
        let header = try file.withUnsafeBytes(in: 8..<(8 + headerLength)) { Data($0) }
        let json = try JSONSerialization.jsonObject(with: header) as! [String: Any]
        var ranges: [String: Range<Int>] = [:]
        for (name, value) in json where name != "__metadata__" {
            let offsets = (value as! [String: Any])["data_offsets"] as! [Int]
            ranges[name] = (8 + headerLength + offsets[0])..<(8 + headerLength + offsets[1])
        }
        self.ranges = ranges
    }

    func floats(_ name: String) throws -> [Float] {
        try file.withUnsafeBytes(in: ranges[name]!) { bytes in
            (0..<(bytes.count / 4)).map { Float(bitPattern: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
        }
    }

    func halfWords(_ name: String) throws -> [UInt16] {
        try file.withUnsafeBytes(in: ranges[name]!) { bytes in
            (0..<(bytes.count / 2)).map { bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self) }
        }
    }

    func bytes(_ name: String) throws -> [UInt8] {
        try file.withUnsafeBytes(in: ranges[name]!) { Array($0) }
    }
}
