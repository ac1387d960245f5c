
import json

import numpy as np
import pytest

from masklab.experiments import (
    TEST_MAXLENS,
    RunResult,
    accuracy_by_padding,
    build_classifier,
    predict_test_set,
    run_padding_masking,
)


def test_one_short_run_reports_every_field():
    result = run_padding_masking("post", True, epochs=1, batch_size=64)
    assert isinstance(result, RunResult)
    assert (result.padding, result.masking, result.epochs) == ("post", True, 1)
    # Accuracies are fractions of the 370 test utterances.
    for accuracy in (result.test_accuracy, result.long_padding_accuracy):
        assert 0.0 <= accuracy <= 1.0 and abs(accuracy * 370 - round(accuracy * 370)) < 1e-3
    assert result.train_seconds > 0 and result.train_cpu_seconds > 0 and result.final_loss > 0
    assert result.test_maxlens == (29, 60)  # always measured
    assert result.test_accuracies == (result.test_accuracy, result.long_padding_accuracy)
    data = result.as_dict()
    assert set(data) == {"padding", "masking", "test_accuracy", "long_padding_accuracy", "train_seconds",
                         "epochs", "final_loss", "test_maxlens", "test_accuracies", "train_cpu_seconds"}
    assert json.loads(json.dumps(data))["test_maxlens"] == [29, 60]  # JSON-ready, without the model
    assert "model" not in repr(result) and result.model is not None


def test_accuracy_against_test_padding_length():
    result = run_padding_masking("post", True, epochs=1, batch_size=64, units=4, test_maxlens=[100, 40])
    assert result.test_maxlens == (29, 40, 60, 100)  # sorted, with 29 and 60 added
    model = result.model
    again = accuracy_by_padding(model, "post", result.test_maxlens)
    assert again.tolist() == list(result.test_accuracies)  # measured the same way
    assert result.test_accuracy == result.test_accuracies[0]
    # With the mask, the padding after the data changes nothing: the probabilities are the same.
    short, long = predict_test_set(model, "post", 29), predict_test_set(model, "post", 100)
    assert short.shape == (370, 9) and short.dtype == np.float32
    np.testing.assert_allclose(short, long, atol=1e-6)
    assert len(TEST_MAXLENS) == len(set(TEST_MAXLENS)) and TEST_MAXLENS[0] == 29 and 60 in TEST_MAXLENS


@pytest.mark.parametrize(
    "maxlens, error, message",
    [
        ([20, 60], ValueError, r"test_maxlens must be >= 29 .*got \[20\]"),
        ([29.5], ValueError, "test_maxlens item must be a positive integer, got 29.5"),
        (60, TypeError, "test_maxlens must be a sequence of ints, got 60"),
        ("60", TypeError, "test_maxlens must be a sequence of ints"),
    ],
)
def test_bad_test_lengths(maxlens, error, message):
    model = build_classifier(True, units=2)
    with pytest.raises(error, match=message):
        accuracy_by_padding(model, "post", maxlens)
    with pytest.raises(error, match=message):
        run_padding_masking("post", True, test_maxlens=maxlens)


def test_predict_test_set_checks_its_arguments():
    model = build_classifier(False, units=2)
    with pytest.raises(ValueError, match="padding must be 'pre' or 'post', got 'both'"):
        predict_test_set(model, "both")
    with pytest.raises(ValueError, match="must be >= 29"):
        predict_test_set(model, "pre", 10)


def test_a_run_is_reproducible_and_leaves_the_callers_random_state_alone(callers_next_draws):
    first = run_padding_masking("post", True, epochs=1, batch_size=64, seed=5)
    assert callers_next_draws() == callers_next_draws.reference  # the learner's next draws are the ones they would have had
    second = run_padding_masking("post", True, epochs=1, batch_size=64, seed=5)
    assert (second.final_loss, second.test_accuracy) == (first.final_loss, first.test_accuracy)
    other = run_padding_masking("post", True, epochs=1, batch_size=64, seed=6)
    assert other.final_loss != first.final_loss  # the seed reaches the weights and the order


def test_classifier_shapes_and_masking_layer():
    masked = build_classifier(True, units=4)
    plain = build_classifier(False, units=4)
    assert masked.layers[1].__class__.__name__ == "Masking"
    assert "Masking" not in [type(layer).__name__ for layer in plain.layers]
    assert masked.output_shape == (None, 9)


def test_masked_runs_do_not_depend_on_the_padding_side():
    # With the mask, pre and post padding train the same function, up to round-off: lesson 07
    # measures the largest difference in a test probability (5e-06 after 10 epochs on 3.15.1).
    post = run_padding_masking("post", True, epochs=2, batch_size=64, seed=3)
    pre = run_padding_masking("pre", True, epochs=2, batch_size=64, seed=3)
    assert post.final_loss == pytest.approx(pre.final_loss, rel=1e-4)
    assert post.test_accuracy == pytest.approx(pre.test_accuracy, abs=1 / 370 + 1e-9)
    difference = np.abs(predict_test_set(post.model, "post") - predict_test_set(pre.model, "pre")).max()
    assert difference < 1e-4


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"padding": "left", "masking": True}, ValueError, "padding must be 'pre' or 'post', got 'left'"),
        ({"padding": "post", "masking": True, "epochs": 0}, ValueError, "epochs must be a positive integer, got 0"),
        ({"padding": "post", "masking": True, "batch_size": -1}, ValueError, "batch_size must be a positive integer"),
        ({"padding": "post", "masking": True, "learning_rate": 0}, ValueError, "learning_rate must be a positive number"),
        ({"padding": "post", "masking": True, "learning_rate": "fast"}, TypeError, "learning_rate must be a real number"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        run_padding_masking(**kwargs)


def test_bad_units():
    with pytest.raises(ValueError, match="units must be a positive integer, got 0"):
        build_classifier(True, units=0)
