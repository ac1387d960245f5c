"""`import masklab` time vs `import keras`, in fresh interpreters; prints one JSON line.

    python benchmarks/import_time.py [--repeats 7]

Three commands, each run --repeats times in a new Python process (medians, seconds):
`import keras`, `import masklab`, and `import masklab, keras`. The overhead is what masklab adds
to a session that imports Keras anyway: (masklab + keras - keras) / keras.
"""

import argparse
import json
import statistics
import subprocess
import sys

from masklab.environment import quiet_env

CODE = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def measure(stmt, repeats):
    env = quiet_env()
    times = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", CODE.format(stmt=stmt)], capture_output=True, text=True,
                             check=True, env=env).stdout
        times.append(float(out.strip().splitlines()[-1]))
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    keras_s = measure("import keras", args.repeats)
    masklab_s = measure("import masklab", args.repeats)
    both_s = measure("import masklab, keras", args.repeats)
    print(json.dumps({
        "benchmark": "import_time", "import_keras_s": round(keras_s, 3), "import_masklab_s": round(masklab_s, 3),
        "import_masklab_and_keras_s": round(both_s, 3),
        "overhead_vs_keras_pct": round(100 * (both_s - keras_s) / keras_s, 1), "repeats": args.repeats,
    }))


if __name__ == "__main__":
    main()
