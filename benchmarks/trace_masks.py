"""Time masklab.trace_masks on a 20-layer model; prints one JSON line.

    python benchmarks/trace_masks.py [--repeats 20]

The model: Input(30 ids) -> Embedding(mask_zero=True) -> 17 x Dense(16) -> LSTM(8) -> Dense(1),
20 layers, batch of 32 padded sequences. Reports the median and the first (cold) call, in ms,
next to a plain model(x) call for scale.
"""

import argparse
import json
import statistics
import time

from masklab.environment import set_quiet_defaults

set_quiet_defaults()  # before TensorFlow is imported

import numpy as np  # noqa: E402

import masklab  # noqa: E402

with masklab.quiet_stderr():
    import keras  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)
    L = keras.layers
    model = keras.Sequential([keras.Input((30,)), L.Embedding(100, 16, mask_zero=True),
                              *[L.Dense(16) for _ in range(17)], L.LSTM(8), L.Dense(1)])
    ids = masklab.pad_batch([np.arange(1, n + 1) for n in np.random.default_rng(0).integers(5, 31, 32)],
                            maxlen=30, padding="post").values
    start = time.perf_counter()
    trace = masklab.trace_masks(model, ids)
    cold = time.perf_counter() - start
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        masklab.trace_masks(model, ids)
        times.append(time.perf_counter() - start)
    calls = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        model(ids)
        calls.append(time.perf_counter() - start)
    print(json.dumps({
        "benchmark": "trace_masks", "layers": len(trace), "batch": int(ids.shape[0]),
        "median_ms": round(1000 * statistics.median(times), 1), "first_call_ms": round(1000 * cold, 1),
        "model_call_median_ms": round(1000 * statistics.median(calls), 1), "repeats": args.repeats,
    }))


if __name__ == "__main__":
    main()
