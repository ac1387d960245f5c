"""ipywidgets explorers used in the lessons.

Each explorer is a small ``ipywidgets.VBox`` whose controls are ordinary
widgets; changing a control's ``.value`` (with the mouse, or in a test)
recomputes the explorer's state at once and redraws an HTML view, so the
explorers can be tested without a browser. Importing this module imports
ipywidgets; ``import masklab`` alone does not.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from masklab.display import batch_to_html, mask_to_html
from masklab.padding import pad_batch


class PaddingExplorer(widgets.VBox):
    """Pad real sequences interactively and watch the grid, mask and lengths.

    Controls: ``padding`` and ``truncating`` (``"pre"``/``"post"`` toggle
    buttons), ``maxlen`` (slider from 1 to the longest sequence + 2) and
    ``value`` (the padding value). Every change calls
    :func:`masklab.pad_batch` (so ``keras.utils.pad_sequences``) and
    updates ``batch``, ``grid`` and ``summary``.

    Args:
        sequences: list of sequences, as for :func:`masklab.pad_batch`: token
            ids or ``(frames, features)`` arrays.
        row_labels: optional list of strings, one per sequence (e.g. the
            sentence or the speaker).
        maxlen: initial maxlen; None starts at the longest sequence.
        padding, truncating: initial sides, ``"pre"`` (Keras' default) or
            ``"post"``.
        value: initial padding value (a real number).
        dtype: dtype of the padded values; None picks ``"int32"`` for
            integer data and ``"float32"`` otherwise.

    Attributes:
        batch: the current :class:`~masklab.PaddedBatch`.
        padding, truncating: ``ipywidgets.ToggleButtons``.
        maxlen: ``ipywidgets.IntSlider``.
        value: ``ipywidgets.FloatText``.
        grid: ``ipywidgets.HTML`` with the padded values.
        summary: ``ipywidgets.HTML`` with the mask and the lengths.

    Raises:
        TypeError, ValueError: as :func:`masklab.pad_batch`, for bad
            sequences or initial settings.

    Example:

    >>> explorer = PaddingExplorer([[3, 1, 4, 1, 5], [9, 2]])
    >>> explorer.maxlen.value = 3
    >>> explorer.batch.values.tolist()
    [[4, 1, 5], [0, 9, 2]]
    """

    def __init__(self, sequences, *, row_labels=None, maxlen=None, padding="pre", truncating="pre",
                 value=0, dtype=None):
        if dtype is None:
            floats = any(np.asarray(s).dtype.kind == "f" for s in sequences) if hasattr(sequences, "__len__") else False
            dtype = "float32" if floats else "int32"
        # Validate everything once, with pad_batch's messages, before building controls.
        first = pad_batch(sequences, maxlen, padding=padding, truncating=truncating, value=value, dtype=dtype)
        self._sequences = sequences
        self._dtype = dtype
        self._row_labels = list(row_labels) if row_labels is not None else None
        longest = int(first.original_lengths.max())
        style = {"description_width": "80px"}
        self.padding = widgets.ToggleButtons(options=["pre", "post"], value=padding, description="padding", style=style)
        self.truncating = widgets.ToggleButtons(options=["pre", "post"], value=truncating,
                                                description="truncating", style=style)
        self.maxlen = widgets.IntSlider(value=first.maxlen, min=1, max=longest + 2, description="maxlen",
                                        continuous_update=True, style=style)
        self.value = widgets.FloatText(value=float(value), description="value", style=style,
                                       layout=widgets.Layout(width="180px"))
        self.grid = widgets.HTML()
        self.summary = widgets.HTML()
        self.batch = first
        for control in (self.padding, self.truncating, self.maxlen, self.value):
            control.observe(self._on_change, names="value")
        super().__init__([
            widgets.HBox([self.padding, self.truncating]),
            widgets.HBox([self.maxlen, self.value]),
            self.grid,
            self.summary,
        ])
        self._render()

    def _on_change(self, change=None):
        value = self.value.value
        if np.dtype(self._dtype).kind in "iu":
            value = int(round(value))
        self.batch = pad_batch(self._sequences, self.maxlen.value, padding=self.padding.value,
                               truncating=self.truncating.value, value=value, dtype=self._dtype)
        self._render()

    def _render(self):
        self.grid.value = batch_to_html(self.batch, row_labels=self._row_labels)
        lengths = ", ".join(str(n) for n in self.batch.lengths.tolist())
        self.summary.value = (
            '<div style="display:flex;gap:16px;align-items:flex-start">'
            f"<div><b>mask</b> (blue = real timestep){mask_to_html(self.batch.mask)}</div>"
            f"<div><b>lengths</b>: [{html.escape(lengths)}]<br>"
            f"<b>padding</b>: {self.batch.padding_fraction:.0%} of cells<br>"
            f"<b>truncated rows</b>: {int(self.batch.truncated.sum())}</div></div>"
        )
