// The facade is the one module a library user (and the CLI) imports: it re-exports the tensor
// store, the soup recipes and jobs, the merge configuration, the architecture comparison, and the formats, whose errors
// (`NumPyError`, `HDF5Error`, `SafetensorsError`, `HuggingFaceError`, `KerasError`) a caller matches to say what to do next.
@_exported import Compare
@_exported import HDF5
@_exported import HuggingFace
@_exported import Keras
@_exported import MergeConfig
@_exported import NumPy
@_exported import Safetensors
@_exported import Soup
@_exported import TureenCore
