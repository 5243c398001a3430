import XCTest
@testable import TureenCore

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

    func testDoublesRoundOnceToBF16AndF16() {
        // The one-rounding path used by the soup and cast kernels must agree with rounding to odd
        // in Float, then to nearest-even (the reference above) on ties, near-ties, subnormals,
        // overflow, zeros and random values; NaN stays NaN with its sign.
        var values: [Double] = [0, -0.0, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 65504, 65519.99, 65520, 0x1p-24, 0x1p-25, 0x1.8p-25]
        for bits in stride(from: 0, through: Int(UInt16.max), by: 7) {
            for wide in [Double(FloatBits.float(fromBF16: UInt16(bits))), Double(FloatBits.float(fromF16: UInt16(bits)))] where wide.isFinite {
                // Halfway to the next bf16 (2^44 double ulps) and to the next f16 (2^41).
                for halfway in [wide + wide.ulp * 0x1p44, wide + wide.ulp * 0x1p41] {
                    values += [wide, halfway, halfway.nextUp, halfway.nextDown, -halfway, halfway * 0x1p-120]
                }
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100_000 {
            values.append(Double(bitPattern: generator.next()))
            values.append(Double(Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))) * (1 + Double.random(in: -0x1p-20...0x1p-20)))
        }
        for value in values {
            let bf16 = FloatBits.bf16(fromDouble: value)
            let f16 = FloatBits.f16(fromDouble: value)
            if value.isNaN {
                XCTAssertTrue(FloatBits.float(fromBF16: bf16).isNaN && FloatBits.float(fromF16: f16).isNaN, "NaN \(value.bitPattern) lost")
                XCTAssertEqual(bf16 >> 15, f16 >> 15, "NaN sign")
                continue
            }
            XCTAssertEqual(bf16, FloatBits.bf16(from: FloatBits.floatRoundedToOdd(value)), "bf16 of \(value)")
            XCTAssertEqual(f16, FloatBits.f16(from: FloatBits.floatRoundedToOdd(value)), "f16 of \(value)")
        }
    }

    func testCountsNonFiniteValuesOfEveryFloatDType() {
        let bf16: [UInt16] = [0x7F80, 0xFF80, 0x7FC1, 0x3F80, 0x7F7F, 0x0000]
        let f16: [UInt16] = [0x7C00, 0xFE00, 0x7BFF, 0x3C00]
        let f32: [Float] = [.nan, .infinity, -.infinity, .greatestFiniteMagnitude, 1]
        let f64: [Double] = [.nan, 1, -.infinity]
        let e4m3: [UInt8] = [0x7F, 0xFF, 0x7E, 0x78]
        let e5m2: [UInt8] = [0x7C, 0xFD, 0x7B]
        XCTAssertEqual(bf16.withUnsafeBytes { ElementCodec.countNonFinite($0, dtype: .bf16) }, 3)
        XCTAssertEqual(f16.withUnsafeBytes { ElementCodec.countNonFinite($0, dtype: .f16) }, 2)
        XCTAssertEqual(f32.withUnsafeBytes { ElementCodec.countNonFinite($0, dtype: .f32) }, 3)
        XCTAssertEqual(f64.withUnsafeBytes { ElementCodec.countNonFinite($0, dtype: .f64) }, 2)
        XCTAssertEqual(f64.withUnsafeBytes { ElementCodec.countNonFinite($0, dtype: .c128) }, 2)
        XCTAssertEqual(e4m3.withUnsafeBytes { ElementCodec.countNonFinite($0, dtype: .f8E4M3) }, 2)
        XCTAssertEqual(e5m2.withUnsafeBytes { ElementCodec.countNonFinite($0, dtype: .f8E5M2) }, 2)
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
            output.withUnsafeMutableBytes { ElementCodec.encode(source, to: .bf16, into: $0) }
        }
        let words = output.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
        XCTAssertEqual(words, [0x3F81, 0xC020, 0x7F80, 0xFF80])
    }
}
