"""Rebuild masklab/datasets/data/japanese_vowels.npz from the aeon wheel.

The JapaneseVowels data set (Kudo, Toyama and Shimbo, 1999; UCI Machine
Learning Repository, CC BY 4.0) is distributed in the UEA/UCR ``.ts`` format
inside the ``aeon`` wheel on PyPI, at ``aeon/datasets/data/JapaneseVowels/``.
aeon is a build-time tool only: this script fetches its wheel with pip
(no dependencies), reads the two ``.ts`` files straight from the zip and
writes one compressed ``.npz`` that masklab ships.

Usage::

    python scripts/build_japanese_vowels.py            # fetch aeon with pip
    python scripts/build_japanese_vowels.py --wheel aeon-1.6.0-py3-none-any.whl

The output holds, for each split ("train", "test"):
``{split}_frames`` float32 (total_frames, 12), all utterances stacked;
``{split}_lengths`` int32 (n,), frames per utterance;
``{split}_labels`` int8 (n,), speaker 0..8 (the file's 1..9 minus one).
"""

from __future__ import annotations

import argparse
import pathlib
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

MEMBER = "aeon/datasets/data/JapaneseVowels/JapaneseVowels_{split}.ts"
OUT = pathlib.Path(__file__).resolve().parents[1] / "masklab" / "datasets" / "data" / "japanese_vowels.npz"


def parse_ts(text: str):
    """Parse a multivariate, unequal-length ``.ts`` file.

    Each data line is ``dim1:dim2:...:dim12:label`` where every ``dimK`` is a
    comma-separated series of the same length (the utterance's frames).
    Returns (list of float32 arrays (frames, 12), int labels as in the file).
    """
    xs, ys = [], []
    in_data = False
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.lower() == "@data":
            in_data = True
            continue
        if not in_data:
            continue
        *dims, label = line.split(":")
        series = [np.array(d.split(","), dtype=np.float64) for d in dims]
        if len({len(s) for s in series}) != 1:
            raise ValueError(f"dimensions of unequal length in line: {line[:60]}...")
        xs.append(np.stack(series, axis=1).astype(np.float32))
        ys.append(int(label))
    return xs, ys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=pathlib.Path, help="an aeon wheel already on disk")
    parser.add_argument("--out", type=pathlib.Path, default=OUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel
        if wheel is None:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-d", tmp, "aeon"],
                check=True,
            )
            wheel = next(pathlib.Path(tmp).glob("aeon-*.whl"))
        arrays = {}
        with zipfile.ZipFile(wheel) as zf:
            for split in ("train", "test"):
                text = zf.read(MEMBER.format(split=split.upper())).decode("utf-8")
                xs, ys = parse_ts(text)
                arrays[f"{split}_frames"] = np.concatenate(xs, axis=0)
                arrays[f"{split}_lengths"] = np.array([len(x) for x in xs], dtype=np.int32)
                arrays[f"{split}_labels"] = np.array(ys, dtype=np.int8) - 1
                print(f"{split}: {len(xs)} utterances, frames {min(map(len, xs))}..{max(map(len, xs))}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes) from {pathlib.Path(wheel).name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
