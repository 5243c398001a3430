import FuzzHarness

/// libFuzzer harness: safetensorsHeader parser.
@_cdecl("FuzzSafetensorsHeader_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, parserName: "safetensorsHeader")
}
