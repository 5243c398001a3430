import XCTest
import CZlib
@testable import NumPy
import Zip

final class CRC32Tests: XCTestCase {
    func testMatchesZlibForEveryLengthAndAlignment() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4200).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes.withUnsafeBytes { all in
            for offset in 0..<17 {
                for length in [0, 1, 15, 16, 63, 64, 65, 79, 80, 127, 128, 129, 1000, 4096 + 7] {
                    let view = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)])
                    var crc = CRC32()
                    crc.update(UnsafeRawBufferPointer(rebasing: view.prefix(length / 3)))
                    crc.update(UnsafeRawBufferPointer(rebasing: view.dropFirst(length / 3)))
                    let expected = UInt32(crc32_z(0, view.baseAddress?.assumingMemoryBound(to: Bytef.self), view.count))
                    XCTAssertEqual(crc.value, expected, "offset \(offset) length \(length)")
                }
            }
        }
    }

    func testKnownCheckValue() {
        var crc = CRC32()
        crc.update(Array("123456789".utf8))
        XCTAssertEqual(crc.value, 0xCBF4_3926)
    }
}
