import CHDF5
#if canImport(Glibc)
import Glibc
#endif

/// The one path into libhdf5. The serial libhdf5 that Debian ships is not thread-safe (its global
/// state sits behind no lock of its own), so every call Tureen makes runs inside `locked`, which
/// holds one process-wide recursive mutex. Readers decode on whatever thread asks for bytes; the
/// lock serialises them. Zero-copy tensors never touch libhdf5 after the file is opened.
enum HDF5Library {
    private final class Mutex: @unchecked Sendable {
        // Safe to share: the pthread mutex is the synchronisation itself, set up once before use.
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

        init() {
            var attributes = pthread_mutexattr_t()
            pthread_mutexattr_init(&attributes)
            pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
            pthread_mutex_init(mutex, &attributes)
            pthread_mutexattr_destroy(&attributes)
        }
    }

    /// Initialised once: the mutex, and libhdf5 with its automatic error printing turned off (every
    /// failure is reported through `check` as an `HDF5Error` instead).
    private static let mutex: Mutex = {
        let made = Mutex()
        H5open()
        H5Eset_auto2(tureen_H5E_DEFAULT(), nil, nil)
        return made
    }()

    /// Runs `body` holding the libhdf5 lock. Every libhdf5 call in Tureen is made inside one.
    @discardableResult
    static func locked<Result>(_ body: () throws -> Result) rethrows -> Result {
        let mutex = mutex.mutex
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Returns `value` if it is a success (not negative); otherwise throws `HDF5Error.library` with
    /// libhdf5's error stack, and clears the stack.
    @discardableResult
    static func check<Value: BinaryInteger>(
        _ value: Value, _ operation: @autoclosure () -> String, file: String, object: String
    ) throws -> Value {
        guard value < 0 else { return value }
        throw HDF5Error.library(path: file, object: object, operation: operation(), detail: takeErrorStack())
    }

    /// `message` without the report libhdf5's file driver gives of a failed read or write
    /// ("file write failed: time = …, filename = '…', file descriptor = 11, errno = 28, error
    /// message = 'No space left on device', buf = 0x…, …"): its first words and the system's
    /// message only (the report names the temporary file, spans lines, and prints −1 unsigned).
    static func shortened(_ message: String) -> String {
        guard let report = message.firstRange(of: ": time = "), let cause = message.firstRange(of: "error message = '") else { return message }
        let rest = message[cause.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return message }
        return message[..<report.lowerBound] + ": " + rest[..<end]
    }

    /// The descriptions on libhdf5's error stack, most specific first, and clears it.
    static func takeErrorStack() -> String {
        var messages: [String] = []
        withUnsafeMutablePointer(to: &messages) { pointer in
            _ = H5Ewalk2(tureen_H5E_DEFAULT(), H5E_WALK_UPWARD, { _, error, context in
                guard let error, let context, let text = error.pointee.desc else { return 0 }
                context.assumingMemoryBound(to: [String].self).pointee.append(HDF5Library.shortened(String(cString: text)))
                return 0
            }, pointer)
        }
        H5Eclear2(tureen_H5E_DEFAULT())
        let unique = messages.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return unique.isEmpty ? "no details on the error stack" : unique.prefix(3).joined(separator: "; ")
    }
}
