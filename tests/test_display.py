import numpy as np
import pytest

from masklab import pad_batch
from masklab import display
from masklab.display import batch_to_html, mask_to_html


def test_batch_html_marks_each_padding_cell():
    b = pad_batch([[3, 1, 4], [1]], padding="post")
    page = batch_to_html(b, row_labels=["a<b", "c"])
    assert page.count('data-pad="1"') == 2
    assert "a&lt;b" in page  # labels are escaped
    assert "33% padding" in page


def test_batch_html_truncation_note_and_features():
    b = pad_batch([np.arange(6, dtype="float32").reshape(3, 2)], maxlen=2, dtype="float32")
    page = batch_to_html(b, feature=1)
    assert "(truncated from 3)" in page and "5.00" in page and "1 row(s) truncated" in page
    # the first timestep (feature 1 = 1.0) was cut from the front ("pre"), so it is struck through left of the grid
    assert '<td data-dropped="1" aria-label="dropped by truncation: 1.00"' in page and "<s>1.00</s>" in page
    assert page.index("data-dropped") < page.index("3.00")


def test_mask_html():
    page = mask_to_html(np.array([[True, False]]), title="m")
    assert page.count("<td") == 2 and "<caption" in page
    assert "no mask" in mask_to_html(None)


def test_loss_explanation_html_comes_from_display():
    from masklab import explain_masked_loss
    from masklab.display import loss_to_html

    e = explain_masked_loss(np.zeros((1, 2, 1)), np.array([[[1.0], [2.0]]]), [[True, False]])
    page = e._repr_html_()
    assert page == loss_to_html(e) and "1.0000 / 1 = 1.0000" in page
    # the masked element says so in words and is struck through; the kept one is the numerator
    assert page.count("data-masked='1'") == 1 and "&#10007; masked" in page and "<s>0.0000</s>" in page
    assert "the kept loss x weight: 1.0000 = 1.0000" in page


def test_loss_html_formula_beside_its_numbers_and_keras_value():
    from masklab import explain_masked_loss
    from masklab.display import loss_to_html

    e = explain_masked_loss(np.zeros((1, 2, 1)), np.array([[[1.0], [2.0]]]), [[True, False]])
    page = loss_to_html(e, formula="sum(mask × loss) / sum(mask) <b>", keras_value=np.float32(1.0))
    assert "loss = sum(mask × loss) / sum(mask) &lt;b&gt; = 1.0000 / 1 = 1.0000" in page  # escaped
    assert "Keras: <b>1.0000</b>" in page
    assert "Keras:" not in loss_to_html(e) and "Keras:" not in loss_to_html(e, keras_value=1.0, headline=False)
    with pytest.raises(TypeError, match="formula must be a str"):
        loss_to_html(e, formula=1)
    with pytest.raises(TypeError, match="keras_value must be a real number"):
        loss_to_html(e, keras_value="1.0")


def test_batch_html_bad_labels_and_features():
    b = pad_batch([[1], [2]])
    with pytest.raises(ValueError, match=r"row_labels must hold one label per sequence \(2\), got 3 labels"):
        batch_to_html(b, row_labels=["a", "b", "c"])
    with pytest.raises(TypeError, match="batch must be a masklab.PaddedBatch"):
        batch_to_html([[1]])


def test_attention_to_html_marks_masked_cells():
    from masklab.display import attention_to_html

    mask = np.array([[True, False], [False, False]])
    out = attention_to_html(mask, np.array([[1.0, 0.0], [0.0, 0.0]]), title="t<1>")
    assert out.count("data-masked='1'") == 3 and "1.00" in out and "t&lt;1&gt;" in out
    assert attention_to_html(mask).count("data-masked='1'") == 3


def test_dropped_ids_sit_on_the_side_truncation_cut():
    post = batch_to_html(pad_batch([[1, 2, 3, 4], [5]], maxlen=2, truncating="post"))
    pre = batch_to_html(pad_batch([[1, 2, 3, 4], [5]], maxlen=2, truncating="pre"))
    assert "<s>3 4</s>" in post and "<s>1 2</s>" in pre
    row = post.split("<tr>")[1]
    assert row.index(">1<") < row.index("<s>3 4</s>")  # kept ids, then what "post" dropped
    row = pre.split("<tr>")[1]
    assert row.index("<s>1 2</s>") < row.index(">3<")  # what "pre" dropped, then the kept ids
    assert "data-dropped" not in batch_to_html(pad_batch([[1, 2], [5]]))  # nothing dropped, no column


def test_full_row_labels_wrap_with_a_tooltip():
    label = "a sentence longer than twenty-four characters"
    page = batch_to_html(pad_batch([[1], [2]]), row_labels=[label, "b"])
    assert f'title="{label}"' in page and f">{label}</th>" in page and "overflow-wrap:anywhere" in page


def _luminance(colour):
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def _contrast(a, b):
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_fixed_colour_pairs_pass_wcag_aa():
    from masklab import display

    # data cells keep their own background, so their ink must read on it in every theme
    for background in (display.REAL, display.PAD, "#bdbdbd", "#ececec", display.SKIP):
        assert _contrast(display.INK, background) >= 4.5, background
    for fraction in np.linspace(0, 1, 41):  # every shade of the loss and attention grids
        for dark in ("#1d5a8c", "#2b7bba"):
            background, text = display._shade(fraction, dark=dark)
            ink = "#000000" if text == "#000" else "#ffffff"
            assert _contrast(ink, background) >= 4.5, (fraction, background, text)


def test_views_follow_the_theme_and_mark_state_in_words():
    from masklab.display import TEXT, attention_to_html

    page = batch_to_html(pad_batch([[3, 1], [4]], padding="post"), row_labels=["x", "y"])
    assert "#fff" not in page.replace("var(--jp-layout-color0, #fff)", "")  # no fixed white behind theme text
    assert TEXT.startswith("var(--jp-ui-font-color1") and page.count(TEXT) >= 4
    assert 'aria-label="t1: padding 0"' in page
    grid = mask_to_html(np.array([[True, False]]))
    assert 'aria-label="row 0, t0: kept"' in grid and 'aria-label="row 0, t1: masked"' in grid
    assert "kept timesteps per row: 1" in grid
    attention = attention_to_html(np.array([[True, False]]), np.array([[1.0, 0.0]]))
    assert "may attend, weight 1.00" in attention and "rgba(43" not in attention  # opaque shades only


def test_feature_rows_that_drop_nothing_beside_rows_that_do():
    # a (frames, features) batch where only the first row is truncated
    b = pad_batch([np.arange(8, dtype="float32").reshape(4, 2), np.ones((1, 2), "float32")], maxlen=2,
                  dtype="float32", truncating="post")
    page = batch_to_html(b, feature=1)
    assert "<s>5.00 7.00</s>" in page and 'data-dropped="0"' in page


def test_view_headings_go_through_the_catalogue(capitals):
    """The words of the explorers' views are looked up; numbers, ids and Keras names are not."""
    from masklab.losses import explain_masked_loss

    steps = display.embedding_steps_to_html([1, 0], [[0.1, 0.2], [0.3, 0.4]], [True, False], [[0.5], [0.5]],
                                            carried=[False, True], embeddings=[[0, 0], [1, 1]])
    for words in (">EMBEDDING OUTPUT (ROW OF THE MATRIX)</th>", ">MASK</th>", ">LSTM OUTPUT</th>", ">KEPT</td>",
                  ">MASKED</td>", ">NEW</td>", ">0 (PADDING)</th>", "&#8592; LOOKED UP", "A ROW PER ID</caption>"):
        assert words in steps
    explained = explain_masked_loss([[[0.0], [0.0], [0.0]]], [[[1.0], [3.0], [5.0]]], [[True, True, False]])
    page = display.loss_to_html(explained, keras_value=5.0)
    assert ">ELEMENT</th>" in page and ">LOSS X WEIGHT</th>" in page and "&#10007; MASKED" in page
    assert "NUMERATOR, THE KEPT LOSS X WEIGHT: 1.0000 + 9.0000 = 10.0000" in page and "Keras: <b>5.0000</b>" in page
    curves = display.accuracy_curves_to_html([29, 100], {"a": [0.9, 0.9], "b": [0.9, 0.5]}, at=100, reference=29)
    assert ">ACCURACY AT 100 FRAMES</th>" in curves and ">CHANGE FROM 29 FRAMES</th>" in curves
    assert "<b>-40.0 POINTS</b>" in curves and ">UNCHANGED</td>" in curves
    assert "no mask" in display.mask_to_html(None)  # trace_masks' tables stay English, and they draw masks with it
