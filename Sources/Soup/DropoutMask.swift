/// DARE's random mask as a counter-based generator: whether element `i` of ingredient `j`'s task
/// vector is kept depends on the seed, `j`, the tensor's name and `i` alone, never on the order in
/// which elements are visited, so chunk sizes, thread counts and partitions all give the same mask,
/// and each ingredient has a mask of its own.
///
/// With SplitMix64's finaliser `mix` and increment γ = 0x9E3779B97F4A7C15,
/// key = mix(mix(mix(seed + γ) ⊕ (j + γ)) ⊕ FNV-1a-64(UTF-8 name)), and the q-th output of a
/// SplitMix64 stream started at `key`, w(q) = mix(key + (q + 1)·γ): each group of 16 elements takes
/// four outputs, element `i` the 16-bit lane L = ⌊i/4⌋ mod 4 (from the highest bits down) of output
/// q = 4·⌊i/16⌋ + i mod 4, h = ⌊w(q)/2^(48 − 16L)⌋ mod 2¹⁶, and is kept when h < ⌈density·2¹⁶⌉ (all
/// arithmetic mod 2⁶⁴). The kept probability is the density rounded up to a multiple of 2⁻¹⁶
/// (mergekit draws a bf16 tensor's mask at the density rounded to bf16, a step of 2⁻⁸ or finer).
/// One output per four elements, laid out so that four outputs give four runs of four elements
/// (a vector operation each), makes the generator a small part of DARE's work.
struct DropoutMask: Sendable, Equatable {
    /// The stream's starting state for this ingredient and tensor.
    let key: UInt64
    /// ⌈density·2¹⁶⌉: a lane below it keeps its element.
    private let keptBelow: UInt64

    /// The mask of ingredient `ingredient` (0-based, base model not counted) for `tensorName`.
    init(seed: UInt64, ingredient: Int, tensorName: String, density: Double) {
        let nameHash = tensorName.utf8.reduce(Self.fnvOffset) { ($0 ^ UInt64($1)) &* Self.fnvPrime }
        let seeded = Self.mix(seed &+ Self.gamma)
        let perIngredient = Self.mix(seeded ^ (UInt64(ingredient) &+ Self.gamma))
        self.key = Self.mix(perIngredient ^ nameHash)
        self.keptBelow = UInt64((min(1, max(0, density)) * 0x1p16).rounded(.up))
    }

    /// Whether element `index` is kept.
    func keeps(_ index: Int) -> Bool {
        let element = UInt64(truncatingIfNeeded: index)
        let output = (element >> 4) << 2 | element & 3
        let lane = element >> 2 & 3
        return Self.mix(key &+ (output &+ 1) &* Self.gamma) >> (48 - 16 * lane) & 0xFFFF < keptBelow
    }

    /// Stores 1 in `factors[k]` where element `start + k` is kept and 0 where it is dropped.
    func fill(_ factors: UnsafeMutableBufferPointer<Double>, from start: Int) {
        guard let target = factors.baseAddress else { return }
        // Elements before the first whole group one by one, then whole groups, then the rest.
        let lead = min((16 - start & 15) & 15, factors.count)
        for k in 0..<lead { factors[k] = keeps(start &+ k) ? 1 : 0 }
        let groups = (factors.count - lead) / 16
        let firstOutput = UInt64(truncatingIfNeeded: start &+ lead) >> 2
        let keptBelow = SIMD4(repeating: keptBelow)
        let (kept, dropped) = (SIMD4<Double>(repeating: 1), SIMD4<Double>(repeating: 0))
        let raw = UnsafeMutableRawPointer(target + lead)
        // The states key + (q + 1)·γ of a group's four outputs, advanced by 4γ a group (an addition,
        // not a multiplication per output). One group a step: a short loop body lets the processor
        // overlap several steps' chains of multiplications.
        var states = SIMD4(repeating: key) &+ (SIMD4(repeating: firstOutput) &+ SIMD4(1, 2, 3, 4)) &* Self.gamma
        let advance = SIMD4(repeating: 4 &* Self.gamma)
        for group in 0..<groups {
            let words = Self.mix(states)
            states &+= advance
            for lane in 0..<4 {
                let draws = words &>> UInt64(48 - 16 * lane) & 0xFFFF
                raw.storeBytes(
                    of: dropped.replacing(with: kept, where: draws .< keptBelow),
                    toByteOffset: (16 * group + 4 * lane) * MemoryLayout<Double>.stride, as: SIMD4<Double>.self)
            }
        }
        for k in (lead + 16 * groups)..<factors.count { factors[k] = keeps(start &+ k) ? 1 : 0 }
    }

    private static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
    private static let fnvOffset: UInt64 = 0xCBF2_9CE4_8422_2325
    private static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3

    /// SplitMix64's output function (Stafford's Mix13), a bijection on 64-bit words.
    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `mix` of four words at once.
    @inline(__always)
    private static func mix(_ value: SIMD4<UInt64>) -> SIMD4<UInt64> {
        var z = value
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }
}
