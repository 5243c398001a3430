import FuzzHarness

/// libFuzzer harness: npyHeader parser.
@_cdecl("FuzzNpyHeader_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, parserName: "npyHeader")
}
