import XCTest
import TureenCore
@testable import NumPy

final class MaterializedSourceTests: XCTestCase {
    /// A source that declares far more bytes than it holds, as a corrupt deflated member does, and
    /// records what it is asked for.
    private final class ShortSource: TensorByteSource {
        let holds: Int
        var requests: [Range<Int>] = []

        init(holds: Int) {
            self.holds = holds
        }

        func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
            requests.append(range)
            guard range.upperBound <= holds else {
                throw NumPyError.corruptDeflate(path: "short.npz", member: "w.npy", detail: "the deflate stream ends early")
            }
            return try [UInt8](repeating: 1, count: range.count).withUnsafeBytes(body)
        }
    }

    func testDeclaredSizeIsNotAllocatedUpFrontSoACorruptMemberFailsWithItsError() {
        let base = ShortSource(holds: MaterializedSource.step)
        let source = MaterializedSource(base: base, byteCount: 1 << 40)
        XCTAssertThrowsError(try source.withBytes(in: 0..<4) { _ in }) { error in
            guard case .corruptDeflate(let path, let member, _)? = error as? NumPyError else { return XCTFail("\(error)") }
            XCTAssertEqual([path, member], ["short.npz", "w.npy"])
        }
        XCTAssertEqual(base.requests, [0..<MaterializedSource.step, MaterializedSource.step..<(2 * MaterializedSource.step)])
    }

    func testServesTheWholeTensorReadInSteps() throws {
        let count = MaterializedSource.step + 10
        let source = MaterializedSource(base: ShortSource(holds: count), byteCount: count)
        XCTAssertEqual(try source.withBytes(in: (count - 3)..<count) { Array($0) }, [1, 1, 1])
    }
}
