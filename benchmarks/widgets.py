"""Median update latency of each masklab widget over 50 updates; one JSON line per widget.

    python benchmarks/widgets.py [--updates 50]

An update is one `.value` change of a control, as a click or a slider move makes it; the time
covers everything the widget recomputes and re-renders in Python (the browser's drawing is not
included). Targets: <= 50 ms median, <= 150 ms where the update runs a model.
"""

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np

import masklab

with masklab.quiet_stderr():
    import keras  # noqa: F401

from masklab.datasets import japanese_vowels
from masklab.widgets import (
    AttentionMaskExplorer,
    CapstoneExplorer,
    EmbeddingMaskExplorer,
    LossExplorer,
    PaddingExplorer,
    PropagationExplorer,
)


def timed(updates, change):
    times = []
    for i in range(updates):
        start = time.perf_counter()
        change(i)
        times.append(time.perf_counter() - start)
    return times


def report(name, times, runs_model):
    print(json.dumps({
        "benchmark": "widget_update", "widget": name, "updates": len(times), "runs_model": runs_model,
        "median_ms": round(1000 * statistics.median(times), 2), "p90_ms": round(1000 * np.percentile(times, 90), 2),
        "target_ms": 150 if runs_model else 50,
    }), flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=50)
    args = parser.parse_args(argv)
    (x_train, _), _ = japanese_vowels.load_data()

    padding = PaddingExplorer(x_train[:12])
    top = padding.maxlen.max
    report("PaddingExplorer", timed(args.updates, lambda i: setattr(padding.maxlen, "value", 5 + i % (top - 5))),
           runs_model=False)

    rng = np.random.default_rng(0)
    loss = LossExplorer(rng.normal(size=(2, 6, 1)), rng.normal(size=(2, 6, 1)))
    buttons = [b for row in loss.toggles for b in row]
    report("LossExplorer", timed(args.updates, lambda i: setattr(buttons[i % len(buttons)], "value",
                                                                 not buttons[i % len(buttons)].value)),
           runs_model=True)

    # Adding a layer: each update appends a layer to a growing stack, so every one is a stack not seen
    # before (only the new layer runs; RNNs are the slow ones). Then switching between stacks already
    # seen (their results are kept, nothing runs).
    propagation = PropagationExplorer(["Dense"])
    layers = ["LSTM(return_sequences)", "Conv1D", "Dense", "GRU(return_sequences)"]
    report("PropagationExplorer (add a new layer)",
           timed(args.updates, lambda i: setattr(propagation.add, "value", layers[i % len(layers)])), runs_model=True)
    stacks = [["Dense", "LSTM"], ["Dense", "Conv1D", "LSTM"], ["LSTM(return_sequences)", "GlobalAveragePooling1D"]]
    report("PropagationExplorer (switch stacks)",
           timed(args.updates, lambda i: setattr(propagation.stack, "value", stacks[i % 3])), runs_model=True)

    # Runs a small MultiHeadAttention at every update; its target is the 50 ms.
    attention = AttentionMaskExplorer()
    settings = [("query_length", 1 + i % 6) if i % 3 == 0 else ("key_length", 1 + (i * 5) % 6) if i % 3 == 1
                else ("causal", bool(i % 2)) for i in range(args.updates)]
    times = timed(args.updates, lambda i: setattr(getattr(attention, settings[i][0]), "value", settings[i][1]))
    print(json.dumps({
        "benchmark": "widget_update", "widget": "AttentionMaskExplorer", "updates": len(times), "runs_model": True,
        "median_ms": round(1000 * statistics.median(times), 2), "p90_ms": round(1000 * np.percentile(times, 90), 2),
        "target_ms": 50,
    }), flush=True)

    # Lesson 02: every update runs the Embedding and the LSTM (built once) on the typed ids.
    embedding = EmbeddingMaskExplorer()
    sequences = ["1 0 2 0", "3 4 0 0 0", "0 5 1", "2 2 0 3 0 1"]
    report("EmbeddingMaskExplorer", timed(args.updates, lambda i: setattr(embedding.ids, "value", sequences[i % 4])),
           runs_model=True)

    # Lesson 07: the accuracies were measured in the training runs; an update only looks them up and redraws.
    lengths = (29, 40, 50, 60, 70, 80, 90, 100)
    curves = {label: np.linspace(0.97, low, len(lengths)) for label, low in
              (("post, mask", 0.97), ("pre, mask", 0.97), ("post, no mask", 0.68), ("pre, no mask", 0.92))}
    capstone = CapstoneExplorer(lengths, curves)
    report("CapstoneExplorer", timed(args.updates, lambda i: setattr(capstone.maxlen, "value", lengths[i % 8])),
           runs_model=False)


if __name__ == "__main__":
    main()
