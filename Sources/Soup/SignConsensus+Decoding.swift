import TureenCore

extension SignConsensus {
    /// Merges a block of TIES from the inputs' bytes in one loop, value by value: decoding, each
    /// ingredient's task vector trimmed and weighed, the elected sign and the agreeing sum, with no
    /// block of `Double`s stored between those steps (the separate loops of `TaskVectorSparsifier.weigh`
    /// and `merge` are bound by their stores). The arithmetic and its order are theirs, so the
    /// result is the same value for value (NaN payloads aside, which IEEE 754 leaves open).
    ///
    /// It applies where every input (`inputs`: the ingredients, then the base) has the dtype `dtype`,
    /// bf16, f16, f32 or f64 (or complex of those); there are at most eight ingredients (a loop is
    /// compiled for each count); and each one's mask over the block is one comparison
    /// (`TaskVectorSparsifier.lowestKeptKey`). Elsewhere it returns false and writes nothing.
    ///
    /// - Parameters:
    ///   - firstValue: the tensor-wide index of the block's first value (the masks depend on it).
    ///   - result: receives the merged values (as many as the block holds).
    func mergeDecoding(
        _ inputs: [UnsafeRawBufferPointer], dtype: DType, sparsifiers: [TaskVectorSparsifier], firstValue: Int,
        into result: UnsafeMutableBufferPointer<Double>
    ) -> Bool {
        precondition(sparsifiers.count == weights.count && inputs.count == weights.count + 1, "one input per ingredient and the base")
        guard [.bf16, .f16, .f32, .f64].contains(dtype.componentType) else { return false }
        // Each call's zeroed keys give the loop its ingredient count.
        return switch weights.count {
        case 1: mergeDecoding(inputs, dtype: dtype, lowestKeptKeys: InlineArray<1, UInt64>(repeating: 0), sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 2: mergeDecoding(inputs, dtype: dtype, lowestKeptKeys: InlineArray<2, UInt64>(repeating: 0), sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 3: mergeDecoding(inputs, dtype: dtype, lowestKeptKeys: InlineArray<3, UInt64>(repeating: 0), sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 4: mergeDecoding(inputs, dtype: dtype, lowestKeptKeys: InlineArray<4, UInt64>(repeating: 0), sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 5: mergeDecoding(inputs, dtype: dtype, lowestKeptKeys: InlineArray<5, UInt64>(repeating: 0), sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 6: mergeDecoding(inputs, dtype: dtype, lowestKeptKeys: InlineArray<6, UInt64>(repeating: 0), sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 7: mergeDecoding(inputs, dtype: dtype, lowestKeptKeys: InlineArray<7, UInt64>(repeating: 0), sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        case 8: mergeDecoding(inputs, dtype: dtype, lowestKeptKeys: InlineArray<8, UInt64>(repeating: 0), sparsifiers: sparsifiers, firstValue: firstValue, into: result)
        default: false
        }
    }

    /// `mergeDecoding` for `size` ingredients, filling in `lowestKeptKeys`.
    private func mergeDecoding<let size: Int>(
        _ inputs: [UnsafeRawBufferPointer], dtype: DType, lowestKeptKeys: InlineArray<size, UInt64>, sparsifiers: [TaskVectorSparsifier],
        firstValue: Int, into result: UnsafeMutableBufferPointer<Double>
    ) -> Bool {
        let count = result.count
        var keys = lowestKeptKeys
        for index in 0..<size {
            guard let key = sparsifiers[index].lowestKeptKey(from: firstValue, count: count) else { return false }
            keys[index] = key
        }
        guard count > 0 else { return true }
        let width = dtype.componentType.byteWidth
        precondition(inputs.allSatisfy { $0.count >= count * width }, "an input shorter than the block")
        let values = Block(
            sources: InlineArray { inputs[$0].baseAddress.unsafelyUnwrapped },
            base: inputs[size].baseAddress.unsafelyUnwrapped,
            lowestKeptKeys: keys,
            scales: InlineArray { sparsifiers[$0].scale },
            weights: InlineArray { weights[$0] },
            count: count)
        let output = result.baseAddress.unsafelyUnwrapped
        switch dtype.componentType {
        case .bf16: merge(values, into: output, decoding: BF16Words.self)
        case .f16: merge(values, into: output, decoding: F16Words.self)
        case .f32: merge(values, into: output, decoding: F32Words.self)
        default: merge(values, into: output, decoding: F64Words.self)
        }
        return true
    }

    /// What one block's loop reads, per ingredient: its bytes, lowest kept key, rescale factor and
    /// weight; and the base's bytes.
    private struct Block<let size: Int> {
        let sources: InlineArray<size, UnsafeRawPointer>
        let base: UnsafeRawPointer
        let lowestKeptKeys: InlineArray<size, UInt64>
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
                let factor: Double = TrimThreshold.magnitudeKey(delta) >= block.lowestKeptKeys[unchecked: index] ? 1 : 0
                let term = ((delta * factor) * scales[unchecked: index]) * weights[unchecked: index]
                terms[unchecked: index] = term
                total += term
            }
            var (sum, divisor) = (0.0, 0.0)
            Self.addAgreeingTerms(terms, weights: weights, elected: total >= 0 ? 1 : -1, to: &sum, &divisor)
            output[k] = completed(sum: sum, divisor: divisor, base: base, divides: divides)
        }
    }
}

/// How `SignConsensus.mergeDecoding` reads the values of one dtype: the word each is stored in, and
/// its value (exact), inlined into the loop so that it vectorises. (Written out rather than calling
/// `FloatBits` or `ElementCodec`: their functions are not inlined across modules here, and a call
/// per value stops the loop from vectorising, as `FloatTaskVectorBlocks` notes too.)
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
