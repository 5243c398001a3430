import XCTest
@testable import PyTorch

/// Pickles that reuse one memoized value many times: each reference must cost work bounded by a
/// budget, not the value's whole size again (which made 40 KB inputs take seconds and 80 KB ones
/// minutes under the fuzzer).
final class PickleWorkBoundsTests: XCTestCase {
    private func flatten(_ body: [UInt8], limits: PickleLimits) throws -> CheckpointTree {
        let machine = PickleMachine(path: "work.pt", limits: limits)
        defer { machine.tearDown() }
        let root = try ([0x80, 0x02] + body + [0x2E]).withUnsafeBytes { try machine.run($0, from: 0).value }
        return try CheckpointTree(root: root, select: nil, stripPrefix: nil, limits: limits, path: "work.pt")
    }

    private func assertRefused(
        _ body: [UInt8], limits: PickleLimits, mentions text: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try flatten(body, limits: limits), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(text), "\(error)", file: file, line: line)
        }
    }

    private func string(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        return [0x58] + withUnsafeBytes(of: UInt32(utf8.count).littleEndian, Array.init) + utf8
    }

    private func repeated(_ bytes: [UInt8], _ count: Int) -> [UInt8] { Array([[UInt8]](repeating: bytes, count: count).joined()) }

    private func global(_ module: String, _ name: String) -> [UInt8] { [0x63] + Array("\(module)\n\(name)\n".utf8) }

    func testASharedListWithoutTensorsCountsItsLengthAtEveryReference() {
        // [L, L, …] with L a memoized list of 1,000 ints, 200 times: 200,000 values looked at.
        let body: [UInt8] = [0x5D, 0x28, 0x5D, 0x71, 0, 0x28] + repeated([0x4B, 1], 1_000) + [0x65]
            + repeated([0x68, 0], 199) + [0x65]
        var limits = PickleLimits.standard
        limits.maximumVisits = 100_000
        assertRefused(body, limits: limits, mentions: "memo bomb")
    }

    func testAReduceCountsTheValuesItsArgumentsHold() {
        // OrderedDict(P) 1,000 times over one memoized list P of 1,000 pairs: a million entries copied.
        let body: [UInt8] = [0x5D, 0x28] + global("collections", "OrderedDict") + [0x71, 0, 0x5D, 0x28]
            + repeated([0x4B, 1, 0x4B, 2, 0x86], 1_000) + [0x65, 0x71, 1]
            + repeated([0x68, 0, 0x68, 1, 0x85, 0x52], 1_000) + [0x65]
        var limits = PickleLimits.standard
        limits.maximumObjects = 200_000
        assertRefused(body, limits: limits, mentions: "builds or copies more than 200000 values")
    }

    func testATensorOfMoreThanSixtyFourDimensionsIsRefusedWhenRebuilt() {
        let storage: [UInt8] = [0x28] + string("storage") + global("torch", "FloatStorage") + string("0") + string("cpu") + [0x4B, 1, 0x74, 0x51]
        let sizes: [UInt8] = [0x28] + repeated([0x4B, 1], 65) + [0x74]
        let body: [UInt8] = global("torch._utils", "_rebuild_tensor_v2") + [0x28] + storage + [0x4B, 0] + sizes + sizes
            + [0x89] + global("collections", "OrderedDict") + [0x29, 0x52, 0x74, 0x52]
        assertRefused(body, limits: .standard, mentions: "65 dimensions")
    }

    func testAStorageKeyLongerThanTorchWritesIsRefused() {
        // Each BINPERSID of a memoized ('storage', …) tuple hashes and compares its key: a long key
        // made every reference cost its length.
        let key = String(repeating: "7", count: PickleLimits.standard.maximumStorageKeyBytes + 1)
        let body: [UInt8] = [0x5D, 0x28, 0x28] + string("storage") + global("torch", "FloatStorage") + string(key) + string("cpu")
            + [0x4B, 1, 0x74, 0x71, 0, 0x51] + repeated([0x68, 0, 0x51], 10) + [0x65]
        assertRefused(body, limits: .standard, mentions: "key of \(key.utf8.count) bytes")
    }

    func testEncodingOneStringOverAndOverIsBounded() {
        // _codecs.encode(S, 'latin1') 1,000 times over one memoized 10 KB string: 10 MB produced.
        let body: [UInt8] = [0x5D, 0x28] + global("_codecs", "encode") + [0x71, 0] + string(String(repeating: "a", count: 10_000))
            + [0x71, 1] + string("latin1") + [0x71, 2] + repeated([0x68, 0, 0x68, 1, 0x68, 2, 0x86, 0x52], 1_000) + [0x65]
        var limits = PickleLimits.standard
        limits.maximumEncodedBytes = 1_000_000
        assertRefused(body, limits: limits, mentions: "_codecs.encode")
    }

    func testNamesBuiltFromALongMemoizedKeyAreBounded() {
        // {K: X} 100 times, X = {K: None} 100 times, K a memoized 2 KB key: 40 MB of names.
        let key = string(String(repeating: "k", count: 2_000)) + [0x71, 0]
        let inner: [UInt8] = [0x7D, 0x71, 1, 0x28] + repeated([0x68, 0, 0x4E], 100) + [0x75]
        let body: [UInt8] = [0x7D, 0x28] + key + inner + repeated([0x68, 0, 0x68, 1], 99) + [0x75]
        var limits = PickleLimits.standard
        limits.maximumNameBytes = 4_000_000
        assertRefused(body, limits: limits, mentions: "names")
    }

    func testAMemoizedLongStringIsDescribedWithoutRescanningIt() throws {
        // {k0: S, k1: S, …} with S a memoized 1 MB string: each description must not count S again.
        let body: [UInt8] = [0x7D, 0x28] + string("s") + string(String(repeating: "a", count: 1 << 20)) + [0x71, 0]
            + (1..<2_000).flatMap { string("k\($0)") + [0x68, 0] } + [0x75]
        let started = Date()
        let tree = try flatten(body, limits: .standard)
        XCTAssertEqual(tree.nonTensorValues.first?.summary, "a string of 1048576 bytes")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "recounting the string at each reference takes minutes")
    }
}
