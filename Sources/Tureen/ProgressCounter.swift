/// Turns the byte counts a producer reports as it goes into `(bytes done, bytes in all)` calls.
func progressCounter(total: Int, report: @escaping (Int, Int) -> Void) -> (Int) -> Void {
    var done = 0
    return { bytes in
        done += bytes
        report(done, total)
    }
}
