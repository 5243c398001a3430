import FuzzHarness

/// libFuzzer harness: shardedIndex parser.
@_cdecl("FuzzShardedIndex_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, parserName: "shardedIndex")
}
