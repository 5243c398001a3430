import FuzzHarness

/// libFuzzer harness: pytorchCheckpoint parser.
@_cdecl("FuzzPyTorchCheckpoint_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, parserName: "pytorchCheckpoint")
}
