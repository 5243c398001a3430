/// DARE's random mask as a counter-based generator: whether element `i` of ingredient `j`'s task
/// vector is kept depends on the seed, `j`, the tensor's name and `i` alone, never on the order in
/// which elements are visited, so chunk sizes, thread counts and partitions all give the same mask,
/// and each ingredient has a mask of its own.
///
/// With SplitMix64's finaliser `mix` and increment γ = 0x9E3779B97F4A7C15,
/// key = mix(mix(mix(seed + γ) ⊕ (j + γ)) ⊕ FNV-1a-64(UTF-8 name)), and element `i` draws
/// u = (mix(key + (i + 1)·γ) >> 11)·2⁻⁵³, the `i`-th output of a SplitMix64 stream started at
/// `key`, uniform on [0, 1) in steps of 2⁻⁵³. It is kept when u < density (all arithmetic mod 2⁶⁴).
struct DropoutMask: Sendable, Equatable {
    /// The stream's starting state for this ingredient and tensor.
    let key: UInt64
    /// u < density exactly when u·2⁵³ (an integer) is below ⌈density·2⁵³⌉, so the comparison is one
    /// of integers, which the compiler vectorises.
    private let keptBelow: UInt64

    /// The mask of ingredient `ingredient` (0-based, base model not counted) for `tensorName`.
    init(seed: UInt64, ingredient: Int, tensorName: String, density: Double) {
        let nameHash = tensorName.utf8.reduce(Self.fnvOffset) { ($0 ^ UInt64($1)) &* Self.fnvPrime }
        let seeded = Self.mix(seed &+ Self.gamma)
        let perIngredient = Self.mix(seeded ^ (UInt64(ingredient) &+ Self.gamma))
        self.key = Self.mix(perIngredient ^ nameHash)
        self.keptBelow = UInt64((min(1, max(0, density)) * 0x1p53).rounded(.up))
    }

    /// Whether element `index` is kept.
    @inline(__always)
    func keeps(_ index: Int) -> Bool {
        Self.mix(state(index)) >> 11 < keptBelow
    }

    /// The generator's state for element `index`.
    @inline(__always)
    private func state(_ index: Int) -> UInt64 {
        key &+ (UInt64(truncatingIfNeeded: index) &+ 1) &* Self.gamma
    }

    /// Stores 1 in `factors[k]` where element `start + k` is kept and 0 where it is dropped.
    func fill(_ factors: UnsafeMutableBufferPointer<Double>, from start: Int) {
        // Wrapping arithmetic throughout (no overflow trap), so the loop vectorises.
        for k in factors.indices { factors[k] = keeps(start &+ k) ? 1 : 0 }
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
}
