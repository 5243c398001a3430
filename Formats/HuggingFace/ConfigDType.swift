import Safetensors
import TureenCore

/// The dtype fields of a `config.json` (`torch_dtype`, and `dtype` from transformers 4.56 on, at
/// any depth, as composite models nest configurations), set to the dtype the weights are written
/// in. The value's bytes are replaced in place; every other byte of the file stays as it was.
enum ConfigDType {
    static let fieldNames: Set<String> = ["torch_dtype", "dtype"]
    /// Names torch accepts for a dtype; a field holding anything else ("auto") is left alone.
    static let knownNames: Set<String> = ["float32", "float16", "bfloat16", "float64", "float8_e4m3fn", "float8_e5m2", "float", "half", "double"]

    /// torch's name of a floating-point `dtype`.
    static func torchName(of dtype: DType) -> String? {
        switch dtype {
        case .f32: return "float32"
        case .f16: return "float16"
        case .bf16: return "bfloat16"
        case .f64: return "float64"
        case .f8E4M3: return "float8_e4m3fn"
        case .f8E5M2: return "float8_e5m2"
        default: return nil
        }
    }

    /// The floating-point dtype holding most of `tensors`' values, as transformers takes the
    /// model's dtype from its parameters; nil without floating-point tensors.
    static func modelDType(of tensors: [TensorInfo]) -> DType? {
        var counts: [DType: Int] = [:]
        for tensor in tensors where tensor.dtype.isFloatingPoint { counts[tensor.dtype, default: 0] += tensor.elementCount }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key.rawValue > $1.key.rawValue) }?.key
    }

    /// The bytes of a `config.json` with every dtype field that names another dtype set to `name`,
    /// and the names it replaced; nil when no field changes.
    static func rewriting(_ config: [UInt8], to name: String) -> (bytes: [UInt8], replaced: [String])? {
        // The file parsed when it was read; parsing it again cannot fail.
        let spans = ((try? JSONParser.stringMembers(of: config)) ?? []).filter {
            fieldNames.contains($0.key) && knownNames.contains($0.value) && $0.value != name
        }
        guard !spans.isEmpty else { return nil }
        var bytes = config
        for span in spans.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            bytes.replaceSubrange(span.range, with: Array("\"\(name)\"".utf8))
        }
        return (bytes, spans.sorted { $0.range.lowerBound < $1.range.lowerBound }.map(\.value))
    }
}
