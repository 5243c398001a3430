#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// The names of Tureen's temporaries: `.NAME.tureen-HOST-PID-XXXXXX` beside the output `NAME` (a
/// hidden name in the same folder, so the final rename stays within one file system), and the same
/// name plus `.old` for a folder set aside while it is replaced where the file system cannot swap
/// two folders. The host and process id let a later run tell a dead process's leftovers from a
/// live one's, even on storage that several machines share.
package struct TemporaryName: Equatable {
    /// The marker every temporary's name holds.
    package static let marker = ".tureen-"
    /// The suffix of a folder set aside during a two-step replacement.
    package static let asideSuffix = ".old"
    /// The longest file name Linux file systems take (`NAME_MAX`).
    static let maximumLength = 255

    /// The host that wrote it.
    package let host: String
    /// The process that wrote it.
    package let processID: Int32
    /// Whether it is a replaced folder set aside (`.old`), not a temporary being written.
    package let isAside: Bool
    /// The output's name as far as it fits (the whole name unless `isNameTruncated`).
    package let outputName: String
    /// Whether the output's name was cut to fit `NAME_MAX`.
    package let isNameTruncated: Bool

    /// The `mkstemp`/`mkdtemp` template of a temporary for the output called `outputName`, written
    /// by this process: the output's name is cut (at a character boundary) so that the temporary's
    /// name, with room for `.old`, stays within `NAME_MAX` even for a 255-byte output name.
    package static func template(for outputName: String) -> String {
        let tail = "\(marker)\(ProcessIdentity.host)-\(getpid())-XXXXXX"
        let room = maximumLength - 1 - tail.utf8.count - asideSuffix.utf8.count
        var kept = Substring(outputName)
        while kept.utf8.count > room { kept.removeLast() }
        // A cut name ends in "~" so that it cannot be taken for a whole one when it is parsed back.
        let shown = kept.count == outputName.count ? String(kept) : String(kept.dropLast()) + "~"
        return ".\(shown)\(tail)"
    }

    /// Parses a file name as a temporary's, or nil if it is not one of Tureen's.
    package init?(parsing fileName: String) {
        var name = Substring(fileName)
        isAside = name.hasSuffix(Self.asideSuffix)
        if isAside { name = name.dropLast(Self.asideSuffix.count) }
        guard name.hasPrefix("."), let markerStart = Self.lastMarker(in: name) else { return nil }
        let fields = name[name.index(markerStart, offsetBy: Self.marker.count)...]
        // HOST-PID-XXXXXX: the host may hold dashes, so read from the right.
        let parts = fields.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[parts.count - 1].count == 6, let pid = Int32(parts[parts.count - 2]), pid > 0 else { return nil }
        host = parts[..<(parts.count - 2)].joined(separator: "-")
        processID = pid
        let output = name[name.index(after: name.startIndex)..<markerStart]
        // A cut name fills the room to within one character (4 bytes) and its "~" (the host and
        // pid fields are those of the writer, so the room is the same): a whole name ending in "~"
        // that long is also taken for a cut one, which only means it is not restored automatically.
        isNameTruncated = output.hasSuffix("~") && name.utf8.count >= Self.maximumLength - Self.asideSuffix.utf8.count - 8
        outputName = String(output)
        guard !host.isEmpty, !outputName.isEmpty else { return nil }
    }

    /// Where the last `.tureen-` in `name` starts.
    private static func lastMarker(in name: Substring) -> Substring.Index? {
        var index = name.endIndex
        while index > name.startIndex {
            index = name.index(before: index)
            if name[index...].hasPrefix(marker) { return index }
        }
        return nil
    }

    /// Whether this process's host wrote it and the process that did is no longer running.
    package var isFromDeadProcessOfThisHost: Bool {
        host == ProcessIdentity.host && !ProcessIdentity.isRunning(processID)
    }
}

/// This machine's host name and the liveness of its processes, for naming temporaries.
package enum ProcessIdentity {
    /// The host name (`gethostname`), with `-`-safe characters only; "localhost" if it cannot be read.
    package static let host: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // A host name is letters, digits, dots and dashes; anything else (or "/") would not make a file name.
        let safe = String(name.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "." || $0 == "-") }.prefix(64))
        return safe.isEmpty ? "localhost" : safe
    }()

    /// Whether a process `pid` runs on this host (one that is not ours counts). A process that has
    /// ended but that its parent has not reaped yet (a zombie, as a process killed a moment ago may
    /// be) answers `kill(pid, 0)` but runs no more: its state in `/proc/PID/stat` says so.
    package static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        return !hasEnded(pid)
    }

    /// Whether `/proc/PID/stat` gives the state of a process that has ended (Z, zombie; X, dead),
    /// and no thread of it runs on (a main thread that ended alone also shows Z); false where
    /// either cannot be read.
    private static func hasEnded(_ pid: Int32) -> Bool {
        guard let stat = procFile("/proc/\(pid)/stat") else { return false }
        // "PID (COMMAND) STATE …": the command may hold spaces and parentheses; the state follows the last ")".
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")), close + 2 < stat.endIndex,
              [UInt8(ascii: "Z"), UInt8(ascii: "X")].contains(stat[close + 2]) else { return false }
        guard let status = procFile("/proc/\(pid)/status"),
              let line = String(decoding: status, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix("Threads:") }),
              let threads = Int(line.dropFirst("Threads:".count).trimmingPrefix(while: { $0 == " " || $0 == "\t" })) else { return false }
        return threads <= 1
    }

    /// The first 4 KiB of a `/proc` file, or nil if it cannot be read.
    private static func procFile(_ path: String) -> ArraySlice<UInt8>? {
        guard let descriptor = try? FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) else { return nil }
        defer { try? descriptor.close() }
        var bytes = [UInt8](repeating: 0, count: 4096)
        guard let count = try? bytes.withUnsafeMutableBytes({ try descriptor.read(into: $0) }) else { return nil }
        return bytes.prefix(count)
    }
}
