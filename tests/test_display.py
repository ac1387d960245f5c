import numpy as np

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
