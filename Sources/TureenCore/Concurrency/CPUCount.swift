#if canImport(Glibc)
import CTureenSystem
import Glibc
#elseif canImport(Darwin)
import Darwin
#else
#error("Tureen builds on Linux (Glibc) and Darwin only")
#endif

/// How many cores this process may run on, the default for every computation's thread count.
package enum CPUCount {
    /// The cores in this process's affinity mask (a container or `taskset` may allow fewer than
    /// the machine has), at least 1.
    package static let available: Int = {
        #if canImport(Glibc)
        let allowed = Int(c_tureen_affinity_cpu_count())
        if allowed > 0 { return allowed }
        #endif
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()
}
