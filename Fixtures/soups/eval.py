"""The demo's evaluator: prints a checkpoint's accuracy on the held-out validation split (or
`--split test`) as the last line of stdout, as `tureen soup greedy --eval` reads it.

    python3 Fixtures/soups/eval.py soup.safetensors             # 0.7835
    python3 Fixtures/soups/eval.py soup.npz --split test
"""
import argparse

import mlp


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", help=".safetensors, .npz or .h5")
    parser.add_argument("--split", choices=("val", "test"), default="val")
    options = parser.parse_args()
    x, y = mlp.load_data(options.split)
    print(mlp.accuracy(mlp.network_params(options.checkpoint), x, y))


if __name__ == "__main__":
    main()
