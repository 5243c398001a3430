import FuzzHarness

/// libFuzzer harness: ggufHeader parser.
@_cdecl("FuzzGGUFHeader_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, parserName: "ggufHeader")
}
