import TureenCore

/// Turns the byte counts a producer reports as it goes into `(bytes done, bytes in all)` calls.
/// Counts may come from several threads (a merge's first passes run while it writes); `report` is
/// called for one at a time, in the order they are counted.
func progressCounter(total: Int, report: @escaping (Int, Int) -> Void) -> (Int) -> Void {
    let done = LockedValue(0)
    return { bytes in
        done.withLock { done in
            done += bytes
            report(done, total)
        }
    }
}
