"""The demo's gradient command for `tureen soup learned --grad`: prints the validation
cross-entropy of a checkpoint as the last line of stdout and writes ∂loss/∂θ, with the
checkpoint's tensor names and shapes in float32, to a safetensors file.

    python3 Fixtures/soups/grad.py soup.safetensors grad.safetensors
"""
import argparse

import mlp


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", help=".safetensors, .npz or .h5")
    parser.add_argument("grad", help="where to write the gradient (.safetensors, .npz or .h5)")
    options = parser.parse_args()
    x, y = mlp.load_data("val")
    loss, grads = mlp.loss_and_grad(mlp.network_params(options.checkpoint), x, y)
    mlp.save_checkpoint(grads, options.grad)
    print(loss)


if __name__ == "__main__":
    main()
