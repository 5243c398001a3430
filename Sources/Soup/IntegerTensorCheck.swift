#if canImport(Glibc)
import Glibc
#endif
import TureenCore

/// Integer and bool tensors are never averaged: before a soup writes anything, they must be
/// identical in every model. Compared chunk by chunk, so a large integer tensor needs little memory.
enum IntegerTensorCheck {
    static let chunkByteCount = 4 << 20

    static func requireIdentical(_ tensors: [StoredTensor], locations: [String]) throws {
        guard let first = tensors.first else { return }
        let total = first.info.byteCount
        for (index, other) in tensors.enumerated().dropFirst() {
            var offset = 0
            while offset < total {
                let range = offset..<min(total, offset + chunkByteCount)
                let equal = try first.source.withBytes(in: range) { a in
                    try other.source.withBytes(in: range) { b in a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0) }
                }
                guard equal else {
                    throw SoupError.integerTensorsDiffer(tensor: first.info.name, first: locations[0], other: locations[index])
                }
                other.source.releaseBytes(before: range.upperBound)
                offset = range.upperBound
            }
        }
    }
}
