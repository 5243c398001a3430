import GGUF
import HDF5
import HuggingFace
import Keras
import NumPy
import PyTorch
import Safetensors
import TureenCore

extension FormatRegistry {
    /// Every format Tureen ships, in the order the registry tries them. Adding a format is one line here.
    public static let standard = FormatRegistry(formats: [
        // First: a model folder's weights are safetensors or .bin files, which those formats would claim.
        .huggingface,
        .safetensors,
        .npy,
        .npz,
        .hdf5,
        .pytorch,
        .gguf,
        .keras,
    ])
}
