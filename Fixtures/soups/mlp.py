"""The demo's network, its data and its checkpoint files, in numpy alone.

A three-layer perceptron (40 → 128 → 128 → 10, ReLU) with a hand-written forward and backward pass
and softmax cross-entropy. Parameters are named and laid out as PyTorch's `nn.Linear` would store
them (`fc1.weight` is out × in), so a checkpoint looks like any other to Tureen.
"""
import pathlib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE / "data.npz"
LAYERS = (40, 128, 128, 10)
NAMES = tuple(f"fc{i}.{kind}" for i in range(1, len(LAYERS)) for kind in ("weight", "bias"))


def load_data(split, path=DATA):
    """(x, y) of one split of the bundled data: pretrain, train, val or test."""
    with np.load(path) as data:
        return data[f"x_{split}"], data[f"y_{split}"]


def init_params(rng):
    """He-initialised weights and zero biases, float32."""
    params = {}
    for index, (fan_in, fan_out) in enumerate(zip(LAYERS, LAYERS[1:]), start=1):
        params[f"fc{index}.weight"] = (rng.standard_normal((fan_out, fan_in)) * np.sqrt(2 / fan_in)).astype(np.float32)
        params[f"fc{index}.bias"] = np.zeros(fan_out, np.float32)
    return params


def logits(params, x):
    """The network's outputs before the softmax."""
    h = x
    for index in range(1, len(LAYERS)):
        h = h @ params[f"fc{index}.weight"].T + params[f"fc{index}.bias"]
        if index < len(LAYERS) - 1:
            h = np.maximum(h, 0)
    return h


def cross_entropy(z, y):
    """Mean softmax cross-entropy of logits `z` against integer labels `y`, computed in float64."""
    z = z.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(z).sum(axis=1))
    return float(np.mean(log_norm - z[np.arange(len(y)), y]))


def loss_and_grad(params, x, y, label_smoothing=0.0):
    """Mean cross-entropy and its gradient with respect to every parameter (same names, shapes)."""
    activations = [x]
    h = x
    for index in range(1, len(LAYERS)):
        h = h @ params[f"fc{index}.weight"].T + params[f"fc{index}.bias"]
        if index < len(LAYERS) - 1:
            h = np.maximum(h, 0)
            activations.append(h)
    z = h - h.max(axis=1, keepdims=True)
    probabilities = np.exp(z)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    target = np.full_like(probabilities, label_smoothing / probabilities.shape[1])
    target[np.arange(len(y)), y] += 1 - label_smoothing
    loss = float(np.mean(-(target * np.log(np.maximum(probabilities, 1e-30))).sum(axis=1)))
    delta = (probabilities - target) / len(y)
    grads = {}
    for index in range(len(LAYERS) - 1, 0, -1):
        grads[f"fc{index}.weight"] = delta.T @ activations[index - 1]
        grads[f"fc{index}.bias"] = delta.sum(axis=0)
        if index > 1:
            delta = (delta @ params[f"fc{index}.weight"]) * (activations[index - 1] > 0)
    return loss, {name: grads[name].astype(params[name].dtype) for name in params}


def accuracy(params, x, y):
    return float(np.mean(logits(params, x).argmax(axis=1) == y))


def load_checkpoint(path):
    """The tensors of a .safetensors, .npz or .h5 checkpoint, by name (HDF5 groups joined with `.`)."""
    path = pathlib.Path(path)
    if path.suffix == ".safetensors":
        from safetensors.numpy import load_file
        return load_file(path)
    if path.suffix == ".npz":
        with np.load(path) as archive:
            return {name: archive[name] for name in archive.files}
    if path.suffix in (".h5", ".hdf5"):
        import h5py
        tensors = {}

        def take(name, item):
            if isinstance(item, h5py.Dataset):
                tensors[name.replace("/", ".")] = item[()]

        with h5py.File(path, "r") as file:
            file.visititems(take)
        return tensors
    raise SystemExit(f"{path}: not a .safetensors, .npz or .h5 checkpoint")


def save_checkpoint(tensors, path, metadata=None):
    """Writes `tensors` in the format the suffix names; in .h5, dotted names become groups."""
    path = pathlib.Path(path)
    if path.suffix == ".safetensors":
        from safetensors.numpy import save_file
        save_file(tensors, path, metadata=metadata)
    elif path.suffix == ".npz":
        np.savez(path, **tensors)
    elif path.suffix in (".h5", ".hdf5"):
        import h5py
        with h5py.File(path, "w", track_order=True) as file:
            for key, value in (metadata or {}).items():
                file.attrs[key] = value
            for name, value in tensors.items():
                file.create_dataset(name.replace(".", "/"), data=value)
    else:
        raise SystemExit(f"{path}: not a .safetensors, .npz or .h5 checkpoint")


def network_params(path):
    """The floating-point parameters of a checkpoint, as float32, checked against the network's layout."""
    tensors = load_checkpoint(path)
    missing = [name for name in NAMES if name not in tensors]
    if missing:
        raise SystemExit(f"{path}: no tensor named {', '.join(missing)}; found {', '.join(sorted(tensors))}")
    return {name: np.asarray(tensors[name], dtype=np.float32) for name in NAMES}
