"""Lesson 07's four runs, {post, pre} padding x {Masking, no mask}; one JSON line per run, then a summary.

    python benchmarks/capstone.py [--epochs 10] [--seed 0] [--repeats 1]

Each run line: padding, masking, repeat, test accuracy (test set padded to 29 frames, as in
training), accuracy with the test set padded to 60 frames, and the time spent in ``fit``: wall
clock seconds and CPU seconds of the process (all its threads; less sensitive to other work on a
shared machine). With ``--repeats N`` the four configurations run N times, interleaved
(post/mask, post/no mask, pre/mask, pre/no mask, then again), so a slow spell falls on all four
alike; one summary line per configuration then gives the median, minimum and maximum of both
over the repeats. The figures are measurements, never assertions: they depend on the machine
and on what else it was doing.
"""

import argparse
import json
import os
import platform
import statistics

from masklab.environment import set_quiet_defaults

set_quiet_defaults()  # before TensorFlow is imported

import masklab

with masklab.quiet_stderr():
    import keras

from masklab.experiments import run_padding_masking

CONFIGURATIONS = [("post", True), ("post", False), ("pre", True), ("pre", False)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=1, help="runs per configuration, interleaved (>= 1)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    seconds = {configuration: [] for configuration in CONFIGURATIONS}
    cpu_seconds = {configuration: [] for configuration in CONFIGURATIONS}
    for repeat in range(args.repeats):
        for padding, masking in CONFIGURATIONS:
            result = run_padding_masking(padding, masking, epochs=args.epochs, seed=args.seed)
            seconds[padding, masking].append(result.train_seconds)
            cpu_seconds[padding, masking].append(result.train_cpu_seconds)
            line = {"benchmark": "capstone", "padding": padding, "masking": masking, "repeat": repeat,
                    "test_accuracy": round(result.test_accuracy, 4),
                    "long_padding_accuracy": round(result.long_padding_accuracy, 4),
                    "train_seconds": result.train_seconds, "train_cpu_seconds": result.train_cpu_seconds,
                    "epochs": result.epochs}
            print(json.dumps(line), flush=True)
    machine = {"keras": keras.version(), "backend": keras.backend.backend(), "cpus": os.cpu_count(),
               "processor": platform.machine()}
    for (padding, masking), values in seconds.items():
        cpu = cpu_seconds[padding, masking]
        print(json.dumps({"benchmark": "capstone-summary", "padding": padding, "masking": masking,
                          "repeats": len(values), "epochs": args.epochs,
                          "median_train_seconds": round(statistics.median(values), 2),
                          "min_train_seconds": min(values), "max_train_seconds": max(values),
                          "median_train_cpu_seconds": round(statistics.median(cpu), 2),
                          "min_train_cpu_seconds": min(cpu), "max_train_cpu_seconds": max(cpu), **machine}),
              flush=True)


if __name__ == "__main__":
    main()
