import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from masklab import pad_batch  # noqa: E402
from masklab.plot import plot_mask, plot_padded_batch  # noqa: E402


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
