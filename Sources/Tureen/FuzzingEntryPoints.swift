import GGUF
import NumPy
import PyTorch
import Safetensors

/// The parsers of untrusted bytes, for the coverage-guided fuzz harnesses in `Fuzz/` (a separate
/// package, which cannot see `package` declarations). Not part of the library's API.
@_spi(Fuzzing)
public enum FuzzingEntryPoints {
    /// The parsers a harness can drive, each a function of the fuzzer's input bytes.
    public enum Parser: String, CaseIterable, Sendable {
        case safetensorsHeader, shardedIndex, npyHeader, zipArchive, pytorchCheckpoint, ggufHeader
    }

    /// Runs `parser` over `bytes`; every parse error is expected and ignored.
    public static func parse(_ bytes: UnsafeRawBufferPointer, with parser: Parser) {
        switch parser {
        case .safetensorsHeader: SafetensorsFuzzing.parseHeader(bytes)
        case .shardedIndex: SafetensorsFuzzing.parseIndex(bytes)
        case .npyHeader: NumPyFuzzing.parseNpyHeader(bytes)
        case .zipArchive: NumPyFuzzing.parseZipArchive(bytes)
        case .pytorchCheckpoint: PyTorchFuzzing.parseCheckpoint(bytes)
        case .ggufHeader: GGUFFuzzing.parseHeader(bytes)
        }
    }
}
