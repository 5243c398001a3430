import TureenCore

extension SignConsensus {
    /// Merges a block of TIES from the inputs' bytes in one loop, value by value: decoding, each
    /// ingredient's task vector trimmed and weighed, the elected sign and the agreeing sum, with no
    /// block of `Double`s stored between those steps (the separate loops of `TaskVectorSparsifier.weigh`
    /// and `merge` are bound by their stores). The arithmetic and its order are theirs, so the
    /// result is the same to the bit.
    ///
    /// It applies where every input (`inputs`: the ingredients, then the base) has the dtype `dtype`,
    /// bf16, f16, f32 or f64; there are at most `groupLimit` ingredients; and each one's mask over
    /// the block is one comparison (`TaskVectorSparsifier.lowestKeptKey`). Elsewhere it returns
    /// false and writes nothing.
    ///
    /// - Parameters:
    ///   - firstValue: the tensor-wide index of the block's first value (the masks depend on it).
    ///   - result: receives the merged values (as many as the block holds).
    func mergeDecoding(
        _ inputs: [UnsafeRawBufferPointer], dtype: DType, sparsifiers: [TaskVectorSparsifier], firstValue: Int,
        into result: UnsafeMutableBufferPointer<Double>
    ) -> Bool {
        precondition(sparsifiers.count == weights.count && inputs.count == weights.count + 1, "one input per ingredient and the base")
        return switch weights.count {
        case 1: mergeDecoding(InlineArray<1, Int> { $0 }, inputs, dtype: dtype, sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 2: mergeDecoding(InlineArray<2, Int> { $0 }, inputs, dtype: dtype, sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 3: mergeDecoding(InlineArray<3, Int> { $0 }, inputs, dtype: dtype, sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 4: mergeDecoding(InlineArray<4, Int> { $0 }, inputs, dtype: dtype, sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 5: mergeDecoding(InlineArray<5, Int> { $0 }, inputs, dtype: dtype, sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 6: mergeDecoding(InlineArray<6, Int> { $0 }, inputs, dtype: dtype, sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 7: mergeDecoding(InlineArray<7, Int> { $0 }, inputs, dtype: dtype, sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 8: mergeDecoding(InlineArray<8, Int> { $0 }, inputs, dtype: dtype, sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        default: false
        }
    }

    /// `mergeDecoding` for `size` ingredients (`ingredients`: 0, 1, …).
    private func mergeDecoding<let size: Int>(
        _ ingredients: InlineArray<size, Int>, _ inputs: [UnsafeRawBufferPointer], dtype: DType, sparsifiers: [TaskVectorSparsifier],
        firstValue: Int, into result: UnsafeMutableBufferPointer<Double>
    ) -> Bool {
        let count = result.count
        var cuts = InlineArray<size, UInt64>(repeating: 0)
        for index in 0..<size {
            guard let cut = sparsifiers[ingredients[index]].lowestKeptKey(from: firstValue, count: count) else { return false }
            cuts[index] = cut
        }
        guard count > 0 else { return true }
        let width = dtype.componentType.byteWidth
        precondition(inputs.allSatisfy { $0.count >= count * width }, "an input shorter than the block")
        let values = Block(
            sources: InlineArray { inputs[ingredients[$0]].baseAddress.unsafelyUnwrapped },
            base: inputs[size].baseAddress.unsafelyUnwrapped,
            cuts: cuts,
            scales: InlineArray { sparsifiers[ingredients[$0]].scale },
            weights: InlineArray { weights[ingredients[$0]] },
            count: count)
        let output = result.baseAddress.unsafelyUnwrapped
        switch dtype.componentType {
        case .bf16: merge(values, into: output, decoding: BF16Words.self)
        case .f16: merge(values, into: output, decoding: F16Words.self)
        case .f32: merge(values, into: output, decoding: F32Words.self)
        case .f64: merge(values, into: output, decoding: F64Words.self)
        default: return false
        }
        return true
    }

    /// What one block's loop reads, per ingredient: its bytes, lowest kept key, rescale factor and
    /// weight; and the base's bytes.
    private struct Block<let size: Int> {
        let sources: InlineArray<size, UnsafeRawPointer>
        let base: UnsafeRawPointer
        let cuts: InlineArray<size, UInt64>
        let scales: InlineArray<size, Double>
        let weights: InlineArray<size, Double>
        let count: Int
    }

    /// The loop over a block whose values are words that `Decoding` reads, with the normalisation,
    /// and whether every rescale factor and weight is 1 (the usual TIES: their products then
    /// change no value and are left out), constants in each copy.
    @inline(__always)
    private func merge<let size: Int, Decoding: WordDecoding>(
        _ block: Block<size>, into output: UnsafeMutablePointer<Double>, decoding: Decoding.Type
    ) {
        let unitFactors = (0..<size).allSatisfy { block.scales[$0] == 1 && block.weights[$0] == 1 }
        switch (normalize, unitFactors) {
        case (true, true): merge(block, into: output, divides: true, unitFactors: true, decoding: decoding)
        case (true, false): merge(block, into: output, divides: true, unitFactors: false, decoding: decoding)
        case (false, true): merge(block, into: output, divides: false, unitFactors: true, decoding: decoding)
        case (false, false): merge(block, into: output, divides: false, unitFactors: false, decoding: decoding)
        }
    }

    @inline(__always)
    private func merge<let size: Int, Decoding: WordDecoding>(
        _ block: Block<size>, into output: UnsafeMutablePointer<Double>, divides: Bool, unitFactors: Bool, decoding: Decoding.Type
    ) {
        let width = MemoryLayout<Decoding.Word>.size
        // x·1 = x for every x (NaN too), so with unit factors the constant 1s fold away.
        let (scales, weights) = unitFactors ? (InlineArray<size, Double>(repeating: 1), InlineArray<size, Double>(repeating: 1)) : (block.scales, block.weights)
        func decode(_ word: Decoding.Word) -> Double { Decoding.value(of: word) }
        for k in 0..<block.count {
            let offset = k &* width
            let base = decode(block.base.loadUnaligned(fromByteOffset: offset, as: Decoding.Word.self))
            // As `TaskVectorSparsifier.weigh`: ((δ·m)·s)·w, and the total from 0.
            var terms = InlineArray<size, Double>(repeating: 0)
            var total = 0.0
            for index in 0..<size {
                let delta = decode(block.sources[unchecked: index].loadUnaligned(fromByteOffset: offset, as: Decoding.Word.self)) - base
                let factor: Double = TrimThreshold.magnitudeKey(delta) >= block.cuts[unchecked: index] ? 1 : 0
                let term = ((delta * factor) * scales[unchecked: index]) * weights[unchecked: index]
                terms[unchecked: index] = term
                total += term
            }
            var (sum, divisor) = (0.0, 0.0)
            Self.addAgreeing(terms, weights: weights, elected: total >= 0 ? 1 : -1, to: &sum, &divisor)
            output[k] = completed(sum: sum, divisor: divisor, base: base, divides: divides)
        }
    }
}

/// How `SignConsensus.mergeDecoding` reads the values of one dtype: the word each is stored in, and
/// its value (exact), inlined into the loop so that it vectorises.
private protocol WordDecoding {
    associatedtype Word: FixedWidthInteger
    static func value(of word: Word) -> Double
}

private enum BF16Words: WordDecoding {
    @inline(__always) static func value(of word: UInt16) -> Double { Double(Float(bitPattern: UInt32(word) << 16)) }
}

private enum F16Words: WordDecoding {
    @inline(__always) static func value(of word: UInt16) -> Double { Double(Float16(bitPattern: word)) }
}

private enum F32Words: WordDecoding {
    @inline(__always) static func value(of word: UInt32) -> Double { Double(Float(bitPattern: word)) }
}

private enum F64Words: WordDecoding {
    @inline(__always) static func value(of word: UInt64) -> Double { Double(bitPattern: word) }
}
