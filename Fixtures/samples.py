"""Sample values for fixtures and interop tests, shared so every file exercises dtypes alike."""
import numpy as np


def sample(dtype, shape, rng, full_range=False):
    """Values that exercise `dtype`: integers from 0 to 100 (or the dtype's whole range with
    `full_range`), booleans, or floats with a sign and a fraction, drawn from `rng`."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if np.issubdtype(dtype, np.integer):
        if full_range:
            return rng.integers(np.iinfo(dtype).min, np.iinfo(dtype).max, size=shape, dtype=dtype, endpoint=True)
        return rng.integers(0, 100, size=shape).astype(dtype)
    if np.issubdtype(dtype, np.complexfloating):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    return np.asarray(rng.standard_normal(shape), dtype=np.float32).astype(dtype)
