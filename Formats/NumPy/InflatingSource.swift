import TureenCore
import Zip

/// Serves a deflated member's tensor bytes by inflating the member in order, one requested range
/// at a time into a buffer the size of the largest range; an earlier range restarts the inflater.
final class InflatingSource: TensorByteSource {
    private let file: MappedFile
    private let member: ZipMember
    private let dataOffset: Int
    private var inflater: MemberInflater?
    private var position = 0
    private var buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    /// A source for the tensor that starts `dataOffset` bytes into the inflated `member` of `file`.
    init(file: MappedFile, member: ZipMember, dataOffset: Int) {
        self.file = file
        self.member = member
        self.dataOffset = dataOffset
    }

    deinit {
        buffer.deallocate()
    }

    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        guard range.lowerBound >= 0, range.upperBound <= member.uncompressedSize - dataOffset else {
            throw TensorStoreError.rangeOutsideFile(path: "\(file.path):\(member.name)", range: range, fileSize: member.uncompressedSize - dataOffset)
        }
        let inflater: MemberInflater
        if let current = self.inflater, range.lowerBound >= position {
            inflater = current
        } else {
            self.inflater = nil
            inflater = try MemberInflater(file: file, member: member)
            try inflater.skip(dataOffset)
            self.inflater = inflater
            position = 0
        }
        try inflater.skip(range.lowerBound - position)
        if buffer.count < range.count {
            buffer.deallocate()
            buffer = .allocate(byteCount: range.count, alignment: 16)
        }
        let output = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<range.count])
        do {
            try inflater.read(into: output)
        } catch {
            self.inflater = nil
            throw error
        }
        position = range.upperBound
        return try body(UnsafeRawBufferPointer(output))
    }

    func releaseBytes(before offset: Int) {
        if offset >= member.uncompressedSize - dataOffset {
            inflater = nil
            buffer.deallocate()
            buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        }
    }
}
