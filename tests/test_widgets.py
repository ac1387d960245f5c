import random
import warnings

import ipywidgets as widgets
import keras
import numpy as np
import pytest

from masklab.datasets import japanese_vowels
from masklab.display import TEXT, mask_to_html
from masklab.widgets import (
    AttentionMaskExplorer,
    EmbeddingMaskExplorer,
    LossExplorer,
    PaddingExplorer,
    PropagationExplorer,
)
from masklab.widgets._layers import MENU, build_layer, keras_name, menu_names
from masklab.widgets._loss_math import agrees, same_value_reason


def test_maxlen_change_updates_batch_grid_and_mask():
    explorer = PaddingExplorer([[3, 1, 4, 1, 5], [9, 2]])
    before = explorer.grid.value
    assert explorer.batch.values.tolist() == [[3, 1, 4, 1, 5], [0, 0, 0, 9, 2]]
    explorer.maxlen.value = 3
    assert explorer.batch.values.tolist() == [[4, 1, 5], [0, 9, 2]]
    assert explorer.batch.mask.tolist() == [[True] * 3, [False, True, True]]
    assert explorer.grid.value != before
    assert explorer.grid.value.count('data-pad="1"') == 1
    assert "truncated rows</b>: 1" in explorer.summary.value


def test_sides_and_value_controls():
    explorer = PaddingExplorer([[3, 1, 4, 1, 5], [9, 2]], maxlen=3)
    explorer.padding.value = "post"
    explorer.truncating.value = "post"
    explorer.value.value = 7
    assert explorer.batch.values.tolist() == [[3, 1, 4], [9, 2, 7]]
    assert explorer.batch.padding == "post" and explorer.batch.padding_value == 7


def test_real_feature_sequences():
    (x_train, _), _ = japanese_vowels.load_data()
    explorer = PaddingExplorer(x_train[:4], row_labels=["a", "b", "c", "d"])
    assert explorer.batch.values.dtype == np.float32
    assert explorer.maxlen.max == max(len(x) for x in x_train[:4]) + 2
    explorer.maxlen.value = 8
    assert explorer.batch.values.shape == (4, 8, 12)
    assert explorer.batch.lengths.tolist() == [8, 8, 8, 8]


def test_bad_initial_arguments():
    with pytest.raises(ValueError, match="padding must be 'pre' or 'post', got 'middle'"):
        PaddingExplorer([[1, 2]], padding="middle")
    with pytest.raises(ValueError, match="maxlen must be a positive integer or None, got 0"):
        PaddingExplorer([[1, 2]], maxlen=0)
    with pytest.raises(TypeError, match="sequences must be a list of sequences"):
        PaddingExplorer(3)


def test_loss_explorer_toggles_agree_with_keras():
    rng = np.random.default_rng(0)
    y_true = rng.normal(size=(2, 4, 1)).astype("float32")
    y_pred = rng.normal(size=(2, 4, 1)).astype("float32")
    explorer = LossExplorer(y_true, y_pred)
    assert explorer.mask.all() and explorer.explanation.denominator == 8
    explorer.toggles[0][3].value = False
    explorer.toggles[1][0].value = False
    assert explorer.explanation.denominator == 6
    kept = np.square(y_true - y_pred)[..., 0][explorer.mask]
    assert explorer.explanation.value == pytest.approx(kept.mean(), rel=1e-6)
    assert explorer.keras_value == pytest.approx(kept.mean(), rel=1e-5)
    assert "(agree)" in explorer.view.value
    explorer.reduction.value = "sum"
    assert explorer.keras_value == pytest.approx(kept.sum(), rel=1e-5)


def test_loss_explorer_all_masked_and_bad_inputs():
    explorer = LossExplorer(np.ones((1, 2, 1)), np.zeros((1, 2, 1)), mask=[[False, False]])
    assert explorer.explanation.value == 0.0 and explorer.keras_value == 0.0
    with pytest.raises(ValueError, match=r"y_pred must have shape \(batch, timesteps, units\)"):
        LossExplorer(np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="loss must be one of"):
        LossExplorer(np.ones((1, 2, 1)), np.ones((1, 2, 1)), loss="hinge")


def test_propagation_explorer_traces_each_stack():
    explorer = PropagationExplorer(["Dense", "Conv1D", "LSTM"])
    assert [r.effect for r in explorer.trace] == ["generates", "propagates", "destroys", "none"]
    before = explorer.view.value
    explorer.stack.value = ["LSTM(return_sequences)", "GlobalAveragePooling1D"]
    assert [r.effect for r in explorer.trace] == ["generates", "propagates", "consumes"]
    assert explorer.view.value != before and explorer.error is None
    assert explorer.trace[1].output_mask.tolist() == [[True] * 3 + [False] * 3, [True] * 5 + [False]]


def test_propagation_explorer_reports_an_impossible_stack():
    explorer = PropagationExplorer(["LSTM"])
    explorer.stack.value = ["Dense", "LSTM", "LSTM", "Dense"]
    # The layers that were built keep their rows; the error names the third layer and Keras' reason.
    assert explorer.trace.names == ["masking", "dense_1", "lstm_2"]
    detail = ("layer 3 (LSTM) cannot take the output of layer 2 (LSTM), shape (2, 3): expected ndim=3, found ndim=2; "
              "the 1 layer(s) after it did not run")
    assert explorer.error == "this stack cannot be built: " + detail
    assert explorer.view.value.startswith(explorer.trace._repr_html_()) and "lstm_2" in explorer.view.value
    assert explorer.view.value.endswith(f"<b>&#10006; this stack cannot be built:</b> {detail}</p>")
    assert "<p class='masklab-stack-error' role='alert'" in explorer.view.value
    explorer.stack.value = ["Dense", "LSTM"]
    assert explorer.error is None and "masklab-stack-error" not in explorer.view.value
    with pytest.raises(ValueError, match=r"layers must be names from \['Dense'.*got \['Transformer'\]"):
        PropagationExplorer(["Transformer"])


def test_propagation_explorer_adds_a_layer_on_enter_and_on_a_click():
    explorer = PropagationExplorer(["Dense"])
    assert explorer.add.placeholder and not explorer.add.continuous_update and not explorer.add.ensure_option
    explorer.add.value = "lstm(return_sequences)"  # what Enter sends; case does not matter
    assert list(explorer.stack.value) == ["Dense", "LSTM(return_sequences)"]
    assert explorer.add.value == "" and "added LSTM(return_sequences) as layer 2" in explorer.message.value
    assert [r.effect for r in explorer.trace][-1] == "propagates"
    explorer.suggestions[explorer.menu.index("GlobalAveragePooling1D")].click()
    assert list(explorer.stack.value)[-1] == "GlobalAveragePooling1D" and explorer.trace[-1].effect == "consumes"


def test_propagation_explorer_unknown_name_is_shown_and_cleared():
    explorer = PropagationExplorer(["Dense"])
    explorer.add.value = "lstmm"
    assert list(explorer.stack.value) == ["Dense"] and explorer.add.value == ""
    assert "unknown layer &ldquo;lstmm&rdquo;" in explorer.message.value and "role='alert'" in explorer.message.value
    assert "the accepted names are: Dense, Dropout, Activation(relu), LayerNormalization, " in explorer.message.value
    assert explorer.message.value.endswith(", GlobalMaxPooling1D, Flatten</span>")
    explorer.add.value = "Flatten"  # the next entry is not spoiled by the rejected one
    assert list(explorer.stack.value) == ["Dense", "Flatten"] and "added Flatten" in explorer.message.value


def test_propagation_explorer_names_are_stable_and_match_trace_masks():
    from masklab.trace import trace_masks

    stack = ["Bidirectional(LSTM, return_sequences)", "TimeDistributed(Dense)", "Conv1D", "Dense"]
    explorer = PropagationExplorer(stack)
    names = explorer.trace.names
    assert names == ["masking", "bidirectional_1", "time_distributed_2", "conv1d_3", "dense_4"]
    explorer.stack.value = ["Dense"]
    explorer.stack.value = stack
    assert explorer.trace.names == names and PropagationExplorer(stack).trace.names == names
    # Layer by layer with kept prefixes gives what trace_masks gives on the whole Sequential model.
    with warnings.catch_warnings():  # Keras' "destroy the mask" warning for Conv1D: the trace reports it
        warnings.simplefilter("ignore")
        model = keras.Sequential([keras.Input((6, 3)), keras.layers.Masking(0.0, name="masking"),
                                  *(build_layer(n, i + 1) for i, n in enumerate(stack))])
    full = trace_masks(model, explorer._data)

    def rows(trace):
        return [(r.name, r.effect, r.supports_masking, r.uses_mask,
                 None if r.output_mask is None else r.output_mask.tolist()) for r in trace]

    assert rows(explorer.trace) == rows(full) and len(full) == 5


def test_propagation_explorer_static_html():
    explorer = PropagationExplorer(["Dense", "LSTM"])
    static = explorer._static_html()
    assert "Masking(0.0) -&gt; Dense -&gt; LSTM" in static and "masklab-trace" in static
    assert static.endswith(explorer.view.value + "</div>") and "lstm_2" in explorer.view.value
    assert "masklab-propagation-explorer" in explorer._dom_classes


def test_padding_explorer_slider_shows_the_maxlen_in_use():
    explorer = PaddingExplorer([[1, 2, 3], [4]], maxlen=10)
    assert explorer.maxlen.value == explorer.batch.maxlen == 10
    explorer = PaddingExplorer([[1, 2, 3], [4]], maxlen=150)
    assert explorer.maxlen.value == 150 and explorer.maxlen.max == 150


def test_padding_explorer_bad_labels_and_values():
    with pytest.raises(ValueError, match=r"row_labels must hold one label per sequence \(2\), got 1 labels"):
        PaddingExplorer([[1], [2]], row_labels=["a"])
    with pytest.raises(TypeError, match="row_labels must be a list of 2 labels, got 5"):
        PaddingExplorer([[1], [2]], row_labels=5)
    with pytest.raises(ValueError, match="value must be a finite number.*got nan"):
        PaddingExplorer([[1.0]], value=float("nan"), dtype="float32")
    explorer = PaddingExplorer([[1, 2]], maxlen=3)
    explorer.value.value = float("inf")          # typed into the box: the last good value comes back
    assert explorer.value.value == 0.0 and explorer.batch.padding_value == 0
    explorer.value.value = 4
    assert explorer.batch.values.tolist() == [[4, 1, 2]]


def test_loss_explorer_says_disagree_when_keras_differs():
    explorer = LossExplorer(np.zeros((1, 2, 1)), np.ones((1, 2, 1)))
    assert explorer.agree and "(agree)" in explorer.view.value
    explorer._keras_loss = lambda mask, reduction: 1.5  # a Keras that computed something else
    explorer.toggles[0][0].value = False
    assert not explorer.agree and "Keras: <b>1.5000</b> &nbsp; (&#10007; DISAGREE)" in explorer.view.value


def test_loss_explorer_refuses_what_masked_loss_refuses():
    y = np.ones((1, 2, 1))
    with pytest.raises(TypeError, match=r"mask must be boolean-like \(booleans or 0/1\), got \[0.5, 1.0\]"):
        LossExplorer(y, y, mask=[[0.5, 1.0]])
    with pytest.raises(ValueError, match=r"mask must have shape \(batch, timesteps\) = \(1, 2\), got \(1, 3\)"):
        LossExplorer(y, y, mask=[[1, 0, 1]])
    with pytest.raises(TypeError, match="y_true must be an array, a nested list or a tensor, got the string 'abc'"):
        LossExplorer("abc", "abc")
    with pytest.raises(TypeError, match="y_pred must hold numbers"):
        LossExplorer(y, [[["a"], ["b"]]])


def test_propagation_explorer_bad_layers_argument():
    with pytest.raises(TypeError, match=r"layers must be a list of layer names from \['Dense'.*got 5"):
        PropagationExplorer(5)
    with pytest.raises(TypeError, match="layers must be a list of layer names from .*got 'Dense'"):
        PropagationExplorer("Dense")
    with pytest.raises(ValueError, match=r"layers must be names from .*got \[3\]"):
        PropagationExplorer([3])


def test_attention_mask_explorer_lengths_and_causal():
    explorer = AttentionMaskExplorer(query_length=4, key_length=5)
    assert explorer.mask.shape == (6, 6) and explorer.mask[:4, :5].all() and not explorer.mask[4:].any()
    assert explorer.agree and np.allclose(explorer.weights[:4].sum(axis=-1), 1.0, atol=1e-5)
    assert (explorer.weights[4:] == 0).all(), "padded query rows get weights of 0"
    before = explorer.view.value
    explorer.causal.value = True
    assert explorer.mask[0].tolist() == [True] + [False] * 5 and explorer.agree
    assert explorer.weights[0, 0] == pytest.approx(1.0) and explorer.view.value != before
    explorer.key_length.value = 2
    assert explorer.mask[3].tolist() == [True, True, False, False, False, False]
    assert (explorer.weights[:, 2:] == 0).all()
    assert explorer.view.value.count("data-masked='1'") == 2 * int((~explorer.mask).sum())


def test_attention_mask_explorer_bad_arguments():
    with pytest.raises(ValueError, match="steps must be between 2 and 12.*got 20"):
        AttentionMaskExplorer(20)
    with pytest.raises(ValueError, match="query_length must be between 1 and steps=6, got 7"):
        AttentionMaskExplorer(query_length=7)
    with pytest.raises(ValueError, match="key_length must be a positive integer, got 0"):
        AttentionMaskExplorer(key_length=0)
    with pytest.raises(TypeError, match="causal must be True or False, got 1"):
        AttentionMaskExplorer(causal=1)


def test_explorers_carry_a_static_html_copy_of_their_state():
    padding = PaddingExplorer([[3, 1, 4, 1, 5], [9, 2]], maxlen=3)
    bundle = padding._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # the live view stays first choice
    assert bundle["text/plain"] == "PaddingExplorer(padding='pre', truncating='pre', maxlen=3, value=0)"
    assert 'class="masklab-explorer masklab-static masklab-static-padding"' in bundle["text/html"]
    assert "<s>3 1</s>" in bundle["text/html"]
    padding.maxlen.value = 5
    assert "data-dropped" not in padding._repr_mimebundle_()["text/html"]  # the copy follows the state
    assert {"masklab-explorer", "masklab-padding-explorer"} <= set(padding._dom_classes)
    loss = LossExplorer(np.zeros((1, 2, 1)), np.ones((1, 2, 1)), mask=[[True, False]])
    assert loss._repr_mimebundle_()["text/plain"] == "LossExplorer(reduction='sum_over_batch_size', kept: sample 0: ✓✗)"
    assert loss._repr_mimebundle_()["text/html"].startswith(
        '<div class="masklab-explorer masklab-static masklab-static-loss"')
    assert loss._repr_mimebundle_()["text/html"].endswith(loss.view.value + "</div>")
    attention = AttentionMaskExplorer(4, key_length=2)
    assert attention._repr_mimebundle_()["text/plain"] == (
        "AttentionMaskExplorer(steps=4, query_length=4, key_length=2, use_causal_mask=False)")


def test_padding_sides_are_radio_buttons_that_wrap_as_whole_controls():
    explorer = PaddingExplorer([[1, 2, 3], [4]])
    assert isinstance(explorer.padding, widgets.RadioButtons) and explorer.padding.orientation == "horizontal"
    assert explorer.children[0].layout.flex_flow == "row wrap"
    explorer.padding.value = "post"
    assert explorer.batch.values.tolist() == [[1, 2, 3], [4, 0, 0]]


def test_loss_explorer_draws_each_timestep_and_says_when_reductions_coincide():
    y_true = np.zeros((1, 3, 1))
    y_pred = np.array([[[1.0], [2.0], [3.0]]])
    explorer = LossExplorer(y_true, y_pred, mask=[[True, True, False]])
    assert isinstance(explorer.toggles[0][0], widgets.Checkbox)
    page = explorer.view.value
    # y_pred and the per-step squared errors 1, 4 and (masked) 9, and the numerator 1 + 4
    assert "<td style" in page and ">3.00<" in page and "<s>9.0000</s>" in page
    assert "1.0000 + 4.0000 = 5.0000" in page
    assert explorer.same_as == ["mean"] and "'mean' gives the same value: both divide the kept sum 5.0000 by 2" in page
    explorer.toggles[0][1].value = False  # one kept step: sum, mean and sum_over_batch_size all give 1
    assert explorer.same_as == ["sum", "mean"]
    # sum_over_batch_size divides by the one kept step, as sum does (1) and mean does: the same denominator
    assert ("kept timesteps: 1 of 3 &nbsp; 'sum' gives the same value: both divide the kept sum 1.0000 by 1. "
            "'mean' gives the same value: both divide the kept sum 1.0000 by 1.</p>") in explorer.view.value


def test_agrees_to_float32_precision():
    assert agrees(1.0, 1.000001) and not agrees(1.0, 1.001)
    assert agrees(0.0, 1e-6) and not agrees(0.0, 1e-4)  # absolute 1e-5 near 0
    assert agrees(1000.0, 1000.009) and not agrees(1000.0, 1000.02)  # relative 1e-5 of Keras' value
    assert not agrees(float("nan"), float("nan"))


def test_same_value_reason_says_why_two_reductions_coincide():
    class E:
        def __init__(self, numerator, denominator):
            self.numerator, self.denominator = numerator, denominator

    assert same_value_reason(E(5.0, 2.0), E(5.0, 2.0)) == "both divide the kept sum 5.0000 by 2"
    assert same_value_reason(E(0.0, 2.0), E(0.0, 1.0)) == "the kept sum is 0"
    assert same_value_reason(E(3.0, 1.5), E(2.0, 1.0)) == "3.0000 / 1.5 and 2.0000 / 1 happen to be equal"


def test_layer_menu_is_one_table():
    names = [choice.name for choice in MENU]
    slugs = [choice.slug for choice in MENU]
    assert len(set(names)) == len(names) == 13 and len(set(slugs)) == len(slugs) == 13
    explorer = PropagationExplorer([])
    assert menu_names() == explorer.menu == names == list(explorer.add.options) == list(explorer.stack.allowed_tags)
    assert [b.description for b in explorer.suggestions] == names
    assert keras_name("Bidirectional(LSTM, return_sequences)", 1) == "bidirectional_1"
    for position, choice in enumerate(MENU, start=1):
        layer = build_layer(choice.name, position)
        assert layer.name == f"{choice.slug}_{position}", choice.name
    # Every menu entry runs, and the explorer names it from the same row.
    explorer.stack.value = ["Dense", *names]
    assert explorer.trace.names[:3] == ["masking", "dense_1", "dense_2"] and explorer.trace.names[3] == "dropout_3"


def test_stack_error_is_rendered_from_its_parts():
    from masklab.widgets.propagation import _StackError

    # Keras' reason may itself hold ": "; the headline is a field, not the text before the first colon.
    problem = _StackError(position=2, name="LSTM", previous="Masking", shape=(2, 3), reason="expected: ndim=3 <x>",
                          skipped=0)
    assert str(problem) == ("this stack cannot be built: layer 2 (LSTM) cannot take the output of Masking, "
                            "shape (2, 3): expected: ndim=3 <x>")
    assert problem.to_html().endswith("<b>&#10006; this stack cannot be built:</b> layer 2 (LSTM) cannot take the "
                                      "output of Masking, shape (2, 3): expected: ndim=3 &lt;x&gt;</p>")


def test_explorers_leave_the_notebook_random_state_alone(callers_next_draws):
    padding = PaddingExplorer([[3, 1, 4, 1, 5], [9, 2]])
    padding.maxlen.value = 3
    loss = LossExplorer(np.zeros((1, 3, 1)), np.ones((1, 3, 1)))
    loss.toggles[0][1].value = False
    propagation = PropagationExplorer(["Dense", "Dropout"])
    propagation.stack.value = ["LSTM(return_sequences)", "GRU(return_sequences)", "Conv1D", "Dense"]
    attention = AttentionMaskExplorer(query_length=3)
    attention.causal.value = True
    assert callers_next_draws() == callers_next_draws.reference


def test_explorers_are_reproducible_whatever_the_notebook_random_state():
    stack = ("Dense", "LSTM(return_sequences)", "Dense")
    keras.utils.set_random_seed(1)
    first = PropagationExplorer(list(stack))
    attention = AttentionMaskExplorer(5, key_length=3)
    keras.utils.set_random_seed(2)
    random.random()
    second = PropagationExplorer(list(stack))
    assert np.array_equal(np.asarray(first._run(stack).output), np.asarray(second._run(stack).output))
    assert np.array_equal(AttentionMaskExplorer(5, key_length=3).weights, attention.weights)


def test_loss_explorer_names_y_pred_when_y_pred_is_bad():
    y_true = np.ones((1, 2, 1))
    with pytest.raises(ValueError, match=r"^y_pred must have shape \(batch, timesteps, units\), got shape \(1, 2\)$"):
        LossExplorer(y_true, np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"^y_pred must have at least one sample and one timestep to toggle, "
                                         r"got shape \(1, 0, 1\)$"):
        LossExplorer(np.ones((1, 0, 1)), np.ones((1, 0, 1)))
    with pytest.raises(ValueError, match=r"^y_pred must hold values within float32's range .*got 1e\+39$"):
        LossExplorer(y_true, np.full((1, 2, 1), 1e39))
    with pytest.raises(TypeError, match="^y_pred must be an array, a nested list or a tensor, got None"):
        LossExplorer(y_true, None)
    with pytest.raises(ValueError, match="^y_true must hold values within float32's range"):
        LossExplorer(np.full((1, 2, 1), -1e39), np.ones((1, 2, 1)))


def test_padding_explorer_refuses_a_non_finite_value_for_an_integer_dtype():
    # keras.utils.pad_sequences casts NaN to an arbitrary integer (e.g. -2147483648) with only a RuntimeWarning.
    expected = ("value must be a finite integer when dtype is int32, got nan (keras.utils.pad_sequences would cast "
                "it to an arbitrary integer without an error)")
    with pytest.raises(ValueError) as error:
        PaddingExplorer([[1, 2]], value=float("nan"))  # integer data: dtype int32
    assert str(error.value) == expected
    with pytest.raises(ValueError, match=r"^value must be a finite integer when dtype is int64, got -inf "):
        PaddingExplorer([[1, 2]], value=float("-inf"), dtype="int64")
    with pytest.raises(ValueError, match=r"^value must fit dtype float32 \(at most 3.403e\+38 in size\), got 1e\+300;"):
        PaddingExplorer([[1.5, 2.0]], value=1e300)
    # Typed into the box: a value the batch cannot hold gives the last good value back.
    explorer = PaddingExplorer([[1, 2]], maxlen=3, value=5)
    explorer.value.value = 1e12  # beyond int32
    assert explorer.value.value == 5.0 and explorer.batch.values.tolist() == [[5, 1, 2]]
    explorer = PaddingExplorer([[1.5]], maxlen=2, value=-1.0)
    explorer.value.value = 1e300  # beyond float32: would be written as inf
    assert explorer.value.value == -1.0 and explorer.batch.values.tolist() == [[-1.0, 1.5]]


def test_loss_explorer_ignore_class_menu_for_the_sparse_loss():
    y_pred = np.array([[[0.5, 0.5, 0.0], [0.2, 0.2, 0.6], [0.9, 0.1, 0.0]],
                       [[0.2, 0.8, 0.0], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]], "float32")
    y_true = np.array([[1, 2, -1], [0, -1, 2]], "float32")
    explorer = LossExplorer(y_true, y_pred, loss="sparse_categorical_crossentropy", mask=[[1, 1, 1], [1, 1, 0]],
                            ignore_class=-1)
    assert isinstance(explorer.ignore_class, widgets.Dropdown)
    assert [value for _, value in explorer.ignore_class.options] == [None, -1, 0, 1, 2]
    e = explorer.explanation
    assert e.ignored.tolist() == [[False, False, True], [False, True, False]]
    assert e.denominator == 3 and explorer.agree                      # 5 kept by the mask, 2 of them ignored
    assert "kept timesteps: 3 of 6 (2 more left out by ignore_class=-1)" in explorer.view.value
    assert explorer.view.value.count("&#10007; ignored") == 2 and explorer.view.value.count("&#10007; masked") == 1
    assert "ignore_class=-1" in explorer._repr_mimebundle_()["text/plain"]
    explorer.toggles[0][0].value = False                               # mask a step as well
    assert explorer.explanation.denominator == 2 and explorer.agree
    explorer.reduction.value = "sum"
    assert explorer.keras_value == pytest.approx(explorer.explanation.numerator, rel=1e-5)


def test_loss_explorer_ignore_class_starts_set_and_is_refused_for_other_losses():
    y_pred = np.full((1, 3, 2), 0.5, "float32")
    explorer = LossExplorer([[1, -1, 0]], y_pred, loss="sparse_categorical_crossentropy", ignore_class=-1)
    assert explorer.ignore_class.value == -1 and explorer.explanation.denominator == 2 and explorer.agree
    explorer.ignore_class.value = 0                        # now the -1 label counts: no loss, and the view says why
    assert explorer.explanation is None and np.isnan(explorer.keras_value) and not explorer.agree
    assert "y_true must hold class ids in [0, 2)" in explorer.problem
    assert "No loss with ignore_class=0" in explorer.view.value and "ignore_class=0" in repr(explorer._controls_text())
    explorer.ignore_class.value = -1                       # back: computed again
    assert explorer.problem is None and explorer.explanation.denominator == 2 and explorer.agree
    assert LossExplorer(np.zeros((1, 2, 1)), np.ones((1, 2, 1))).ignore_class is None
    with pytest.raises(ValueError, match="ignore_class works only with loss='sparse_categorical_crossentropy'"):
        LossExplorer(np.zeros((1, 2, 1)), np.ones((1, 2, 1)), ignore_class=-1)
    with pytest.raises(TypeError, match="ignore_class must be None or an integer class id"):
        LossExplorer([[1, 0, 0]], y_pred, loss="sparse_categorical_crossentropy", ignore_class="pad")


# -- the explorers' words go through masklab._i18n ----------------------------------------------

def test_padding_summary_and_static_note_are_unchanged_in_english():
    explorer = PaddingExplorer([[3, 1, 4, 1, 5], [9, 2]], maxlen=3)
    assert explorer.summary.value == (
        f'<div style="display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start;color:{TEXT}">'
        f"<div><b>mask</b> (solid = real timestep, hatched = padding){mask_to_html(explorer.batch.mask)}</div>"
        "<div><b>lengths</b>: [3, 2]<br><b>padding</b>: 17% of cells<br><b>truncated rows</b>: 1</div></div>")
    assert ("<b>PaddingExplorer</b>: padding=&#x27;pre&#x27;, truncating=&#x27;pre&#x27;, maxlen=3, value=0 "
            "<i>(a static copy: run the cell to use the controls)</i></p>") in explorer._repr_mimebundle_()["text/html"]


def test_explorer_labels_go_through_the_catalogue(capitals):
    padding = PaddingExplorer([[3, 1, 4, 1, 5], [9, 2]], maxlen=3)
    assert "<b>MASK</b> (SOLID = REAL TIMESTEP, HATCHED = PADDING)" in padding.summary.value
    assert "<b>PADDING</b>: 17% OF CELLS<br><b>TRUNCATED ROWS</b>: 1" in padding.summary.value
    assert padding.maxlen.description == "maxlen"  # Keras' argument names stay as they are
    bundle = padding._repr_mimebundle_()
    assert "<i>(A STATIC COPY: RUN THE CELL TO USE THE CONTROLS)</i>" in bundle["text/html"]
    assert bundle["text/plain"] == "PaddingExplorer(padding='pre', truncating='pre', maxlen=3, value=0)"

    propagation = PropagationExplorer(["LSTM"])
    assert propagation.add.description == "ADD A LAYER" and propagation.suggestions[0].tooltip.startswith("ADD ")
    propagation.stack.value = ["LSTM", "LSTM"]
    assert propagation.error.startswith("THIS STACK CANNOT BE BUILT: LAYER 2 (LSTM) CANNOT TAKE THE OUTPUT OF "
                                        "LAYER 1 (LSTM), SHAPE (2, 3): expected ndim=3")  # Keras' reason as is
    assert "<b>&#10006; THIS STACK CANNOT BE BUILT:</b>" in propagation.view.value

    loss = LossExplorer(np.zeros((1, 3, 1)), np.ones((1, 3, 1)))
    loss.toggles[0][2].value = False
    loss.reduction.value = "mean"
    assert loss.children[1].children[0].value == "SAMPLE 0 KEEPS"
    assert "(AGREE)" in loss.view.value and "KEPT TIMESTEPS: 2 OF 3" in loss.view.value
    assert "'sum_over_batch_size' GIVES THE SAME VALUE: BOTH DIVIDE THE KEPT SUM 2.0000 BY 2." in loss.view.value

    attention = AttentionMaskExplorer(4, key_length=2)
    assert attention.query_length.description == "QUERY LENGTH" and attention.causal.description == "use_causal_mask"
    assert "<b>MULTIHEADATTENTION WEIGHTS</b>, HEAD 0" in attention.view.value
    assert "EVERY MASKED KEY GOT WEIGHT 0; PADDED QUERY ROWS: 0" in attention.view.value

    embedding = EmbeddingMaskExplorer("1 0 2 0")
    assert embedding.ids.description == "IDS" and embedding.use_mask.description == "THE LSTM GETS THE MASK"
    question = "FITS THE CUDNN KERNEL'S MASK RULE (TENSORFLOW ON A GPU, NOT RUN HERE)?"
    assert f"{question} NO: " in embedding.view.value  # then masklab.masks' reason
    embedding.ids.value = "1 2 0 0"
    assert f"{question} YES</p>" in embedding.view.value
    embedding.ids.value = "3 0 9"
    assert embedding.message.value.endswith(  # the error is Python's message, in English
        "<b>&#10006; NOT USED:</b> id 9 is out of range: ids must be from 0 (padding) to 5 (input_dim=6), "
        "got &#x27;3 0 9&#x27;. SHOWING THE LAST GOOD IDS.</p>")
