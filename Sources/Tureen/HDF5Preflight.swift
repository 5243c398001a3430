import HDF5

/// The check run on every HDF5 file before libhdf5 opens it (see `HDF5.HDF5Preflight`): the
/// facade's name for it, so that a program importing `Tureen` alone can install one.
public typealias HDF5Preflight = HDF5.HDF5Preflight
