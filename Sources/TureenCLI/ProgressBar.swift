#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Tureen

/// A progress line on stderr (bytes done of total, rate, time left), shown only when stderr is a
/// terminal, `--quiet` was not given, and the work has taken more than about a second.
///
/// `track` ends what it starts: when the work succeeds, the line is drawn once more at 100 % and
/// ended with a newline (the last update a producer reports may come before its final bytes, and
/// updates are drawn at most ten times a second, so the last drawn state is usually short of the
/// total); when the work throws, the line is erased so that the error starts on a clean line.
final class ProgressBar {
    private let label: String
    private let start = Date()
    private let delay: TimeInterval
    private var lastDraw = Date.distantPast
    private var drawn = false
    private var total = 0
    private let enabled: Bool

    /// `enabled` false (for `--quiet`) draws nothing, as does a stderr that is not a terminal.
    /// `TUREEN_PROGRESS_DELAY` (seconds) replaces the one-second wait, for tests on a pseudo-terminal.
    init(label: String, enabled: Bool = true) {
        self.label = label
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
        delay = ProcessInfo.processInfo.environment["TUREEN_PROGRESS_DELAY"].flatMap(TimeInterval.init) ?? 1
    }

    /// Runs `work` with this bar's update function; see the type's comment for how the line ends.
    func track<Result>(_ work: (@escaping (Int, Int) -> Void) throws -> Result) rethrows -> Result {
        do {
            let result = try work(update)
            complete()
            return result
        } catch {
            erase()
            throw error
        }
    }

    /// Redraws the line for `done` of `total` bytes (at most ten times a second).
    func update(done: Int, total: Int) {
        guard enabled else { return }
        self.total = total
        let now = Date()
        guard now.timeIntervalSince(start) >= delay, now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        drawn = true
        let elapsed = now.timeIntervalSince(start)
        let rate = Double(done) / max(elapsed, 1e-9)
        let left = rate > 0 ? Double(max(0, total - done)) / rate : 0
        draw(done: done, rate: rate, ending: String(format: "%.0fs left", left))
    }

    /// The line at 100 %, with the time taken, and a newline; nothing if it was never drawn.
    private func complete() {
        guard drawn else { return }
        let elapsed = Date().timeIntervalSince(start)
        draw(done: total, rate: Double(total) / max(elapsed, 1e-9), ending: String(format: "%.1fs", elapsed))
        StandardError.write("\n")
    }

    /// Clears the line and puts the cursor back at its start.
    private func erase() {
        if drawn { StandardError.write("\r\u{1B}[K") }
    }

    private func draw(done: Int, rate: Double, ending: String) {
        let fraction = min(1, Double(done) / Double(max(total, 1)))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = String(format: "%3.0f%%", fraction * 100)
        // ESC [ K clears what a longer earlier line left to the right of this one.
        StandardError.write("\r\(label) [\(bar)] \(percent) \(Self.size(done)) / \(Self.size(total))  \(Self.size(Int(rate)))/s  \(ending)\u{1B}[K")
    }

    static func size(_ bytes: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}
