import numpy as np
import pytest

from masklab import pad_batch
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
    assert "(truncated)" in page and "5.00" in page and "1 row(s) truncated" in page


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
    assert page.count("color:#aaa") == 1  # the masked element is grey


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
