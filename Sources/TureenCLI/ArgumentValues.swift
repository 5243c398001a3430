import ArgumentParser
import Foundation
import Tureen
import TureenCore

extension DType: ExpressibleByArgument {
    /// Any spelling `DType(name:)` knows: `bf16`, `BF16`, `bfloat16`.
    public init?(argument: String) {
        self.init(name: argument)
    }

    /// The spelling the CLI shows: the safetensors name in lower case (`f8_e4m3`).
    public var defaultValueDescription: String { rawValue.lowercased() }

    /// Every dtype as the CLI spells it.
    public static var allValueStrings: [String] { allCases.map(\.defaultValueDescription) }
}

/// A dtype `--dtype` casts to: a real floating-point one, which help lists.
struct FloatingPointDType: ExpressibleByArgument {
    let dtype: DType

    init?(argument: String) {
        guard let dtype = DType(argument: argument), dtype.isFloatingPoint else { return nil }
        self.dtype = dtype
    }

    static var allValueStrings: [String] { DType.allCases.filter(\.isFloatingPoint).map(\.defaultValueDescription) }
}

/// A dtype `--assume-v2` reads untyped void data as: one that NumPy can only store as void data.
struct VoidDType: ExpressibleByArgument {
    static let choices: [DType] = [.bf16, .f8E4M3, .f8E5M2]
    let dtype: DType

    init?(argument: String) {
        guard let dtype = DType(argument: argument), Self.choices.contains(dtype) else { return nil }
        self.dtype = dtype
    }

    static var allValueStrings: [String] { choices.map(\.defaultValueDescription) }
}

extension WriteOptions.Layout: ExpressibleByArgument {
    /// The layout's name, in any case.
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased())
    }
}

extension SoupOptions.IntegerPolicy: ExpressibleByArgument {}

extension OutputDTypeRule: ExpressibleByArgument {
    /// `widest`, or a floating-point dtype name.
    public init?(argument: String) {
        if argument == "widest" {
            self = .widest
        } else if let dtype = FloatingPointDType(argument: argument)?.dtype {
            self = .fixed(dtype)
        } else {
            return nil
        }
    }

    public var defaultValueDescription: String {
        switch self {
        case .firstIngredient: return "the first ingredient's"
        case let .fixed(dtype): return dtype.defaultValueDescription
        case .widest: return "widest"
        }
    }

    /// `widest` and the floating-point dtypes.
    public static var allValueStrings: [String] { ["widest"] + FloatingPointDType.allValueStrings }
}

/// Parsers for option values that are more than one token of a type.
enum ArgumentValue {
    /// A positive number of bytes: `5GB`, `500MB`, `2GiB` or `1000000` (GB = 10⁹, as in huggingface_hub).
    @Sendable static func byteSize(_ text: String) throws -> Int {
        guard let size = ByteSize.parse(text) else { throw ValidationError("expected a size such as 5GB, 500MB or 1000000") }
        return size
    }

    /// Comma-separated finite decimal numbers: `0.5,0.3,0.2`, `-1,2,0`; an empty field is an error,
    /// not left out (it would shift every later weight onto another ingredient), and so are `inf`,
    /// `nan` and numbers beyond Double's range (`1e400`), which no weight can be.
    @Sendable static func numbers(_ text: String) throws -> [Double] {
        try text.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { position, item in
            let field = item.trimmingCharacters(in: .whitespaces)
            guard !field.isEmpty else { throw ValidationError("expected comma-separated numbers; field \(position + 1) of '\(text)' is empty") }
            guard let value = Double(decimal: field) else {
                throw ValidationError("expected comma-separated decimal numbers; '\(item)' is not one")
            }
            guard value.isFinite else { throw ValidationError("expected finite numbers; '\(item)' is \(value)") }
            return value
        }
    }
}
