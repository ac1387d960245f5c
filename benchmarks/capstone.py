"""Lesson 07's four runs, {post, pre} padding x {Masking, no mask}; one JSON line per run.

    python benchmarks/capstone.py [--epochs 10] [--seed 0]

Each line: padding, masking, test accuracy (test set padded to 29 frames, as in training),
accuracy with the test set padded to 60 frames, and training seconds.
"""

import argparse
import json

from masklab.environment import set_quiet_defaults

set_quiet_defaults()  # before TensorFlow is imported

import masklab  # noqa: E402

with masklab.quiet_stderr():
    import keras  # noqa: E402, F401

from masklab.experiments import run_padding_masking  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for padding in ("post", "pre"):
        for masking in (True, False):
            result = run_padding_masking(padding, masking, epochs=args.epochs, seed=args.seed)
            line = {"benchmark": "capstone", "padding": padding, "masking": masking,
                    "test_accuracy": round(result.test_accuracy, 4),
                    "long_padding_accuracy": round(result.long_padding_accuracy, 4),
                    "train_seconds": result.train_seconds, "epochs": result.epochs}
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
