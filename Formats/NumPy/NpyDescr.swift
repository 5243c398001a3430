import TureenCore

/// A NumPy dtype descriptor such as `<f4`, `>i8`, `|b1` or `<V2`, mapped to Tureen's dtypes.
///
/// numpy has no bfloat16 or float8: ml_dtypes saves them as untyped void data (`<V2`, `<V1`).
/// Tureen writes the same descriptor plus a `# tureen-dtype: bfloat16` comment after the header
/// dictionary (which numpy's parser skips), and reads void data as the dtype the comment records,
/// else as the `ReadOptions.assumedVoidTypes` dtype of its width, else refuses it.
struct NpyDescr: Equatable {
    /// Whether multi-byte values are stored most significant byte first.
    let isBigEndian: Bool
    /// The type character: `b`, `i`, `u`, `f`, `c` or `V`.
    let kind: Character
    /// The element width in bytes.
    let width: Int

    /// The prefix of the comment that records the true dtype of void data.
    static let dtypeRecordPrefix = "tureen-dtype:"

    /// Parses `text`; nil if it is not a byte order, a type character and a width.
    init?(_ text: String) {
        guard let order = text.first, "<>|=".contains(order), text.count >= 3 else { return nil }
        let kind = text[text.index(after: text.startIndex)]
        guard let width = Int(text.dropFirst(2)), width > 0, width <= 16 else { return nil }
        self.isBigEndian = order == ">"
        self.kind = kind
        self.width = width
    }

    /// The descriptor Tureen writes for `dtype` (always little-endian, as numpy writes on x86 and ARM).
    static func text(for dtype: DType) -> String {
        switch dtype {
        case .bool: return "|b1"
        case .u8: return "|u1"
        case .i8: return "|i1"
        case .i16: return "<i2"
        case .u16: return "<u2"
        case .i32: return "<i4"
        case .u32: return "<u4"
        case .i64: return "<i8"
        case .u64: return "<u8"
        case .f16: return "<f2"
        case .f32: return "<f4"
        case .f64: return "<f8"
        case .c64: return "<c8"
        case .c128: return "<c16"
        case .bf16: return "<V2"
        case .f8E4M3, .f8E5M2: return "<V1"
        }
    }

    /// The ml_dtypes name Tureen records for dtypes numpy stores as void data; nil for numpy's own dtypes.
    static func voidRecordName(for dtype: DType) -> String? {
        switch dtype {
        case .bf16: return "bfloat16"
        case .f8E4M3: return "float8_e4m3fn"
        case .f8E5M2: return "float8_e5m2"
        default: return nil
        }
    }

    /// The Tureen dtype for this descriptor; void data takes `recorded`, else the first of `assumed`
    /// of its width, when the widths agree.
    func dtype(recorded: DType?, assumed: [DType]) -> DType? {
        switch (kind, width) {
        case ("b", 1): return .bool
        case ("u", 1): return .u8
        case ("i", 1): return .i8
        case ("i", 2): return .i16
        case ("u", 2): return .u16
        case ("i", 4): return .i32
        case ("u", 4): return .u32
        case ("i", 8): return .i64
        case ("u", 8): return .u64
        case ("f", 2): return .f16
        case ("f", 4): return .f32
        case ("f", 8): return .f64
        case ("c", 8): return .c64
        case ("c", 16): return .c128
        case ("V", _):
            let candidate = recorded ?? assumed.first { $0.byteWidth == width }
            guard let candidate, NpyDescr.voidRecordName(for: candidate) != nil, candidate.byteWidth == width else { return nil }
            return candidate
        default: return nil
        }
    }

    /// The dtype name recorded in a header comment `tureen-dtype: NAME`, if any comment holds one.
    static func recordedName(in comments: [String]) -> String? {
        guard let record = comments.first(where: { $0.hasPrefix(dtypeRecordPrefix) }) else { return nil }
        return String(record.dropFirst(dtypeRecordPrefix.count)).trimmingSpaces()
    }
}
