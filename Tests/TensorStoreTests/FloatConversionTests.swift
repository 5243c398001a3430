import XCTest
@testable import TensorStore

final class FloatConversionTests: XCTestCase {
    func testBF16RoundTripsEveryBitPatternThroughFloat() {
        for bits in 0...UInt16.max {
            let value = FloatBits.float(fromBF16: bits)
            let back = FloatBits.bf16(from: value)
            if value.isNaN {
                XCTAssertTrue(FloatBits.float(fromBF16: back).isNaN, "NaN \(bits) lost")
                XCTAssertEqual(back & 0x8000, bits & 0x8000, "NaN sign lost for \(bits)")
            } else {
                XCTAssertEqual(back, bits, "bf16 \(bits) did not survive")
            }
        }
    }

    func testF16RoundTripsEveryBitPatternThroughFloat() {
        for bits in 0...UInt16.max {
            let value = FloatBits.float(fromF16: bits)
            let back = FloatBits.f16(from: value)
            if value.isNaN {
                XCTAssertTrue(FloatBits.float(fromF16: back).isNaN)
            } else {
                XCTAssertEqual(back, bits, "f16 \(bits) did not survive")
            }
        }
    }

    func testFloat8RoundTripsEveryBitPattern() {
        for bits in 0...UInt8.max {
            let e4m3 = FloatBits.float(fromF8E4M3: bits)
            if e4m3.isNaN { XCTAssertTrue(FloatBits.float(fromF8E4M3: FloatBits.f8E4M3(from: e4m3)).isNaN) }
            else { XCTAssertEqual(FloatBits.f8E4M3(from: e4m3), bits) }
            let e5m2 = FloatBits.float(fromF8E5M2: bits)
            if e5m2.isNaN { XCTAssertTrue(FloatBits.float(fromF8E5M2: FloatBits.f8E5M2(from: e5m2)).isNaN) }
            else { XCTAssertEqual(FloatBits.f8E5M2(from: e5m2), bits) }
        }
    }

    func testRoundToOddThenNearestEvenMatchesDirectRoundingOfDoubles() {
        // 1 + 2^-8 + 2^-30 lies just above a bf16 tie: rounding through Float (RNE) would land on the
        // tie and round down to even; the correct bf16 rounding of the double goes up.
        let value = 1.0 + 0x1p-8 + 0x1p-30
        let direct = FloatBits.bf16(from: FloatBits.floatRoundedToOdd(value))
        XCTAssertEqual(direct, 0x3F81)
        XCTAssertEqual(FloatBits.bf16(from: Float(value)), 0x3F80, "the naive path double-rounds")
    }

    func testNarrowingMatchesNumPyAndMLDtypesVectors() throws {
        let vectors = try FixtureVectors()
        let inputs = try vectors.floats("input_f32")
        let expectations: [(String, (Float) -> UInt16)] = [
            ("f32_to_bf16", { FloatBits.bf16(from: $0) }),
            ("f32_to_f16", { FloatBits.f16(from: $0) }),
        ]
        for (name, convert) in expectations {
            let expected = try vectors.halfWords(name)
            for (index, input) in inputs.enumerated() {
                let actual = convert(input)
                if input.isNaN { continue }
                XCTAssertEqual(actual, expected[index], "\(name) of \(input)")
            }
        }
        let e4m3 = try vectors.bytes("f32_to_f8_e4m3")
        let e5m2 = try vectors.bytes("f32_to_f8_e5m2")
        for (index, input) in inputs.enumerated() where !input.isNaN {
            XCTAssertEqual(FloatBits.f8E4M3(from: input), e4m3[index], "f8_e4m3 of \(input)")
            XCTAssertEqual(FloatBits.f8E5M2(from: input), e5m2[index], "f8_e5m2 of \(input)")
        }
    }

    func testEncodeRoundsDoublesOnceToNearestEvenBF16() throws {
        let values: [Double] = [1.0 + 0x1p-8 + 0x1p-30, -2.5, .infinity, -.infinity]
        var output = [UInt8](repeating: 0, count: values.count * 2)
        values.withUnsafeBufferPointer { source in
            _ = output.withUnsafeMutableBytes { ElementCodec.encode(source, to: .bf16, into: $0) }
        }
        let words = output.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
        XCTAssertEqual(words, [0x3F81, 0xC020, 0x7F80, 0xFF80])
    }
}
