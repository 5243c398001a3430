import FuzzHarness

/// libFuzzer harness: zipArchive parser.
@_cdecl("FuzzZipArchive_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, parserName: "zipArchive")
}
