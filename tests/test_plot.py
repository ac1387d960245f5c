import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Rectangle

from masklab import pad_batch
from masklab.plot import plot_mask, plot_padded_batch


def test_plot_padded_batch_draws_one_patch_per_padding_cell():
    fig, ax = plt.subplots()
    b = pad_batch([[3, 1, 4], [1], [2, 2]], padding="post")
    image = plot_padded_batch(b, ax=ax)
    assert image.axes is ax
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch() == "///"]
    assert len(hatched) == 3
    shown = image.get_array()
    assert shown.mask.tolist() == (~b.mask).tolist()
    assert len(ax.texts) == 9
    plt.close(fig)


def test_plot_padded_batch_rank3_and_new_figure():
    b = pad_batch([np.ones((2, 3), "float32"), np.ones((1, 3), "float32")], dtype="float32")
    image = plot_padded_batch(b, feature=2, annotate=False)
    assert image.get_array().shape == (2, 2) and not image.axes.texts
    plt.close(image.axes.figure)


def test_plot_mask():
    image = plot_mask([[True, False, True]])
    assert image.get_array().tolist() == [[1, 0, 1]]
    plt.close(image.axes.figure)


def test_plot_bad_inputs():
    with pytest.raises(TypeError, match="batch must be a masklab.PaddedBatch.*got list"):
        plot_padded_batch([[1, 2]])
    with pytest.raises(ValueError, match=r"mask must have shape \(batch, timesteps\), got shape \(3,\)"):
        plot_mask([True, False, True])
    with pytest.raises(TypeError, match=r"mask must be boolean-like \(booleans or 0/1\), got \[0, 2\]"):
        plot_mask([[0, 2]])
    with pytest.raises(TypeError, match="mask must be boolean-like"):
        plot_mask([["a"]])


def test_plot_functions_take_ax_and_pass_kwargs_to_matplotlib():
    fig, ax = plt.subplots()
    image = plot_mask([[True, False]], ax, alpha=0.3, interpolation="bilinear")
    assert image.axes is ax and image.get_alpha() == 0.3 and image.get_interpolation() == "bilinear"
    b = pad_batch([[1.0, 2.0], [3.0]], dtype="float32")
    image = plot_padded_batch(b, ax, vmin=-5, vmax=5)
    assert image.norm.vmin == -5 and image.norm.vmax == 5
    plt.close(fig)


def test_plot_obscure_inputs_get_named_errors():
    b = pad_batch([np.ones((2, 3), "float32")], dtype="float32")
    with pytest.raises(ValueError, match=r"feature must be in \[0, 3\) for values of shape \(1, 2, 3\), got 99"):
        plot_padded_batch(b, feature=99)
    with pytest.raises(TypeError, match=r"feature must be an integer in \[0, 3\), got 'a'"):
        plot_padded_batch(b, feature="a")
    b4 = pad_batch([np.ones((2, 3, 2), "float32")], dtype="float32")
    with pytest.raises(ValueError, match=r"shape \(batch, maxlen\) or \(batch, maxlen, features\).*got shape \(1, 2, 3, 2\)"):
        plot_padded_batch(b4)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None, got 'left'"):
        plot_mask([[True]], "left")


def test_plot_attention_mask_and_weights():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import masklab
    from masklab.plot import plot_attention_mask

    mask = masklab.attention_mask([[True, True, False]], causal=True)
    fig, (a, b) = plt.subplots(1, 2)
    image = plot_attention_mask(mask, a)
    assert image.get_array().tolist() == [[1, 0, 0], [1, 1, 0], [0, 0, 0]]
    weights = mask.astype(float) / np.maximum(mask.sum(-1, keepdims=True), 1)
    shaded = plot_attention_mask(mask, b, weights=weights, cmap="Greens")
    assert shaded.get_cmap().name == "Greens" and len(b.texts) == 9
    with pytest.raises(ValueError, match=r"sample must be in \[0, 1\), got 2"):
        plot_attention_mask(mask, sample=2)
    with pytest.raises(ValueError, match=r"weights must have shape \(1, 3, 3\) or \(3, 3\), got \(2, 2\)"):
        plot_attention_mask(mask, weights=np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"mask must have shape \(batch, T_q, T_k\) or \(T_q, T_k\)"):
        plot_attention_mask([True, False])
    plt.close(fig)


def test_plot_mask_effects_draws_each_mask_in_and_out():
    from masklab.plot import plot_mask_effects
    from masklab.trace import MaskRecord

    m = np.array([[True, True, False], [True, False, False]])
    records = [
        MaskRecord("masking", "Masking", None, m, True, False, "generates"),
        MaskRecord("concat", "Concatenate", [m, m], np.concatenate([m, m], axis=1), True, False, "modifies"),
        MaskRecord("pool", "GlobalAveragePooling1D", m, None, True, True, "consumes"),
        MaskRecord("flatten", "Flatten", m, None, False, False, "destroys"),
    ]
    fig, ax = plt.subplots()
    cells = plot_mask_effects(records, ax, sample=1, labels=["Masking", "Concatenate(axis=1)", "Pool", "Flatten"],
                              alpha=0.5)
    assert len(cells) == 3 + (6 + 6) + 3 + 3 and all(c.axes is ax and c.get_alpha() == 0.5 for c in cells)
    kept = [c.get_hatch() is None for c in cells[:3]]  # Masking's output for sample 1: keep, skip, skip
    assert kept == [True, False, False]
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("no mask") == 3 and {"generates", "modifies", "consumes", "destroys"} <= set(texts)
    assert "call() used it" in texts and "supports_masking=False" in texts
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Masking", "Concatenate(axis=1)", "Pool", "Flatten"]
    plt.close(fig)
    with pytest.raises(ValueError, match=r"sample must be in \[0, 2\) for records\[0\], got 5"):
        plot_mask_effects(records, sample=5)
    with pytest.raises(TypeError, match="records must be a non-empty sequence of masklab.trace.MaskRecord"):
        plot_mask_effects([])
    with pytest.raises(TypeError, match="labels must be a list of 4 str"):
        plot_mask_effects(records, labels=["one"])
    with pytest.raises(TypeError, match="sample must be an integer"):
        plot_mask_effects(records, sample=True)
    plt.close("all")


def test_plot_attention_steps_draws_the_mask_the_masked_scores_and_each_set_of_weights():
    import masklab
    from masklab.plot import plot_attention_steps

    allowed = masklab.attention_mask([[True, True, False], [True, False, False]])[:, None]  # (2, 1, 3, 3)
    scores = np.arange(2 * 2 * 9, dtype="float32").reshape(2, 2, 3, 3) / 10                 # (batch, heads, 3, 3)
    masked = np.where(allowed, scores, -1e9)
    default = np.exp(masked - masked.max(-1, keepdims=True))
    default /= default.sum(-1, keepdims=True)
    zeroed = np.where(allowed, default, 0.0)
    fig, axes = plt.subplots(1, 5)
    images = plot_attention_steps(allowed, scores, {"default": default, "zeroed": zeroed}, axes, sample=1, head=1,
                                  cmap="Greens")
    assert len(images) == 4 and [im.axes for im in images] == list(axes[:4]) and not axes[4].images
    assert images[1].get_array()[0, 0] == scores[1, 1, 0, 0] and images[1].get_array().mask.tolist() == \
        (~allowed[1, 0]).tolist()
    assert [t.get_text() for t in axes[1].texts].count("-1e9") == 8
    assert [t.get_text() for t in axes[2].texts][3:6] == ["0.33"] * 3           # the padded row: uniform
    assert [t.get_text() for t in axes[3].texts][3:6] == ["0.00"] * 3           # the same row, zeroed
    assert images[2].get_cmap().name == "Greens" and images[1].get_cmap().name == "viridis"
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["0", "1 (all masked)", "2 (all masked)"]
    assert axes[3].get_title() == "4. zeroed"
    plt.close(fig)
    with pytest.raises(ValueError, match=r"axes must hold at least 3 Axes"):
        plot_attention_steps(allowed, scores, {"w": default}, [axes[0]])
    with pytest.raises(ValueError, match=r"head must be in \[0, 2\) for scores, got 2"):
        plot_attention_steps(allowed, scores, {}, head=2)
    with pytest.raises(ValueError, match=r"weights\['w'\] must have the mask's \(T_q, T_k\) = \(3, 3\), got \(2, 2\)"):
        plot_attention_steps(allowed, scores, {"w": np.ones((2, 2))})
    with pytest.raises(TypeError, match="weights must be a dict of panel title"):
        plot_attention_steps(allowed, scores, [default])
    with pytest.raises(TypeError, match="mask must be boolean-like"):
        plot_attention_steps(scores, scores, {})
    with pytest.raises(TypeError, match="sample must be an integer index"):
        plot_attention_steps(allowed, scores, {}, sample=1.0)
    plt.close("all")


def test_plot_lookup_draws_an_arrow_from_each_id_to_its_row():
    from masklab.plot import plot_lookup

    fig, ax = plt.subplots()
    arrows = plot_lookup([2, 0, -1, -3, -4, 5], 3, ax, lw=2)
    assert [a.xy[1] for a in arrows] == [-2.0, 0.0, -2.0, 0.0, -3.5, -3.5]  # y = -row; -3.5 is "no row"
    assert all(a.arrow_patch.get_linewidth() == 2 for a in arrows)
    texts = [t.get_text() for t in ax.texts]
    assert "-1+3=2" in texts and "-4+3=-1" in texts and "no row" in texts
    assert sum(isinstance(p, Rectangle) and p.get_hatch() == "///" for p in ax.patches) == 1
    plt.close(fig)
    with pytest.raises(ValueError, match="1 to 12 ids, got 13"):
        plot_lookup(list(range(13)), 3)
    with pytest.raises(ValueError, match="at most 12 rows"):
        plot_lookup([1], 13)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_lookup([1], 3, ax="left")
    with pytest.raises(TypeError, match="non-integer"):
        plot_lookup([0.5], 3)
    plt.close("all")


def test_plot_mask_flow_draws_values_and_the_attached_masks():
    import keras

    from masklab import attach_mask
    from masklab.plot import plot_mask_flow

    ids = np.array([[4, 2, 0], [1, 0, 0]])
    vectors = attach_mask(np.arange(18, dtype="float32").reshape(2, 3, 3) - 9, ids != 0)
    _, ax = plt.subplots()
    values, masks = plot_mask_flow([("ids", ids), ("vectors", vectors), ("by hand", vectors, [[1, 0, 1], [1, 1, 1]])],
                                   ax, sample=1, max_features=2, cmap="PuOr")
    assert [v.axes for v in values] == [ax] * 3 and masks[0] is None
    assert values[1].get_array().shape == (2, 3) and values[1].get_cmap().name == "PuOr"  # 2 of 3 features
    assert masks[1].get_array().tolist() == [[1, 0, 0]] and masks[2].get_array().tolist() == [[1, 1, 1]]
    texts = [t.get_text() for t in ax.texts]
    assert "no mask" in texts and texts[:3] == ["1", "0", "0"]  # sample 1's ids, written in their cells
    assert values[1].norm.vmin == -values[1].norm.vmax  # a scale centred on 0
    layer_output = keras.layers.Embedding(5, 2, mask_zero=True)(ids)  # a mask attached by Keras itself
    _, masks = plot_mask_flow([("Embedding", layer_output)])
    assert masks[0].get_array().tolist() == [[1, 1, 0]]
    plt.close("all")


def test_plot_mask_flow_bad_inputs_get_named_errors():
    from masklab.plot import plot_mask_flow

    good = np.zeros((2, 3, 4))
    with pytest.raises(TypeError, match="stages must be a non-empty list"):
        plot_mask_flow([])
    with pytest.raises(TypeError, match=r"stages\[0\] must be a \(label, values\) or \(label, values, mask\) tuple"):
        plot_mask_flow([good])
    with pytest.raises(TypeError, match=r"stages\[0\]\[0\] \(the label\) must be a str"):
        plot_mask_flow([(1, good)])
    with pytest.raises(ValueError, match=r"stages\[0\] values must have shape \(batch, timesteps\)"):
        plot_mask_flow([("x", np.zeros(3))])
    with pytest.raises(ValueError, match=r"stages\[0\] mask must have shape \(batch, timesteps\) = \(2, 3\)"):
        plot_mask_flow([("x", good, np.ones((2, 4), bool))])
    with pytest.raises(TypeError, match=r"stages\[0\] mask must be boolean-like"):
        plot_mask_flow([("x", good, [[0, 2, 1], [1, 1, 1]])])
    with pytest.raises(ValueError, match=r"sample must be in \[0, 2\)"):
        plot_mask_flow([("x", good)], sample=2)
    with pytest.raises(TypeError, match="sample must be an integer"):
        plot_mask_flow([("x", good)], sample=True)
    with pytest.raises(ValueError, match="max_features must be a positive integer"):
        plot_mask_flow([("x", good)], max_features=0)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_mask_flow([("x", good)], ax="left")
    plt.close("all")
