
import pytest

from masklab.experiments import RunResult, build_classifier, run_padding_masking


def test_one_short_run_reports_every_field():
    result = run_padding_masking("post", True, epochs=1, batch_size=64)
    assert isinstance(result, RunResult)
    assert (result.padding, result.masking, result.epochs) == ("post", True, 1)
    # Accuracies are fractions of the 370 test utterances.
    for accuracy in (result.test_accuracy, result.long_padding_accuracy):
        assert 0.0 <= accuracy <= 1.0 and abs(accuracy * 370 - round(accuracy * 370)) < 1e-3
    assert result.train_seconds > 0 and result.final_loss > 0
    assert set(result.as_dict()) == {"padding", "masking", "test_accuracy", "long_padding_accuracy",
                                     "train_seconds", "epochs", "final_loss"}


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
    # With the mask, pre and post padding train the same function: same loss to float precision.
    post = run_padding_masking("post", True, epochs=2, batch_size=64, seed=3)
    pre = run_padding_masking("pre", True, epochs=2, batch_size=64, seed=3)
    assert post.final_loss == pytest.approx(pre.final_loss, rel=1e-4)
    assert post.test_accuracy == pytest.approx(pre.test_accuracy, abs=1 / 370 + 1e-9)


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
