// The facade is the one module a library user (and the CLI) imports: it re-exports the tensor
// store, the soup recipes and jobs, and the architecture comparison.
@_exported import Compare
@_exported import Soup
@_exported import TureenCore

