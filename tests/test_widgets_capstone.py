import re

import pytest

import masklab
import masklab._i18n
from masklab.display import accuracy_curves_to_html
from masklab.experiments import RunResult
from masklab.widgets import CapstoneExplorer

MAXLENS = (29, 40, 60, 100)
CURVES = {
    "post, mask": [0.978, 0.978, 0.978, 0.978],
    "pre, mask": [0.978, 0.978, 0.978, 0.978],
    "post, no mask": [0.970, 0.951, 0.830, 0.681],
    "pre, no mask": [0.976, 0.968, 0.949, 0.922],
}


def _run(padding, masking, accuracies, maxlens=MAXLENS):
    return RunResult(padding, masking, accuracies[0], accuracies[maxlens.index(60)] if 60 in maxlens else 0.0,
                     1.0, 1, 0.1, tuple(maxlens), tuple(accuracies))


def test_slider_looks_up_the_measured_accuracies():
    explorer = CapstoneExplorer(MAXLENS, CURVES, baseline=0.946)
    assert explorer.maxlen.value == 100 and explorer.trained_maxlen == 29  # starts at the most padding
    assert explorer.at["post, no mask"] == pytest.approx(0.681)
    assert explorer.change["post, no mask"] == pytest.approx(0.681 - 0.970)
    assert explorer.change["post, mask"] == 0.0
    before = explorer.view.value
    explorer.maxlen.value = 60
    assert explorer.at == pytest.approx({"post, mask": 0.978, "pre, mask": 0.978, "post, no mask": 0.830,
                                         "pre, no mask": 0.949})
    assert explorer.view.value != before
    assert "accuracy at 60 frames" in explorer.view.value
    assert explorer.view.value.count('data-dropped="1"') == 2  # the two unmasked models
    explorer.maxlen.value = 29
    assert set(explorer.change.values()) == {0.0}
    assert 'data-dropped="1"' not in explorer.view.value


def test_view_draws_every_curve_the_marker_and_the_baseline():
    page = CapstoneExplorer(MAXLENS, CURVES, baseline=0.946, maxlen=40).view.value
    assert page.count("<polyline") == 4
    assert page.count("<circle") == 4 * len(MAXLENS)
    assert ">40 frames</text>" in page and "trained: 29" in page and "baseline 94.6%" in page
    label = re.search(r"role='img'[^>]*aria-label='([^']*)'", page).group(1)
    assert label.startswith("test accuracy with the test set padded to 40 frames:")
    assert "post, no mask 95.1%" in label
    assert "-1.9 points" in page and "unchanged" in page


def test_static_copy_and_plain_text():
    explorer = CapstoneExplorer(MAXLENS, CURVES, maxlen=60)
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == "CapstoneExplorer(maxlen=60)"
    assert "masklab-static-capstone" in bundle["text/html"] and "<svg" in bundle["text/html"]


def test_from_runs_orders_masked_runs_first_and_labels_them():
    runs = {(p, m): _run(p, m, CURVES[f"{p}, {'mask' if m else 'no mask'}"])
            for p in ("post", "pre") for m in (True, False)}
    explorer = CapstoneExplorer.from_runs(runs, baseline=0.946)
    assert list(explorer.accuracies) == ["post, mask", "pre, mask", "post, no mask", "pre, no mask"]
    assert explorer.maxlens == MAXLENS and explorer.trained_maxlen == 29
    explorer.maxlen.value = 100
    assert explorer.change["post, no mask"] == pytest.approx(0.681 - 0.970)
    assert CapstoneExplorer.from_runs(list(runs.values())).maxlens == MAXLENS


def test_from_runs_refuses_runs_without_a_curve_or_with_different_lengths():
    with pytest.raises(TypeError, match="runs must be a dict or list of RunResult"):
        CapstoneExplorer.from_runs([{"padding": "post"}])
    with pytest.raises(ValueError, match="at least one RunResult"):
        CapstoneExplorer.from_runs({})
    bare = RunResult("post", True, 0.9, 0.9, 1.0, 1, 0.1)  # measured at 29 and 60 only, by evaluate
    with pytest.raises(ValueError, match="same test_maxlens"):
        CapstoneExplorer.from_runs([bare])
    other = _run("pre", True, [0.9, 0.9, 0.9], maxlens=(29, 60, 100))
    with pytest.raises(ValueError, match="same test_maxlens"):
        CapstoneExplorer.from_runs([_run("post", True, CURVES["post, mask"]), other])


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        (((29, 29), {"a": [1, 1]}), {}, ValueError, "strictly increasing"),
        (((), {"a": []}), {}, ValueError, "non-empty, strictly increasing"),
        (((29, 30.5), {"a": [1, 1]}), {}, ValueError, "maxlens must hold positive ints, got 30.5"),
        ((29, {"a": [1]}), {}, TypeError, "maxlens must be a sequence of ints"),
        (((29, 60), [0.9, 0.8]), {}, TypeError, "accuracies must be a non-empty dict"),
        (((29, 60), {"a": [0.9]}), {}, ValueError, r"one accuracy per maxlen \(2\), got shape \(1,\)"),
        (((29, 60), {"a": [0.9, 97.0]}), {}, ValueError, r"must lie in \[0, 1\]"),
        (((29, 60), {"a": ["x", 0.9]}), {}, TypeError, "must be numbers"),
        (((29, 60), {1: [0.9, 0.9]}), {}, TypeError, "keys must be str labels"),
        (((29, 60), {str(i): [0.9, 0.9] for i in range(7)}), {}, ValueError, "at most 6 series"),
        (((29, 60), {"a": [0.9, 0.9]}), {"maxlen": 45}, ValueError, r"at must be one of maxlens \[29, 60\]"),
        (((29, 60), {"a": [0.9, 0.9]}), {"trained_maxlen": 30}, ValueError, "reference must be one of maxlens"),
        (((29, 60), {"a": [0.9, 0.9]}), {"baseline": 1.5}, ValueError, r"baseline must be a number in \[0, 1\]"),
    ],
)
def test_bad_arguments(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        CapstoneExplorer(*args, **kwargs)


def test_one_length_and_one_series():
    page = accuracy_curves_to_html([29], {"only": [0.5]})
    assert page.count("<polyline") == 1 and "accuracy at 29 frames" in page and "unchanged" in page


def test_labels_are_escaped():
    page = accuracy_curves_to_html([29, 60], {"<b>x</b>": [0.9, 0.8]}, title="a & b")
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page and "a &amp; b" in page


def test_a_slider_change_calls_no_model(monkeypatch):
    # The explorer only looks up what was measured: no Keras model is reachable from it.
    explorer = CapstoneExplorer(MAXLENS, CURVES)
    import keras

    def refuse(*args, **kwargs):
        raise AssertionError("the explorer called a model")

    monkeypatch.setattr(keras.Model, "__call__", refuse)
    monkeypatch.setattr(keras.Model, "predict", refuse)
    for n in MAXLENS:
        explorer.maxlen.value = n
    assert explorer.maxlen.value == 100



def test_from_runs_shows_its_labels_in_the_chosen_language_and_keeps_english_keys(request):
    runs = [_run(p, m, CURVES[f"{p}, {'mask' if m else 'no mask'}"]) for p in ("post", "pre") for m in (True, False)]
    english = CapstoneExplorer.from_runs(runs).view.value
    assert "<title>post, no mask: 68.1% at 100 frames</title>" in english
    assert "<b>test accuracy against test padding length</b>" in english
    request.getfixturevalue("capitals")  # from here on, masklab's messages in capitals
    try:
        explorer = CapstoneExplorer.from_runs(runs)
        assert explorer.maxlen.description == "TEST PADDING"
        assert "<b>TEST ACCURACY AGAINST TEST PADDING LENGTH</b>" in explorer.view.value
        # The chart's own words are masklab.display's; the labels are the explorer's ('post' is Keras' value).
        assert "<title>post, NO MASK: 68.1%" in explorer.view.value and "post, no mask" not in explorer.view.value
        assert list(explorer.at) == ["post, mask", "pre, mask", "post, no mask", "pre, no mask"]  # keys stay
        explorer.maxlen.value = 60
        assert "<title>pre, MASK: 97.8%" in explorer.view.value
    finally:
        masklab.set_language("en")
