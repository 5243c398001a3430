import Foundation

/// Splits work over a range of values into one contiguous part per core and runs the parts
/// concurrently; small ranges run on the calling thread.
enum ParallelParts {
    private static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body` on each part of `0..<count` and returns the results in part order.
    static func map<Part>(count: Int, minimumPartSize: Int = 1 << 15, _ body: (Range<Int>) -> Part) -> [Part] {
        let partCount = min(coreCount, max(1, count / minimumPartSize))
        guard partCount > 1 else { return [body(0..<count)] }
        let ranges = (0..<partCount).map { part in (count * part / partCount)..<(count * (part + 1) / partCount) }
        var results = [Part?](repeating: nil, count: partCount)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            DispatchQueue.concurrentPerform(iterations: partCount) { part in
                slots[part] = body(ranges[part])
            }
        }
        return results.map { $0! }
    }
}
