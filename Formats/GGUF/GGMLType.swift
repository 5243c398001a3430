import TureenCore

/// A ggml tensor type as GGUF records it: its block size in elements and bytes, and how Tureen
/// serves it (as stored, dequantized to f32, or not at all).
struct GGMLType: Equatable {
    let code: UInt32
    let name: String
    let blockElements: Int
    let blockBytes: Int

    /// The dtype the tensor is served as as stored, for plain types.
    var plainDType: DType? {
        switch code {
        case 0: return .f32
        case 1: return .f16
        case 30: return .bf16
        case 28: return .f64
        case 24: return .i8
        case 25: return .i16
        case 26: return .i32
        case 27: return .i64
        default: return nil
        }
    }

    /// Whether Tureen dequantizes it on read (to f32).
    var isDequantized: Bool { code == 2 || code == 8 }

    /// The types ggml defines (gguf-py's GGML_QUANT_SIZES), by code.
    static let known: [UInt32: GGMLType] = {
        let table: [(UInt32, String, Int, Int)] = [
            (0, "F32", 1, 4), (1, "F16", 1, 2), (2, "Q4_0", 32, 18), (3, "Q4_1", 32, 20), (6, "Q5_0", 32, 22),
            (7, "Q5_1", 32, 24), (8, "Q8_0", 32, 34), (9, "Q8_1", 32, 40), (10, "Q2_K", 256, 84), (11, "Q3_K", 256, 110),
            (12, "Q4_K", 256, 144), (13, "Q5_K", 256, 176), (14, "Q6_K", 256, 210), (15, "Q8_K", 256, 292),
            (16, "IQ2_XXS", 256, 66), (17, "IQ2_XS", 256, 74), (18, "IQ3_XXS", 256, 98), (19, "IQ1_S", 256, 50),
            (20, "IQ4_NL", 32, 18), (21, "IQ3_S", 256, 110), (22, "IQ2_S", 256, 82), (23, "IQ4_XS", 256, 136),
            (24, "I8", 1, 1), (25, "I16", 1, 2), (26, "I32", 1, 4), (27, "I64", 1, 8), (28, "F64", 1, 8),
            (29, "IQ1_M", 256, 56), (30, "BF16", 1, 2), (34, "TQ1_0", 256, 54), (35, "TQ2_0", 256, 66), (39, "MXFP4", 32, 17), (40, "NVFP4", 64, 36), (41, "Q1_0", 128, 18),
        ]
        return Dictionary(uniqueKeysWithValues: table.map { ($0.0, GGMLType(code: $0.0, name: $0.1, blockElements: $0.2, blockBytes: $0.3)) })
    }()
}
