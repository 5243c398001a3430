import TureenCore

/// How a soup chooses the dtype of each merged (floating-point) tensor when its ingredients store it
/// in different precisions. Every input is read in its own dtype and accumulated in Float64, so the
/// choice only decides the one final rounding.
public enum OutputDTypeRule: Sendable, Equatable {
    /// The first ingredient's dtype for that tensor (the default).
    case firstIngredient
    /// This dtype for every floating-point tensor (`--dtype`).
    case fixed(DType)
    /// Per tensor, the narrowest float dtype that holds every ingredient's values exactly
    /// (`--dtype widest`): f64 > f32 > f16 and bf16 > f8; f16 with bf16 needs f32, the two f8s f16.
    case widest

    /// The output dtype of a floating-point tensor stored as `dtypes` in the ingredients, in order.
    public func dtype(forIngredientDTypes dtypes: [DType]) -> DType {
        switch self {
        case .firstIngredient: return dtypes[0]
        case let .fixed(dtype): return dtype
        case .widest: return Self.narrowestHoldingExactly(dtypes)
        }
    }

    /// The narrowest real float dtype that represents every value of every dtype in `dtypes` exactly.
    static func narrowestHoldingExactly(_ dtypes: [DType]) -> DType {
        let distinct = Set(dtypes)
        if distinct.count == 1 { return dtypes[0] }
        let width = distinct.map(\.byteWidth).max() ?? 4
        switch width {
        case 8...: return .f64
        case 4: return .f32
        case 2:
            // bf16 and f16 hold every f8 value; neither holds the other's.
            if distinct.contains(.f16) && distinct.contains(.bf16) { return .f32 }
            return distinct.contains(.f16) ? .f16 : .bf16
        default:
            // Two different f8s: f16 holds both (e5m2 is f16's top byte; e4m3's range and precision fit).
            return .f16
        }
    }
}
