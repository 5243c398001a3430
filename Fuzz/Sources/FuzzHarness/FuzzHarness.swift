@_spi(Fuzzing) import Tureen

/// libFuzzer's driver, for harnesses whose `main` is their own (SwiftPM links an executable's entry
/// point as `<Target>_main`, so libFuzzer's `main` is not used).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer with the command line `argc`/`argv`, feeding every input to the parser named
/// `parserName` (a `FuzzingEntryPoints.Parser` raw value).
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, parserName: String) -> CInt {
    guard let parser = FuzzingEntryPoints.Parser(rawValue: parserName) else { fatalError("no parser named \(parserName)") }
    FuzzTarget.parser = parser
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        FuzzTarget.run(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
}

/// The parser the C callback calls (libFuzzer's callback cannot capture it).
private enum FuzzTarget {
    // Set once, before libFuzzer starts, and only read afterwards, from libFuzzer's one thread.
    nonisolated(unsafe) static var parser = FuzzingEntryPoints.Parser.safetensorsHeader

    static func run(_ bytes: UnsafeRawBufferPointer) {
        FuzzingEntryPoints.parse(bytes, with: parser)
    }
}
