import numpy as np

from masklab.datasets import japanese_vowels, zen_of_python


def test_japanese_vowels_split_shapes_and_labels():
    (x_train, y_train), (x_test, y_test) = japanese_vowels.load_data()
    assert len(x_train) == len(y_train) == 270
    assert len(x_test) == len(y_test) == 370
    lengths = [len(x) for x in x_train + x_test]
    assert min(lengths) == 7 and max(lengths) == 29
    assert all(x.dtype == np.float32 and x.ndim == 2 and x.shape[1] == 12 for x in x_train + x_test)
    assert sorted(set(y_train.tolist())) == list(range(9))
    # The UCI training split has 30 utterances per speaker.
    assert np.bincount(y_train).tolist() == [30] * 9
    assert np.bincount(y_test).sum() == 370 and np.bincount(y_test).min() >= 24


def test_japanese_vowels_first_frame_matches_source_file():
    # First values of JapaneseVowels_TRAIN.ts, first utterance, dimensions 1 and 2.
    (x_train, _), _ = japanese_vowels.load_data()
    np.testing.assert_allclose(x_train[0][:3, 0], [1.860936, 1.891651, 1.939205], rtol=1e-6)
    np.testing.assert_allclose(x_train[0][:2, 1], [-0.207383, -0.193249], rtol=1e-6)
    assert len(x_train[0]) == 20


def test_japanese_vowels_returns_fresh_copies():
    (x_train, _), _ = japanese_vowels.load_data()
    x_train[0][:] = 99.0
    (again, _), _ = japanese_vowels.load_data()
    assert again[0][0, 0] != 99.0


def test_shipped_file_is_small():
    import importlib.resources

    path = importlib.resources.files("masklab.datasets") / "data" / "japanese_vowels.npz"
    with importlib.resources.as_file(path) as file:
        assert file.stat().st_size < 1_000_000
    assert (importlib.resources.files("masklab.datasets") / "data" / "README.md").read_text().count("CC BY 4.0")


def test_zen_of_python_lines():
    lines = zen_of_python.load_data()
    assert len(lines) == 19
    assert lines[0] == "Beautiful is better than ugly."
    assert lines[-1].startswith("Namespaces are one honking great idea")
