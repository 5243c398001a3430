/// Tureen's version, printed by `tureen --version` and part of a partitioned run's plan id (a
/// shard written by another version is not taken for one of this version's plan).
public enum TureenVersion {
    /// The version; the Makefile reads it from here for the wheel's and the dist folder's names.
    public static let current = "0.1.0"
}
