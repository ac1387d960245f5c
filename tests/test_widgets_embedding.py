"""EmbeddingMaskExplorer (lesson 02), headless: set a control's .value, check the derived state."""

import numpy as np
import pytest

from masklab import check_cudnn_mask
from masklab.display import embedding_steps_to_html
from masklab.widgets import EmbeddingMaskExplorer
from masklab.widgets.embedding import parse_ids


@pytest.fixture(scope="module")
def explorer():
    return EmbeddingMaskExplorer("1 0 2 0")


def test_id_0_looks_up_row_0_and_is_masked(explorer):
    explorer.ids.value = "1 0 2 0"
    assert explorer.error is None
    assert explorer.mask.tolist() == [True, False, True, False]
    # mask_zero does not zero the output: a padded step holds row 0 of the weights, which is not zeros
    assert np.array_equal(explorer.rows[1], explorer.embeddings[0])
    assert np.array_equal(explorer.rows[3], explorer.embeddings[0])
    assert np.abs(explorer.rows[1]).sum() > 0.1
    assert np.array_equal(explorer.rows[0], explorer.embeddings[1])
    assert np.array_equal(explorer.rows[2], explorer.embeddings[2])


def test_lstm_repeats_its_output_at_masked_steps(explorer):
    explorer.ids.value = "3, 0, 0, 5, 0"
    out = explorer.outputs
    assert out.shape == (5, 2)
    assert np.array_equal(out[1], out[0]) and np.array_equal(out[2], out[0])
    assert np.array_equal(out[4], out[3]) and not np.allclose(out[3], out[0])
    assert explorer.carried.tolist() == [False, True, True, False, True]
    assert explorer.view.value.count('data-carried="1"') == 3
    assert explorer.view.value.count('data-masked="1"') == 3


def test_leading_padding_gives_zeros_and_breaks_the_cudnn_rule(explorer):
    explorer.ids.value = "0 0 4 2"
    assert (explorer.outputs[:2] == 0).all() and np.abs(explorer.outputs[2]).sum() > 0
    assert explorer.carried.tolist() == [True, True, False, False]
    assert not explorer.cudnn and explorer.cudnn.not_right_padded == (0,)
    assert "not right-padded" in explorer.view.value
    explorer.ids.value = "4 2 0 0"
    assert explorer.cudnn and check_cudnn_mask(explorer.mask[None]).ok


def test_without_the_mask_padded_steps_are_computed():
    explorer = EmbeddingMaskExplorer([1, 0, 2, 0])
    masked = explorer.outputs.copy()
    explorer.use_mask.value = False
    assert explorer.mask.tolist() == [True, False, True, False]  # the Embedding still attaches it
    assert not explorer.carried.any()
    assert np.array_equal(explorer.outputs[0], masked[0])  # step 0 is real either way
    assert not np.allclose(explorer.outputs[1], masked[1])
    assert "without a mask" in explorer.view.value
    explorer.use_mask.value = True
    assert np.array_equal(explorer.outputs, masked)


@pytest.mark.parametrize(("text", "says"), [
    ("1 7", "id 7 is out of range: ids must be from 0 (padding) to 5 (input_dim=6)"),
    ("1 -1", "id -1 is negative"),
    ("1 two", "'two' is not one"),
    ("1.5", "'1.5' is not one"),
    ("", "got none"),
    (" ".join(["1"] * 13), "at most 12 ids, got 13"),
])
def test_a_bad_entry_is_named_and_the_last_good_state_kept(explorer, text, says):
    explorer.ids.value = "2 0"
    before = explorer.outputs.copy()
    explorer.ids.value = text
    assert says in explorer.error
    assert says.split(":")[0] in explorer.message.value.replace("&#x27;", "'")
    assert explorer.sequence.tolist() == [2, 0] and np.array_equal(explorer.outputs, before)
    explorer.ids.value = "2 0 1"
    assert explorer.error is None and explorer.message.value == ""


def test_bad_arguments():
    with pytest.raises(ValueError, match="id 9 is out of range"):
        EmbeddingMaskExplorer("1 9")
    with pytest.raises(ValueError, match="input_dim must be an int from 2 to 20, got 1"):
        EmbeddingMaskExplorer(input_dim=1)
    with pytest.raises(ValueError, match="units must be an int from 1 to 6, got True"):
        EmbeddingMaskExplorer(units=True)
    with pytest.raises(TypeError, match="ids must be a string"):
        EmbeddingMaskExplorer(3)
    with pytest.raises(TypeError, match="1-D list of ints"):
        parse_ids([1.5, 2], 6, 12)


def test_same_weights_every_time_and_the_notebook_random_state_left_alone(callers_next_draws):
    first = EmbeddingMaskExplorer("1 0")
    first.ids.value = "2 0 3"
    second = EmbeddingMaskExplorer("2 0 3")
    assert callers_next_draws() == callers_next_draws.reference
    assert np.array_equal(first.embeddings, second.embeddings)
    assert np.array_equal(first.outputs, second.outputs)


def test_static_copy_and_plain_text(explorer):
    explorer.ids.value = "1 0"
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == "EmbeddingMaskExplorer(ids='1 0', use_mask=True)"
    assert "masklab-static-embedding" in bundle["text/html"] and "masklab-steps" in bundle["text/html"]


def test_steps_html_checks_its_shapes():
    page = embedding_steps_to_html([1, 0], [[0.1], [0.2]], None, [[0.3], [0.3]])
    assert "no mask" in page and 'data-masked="1"' not in page
    with pytest.raises(ValueError, match=r"outputs must have one entry per id \(2\)"):
        embedding_steps_to_html([1, 0], [[0.1], [0.2]], [True, False], [[0.3]])
    with pytest.raises(ValueError, match=r"rows must have shape \(T, output_dim\)"):
        embedding_steps_to_html([1, 0], [0.1, 0.2], [True, False], [[0.3], [0.3]])
