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


class LossExplorer(widgets.VBox):
    """Toggle timesteps in a mask and watch masklab's arithmetic and Keras' loss agree.

    A grid of toggle buttons, one per ``(sample, timestep)``, is the mask
    (pressed = kept). Every change recomputes the loss twice: with
    :func:`masklab.explain_masked_loss` (NumPy, every step shown) and with
    the Keras loss object on a ``y_pred`` that carries the mask
    (:func:`masklab.masks.attach_mask`), then shows both.

    Args:
        y_true, y_pred: arrays of shape ``(batch, timesteps, units)``.
        loss: a loss name of :func:`masklab.masked_loss` (default ``"mse"``).
        mask: initial boolean-like ``(batch, timesteps)``; None keeps all.
        sample_weight: optional ``(batch, timesteps)`` weights.

    Attributes:
        toggles: list of lists of ``ipywidgets.ToggleButton`` (the mask).
        reduction: ``ipywidgets.Dropdown`` of Keras reductions.
        explanation: the current :class:`masklab.losses.MaskedLossExplanation`.
        keras_value: the Keras loss for the current mask (float).
        view: ``ipywidgets.HTML`` with the arithmetic.

    Raises:
        ValueError, TypeError: as :func:`masklab.masked_loss` for bad inputs.
    """

    def __init__(self, y_true, y_pred, *, loss="mse", mask=None, sample_weight=None):
        from masklab.losses import explain_masked_loss, keras_loss

        self._explain = explain_masked_loss
        self._y_true = np.asarray(y_true, dtype="float32")
        self._y_pred = np.asarray(y_pred, dtype="float32")
        self._sample_weight = None if sample_weight is None else np.asarray(sample_weight, dtype="float32")
        self._loss_name = loss
        if self._y_pred.ndim != 3:
            raise ValueError(f"y_pred must have shape (batch, timesteps, units), got shape {self._y_pred.shape}")
        batch, steps = self._y_pred.shape[:2]
        initial = np.ones((batch, steps), bool) if mask is None else np.asarray(mask, dtype=bool)
        # Validate once with masklab's messages before building controls.
        keras_loss(loss)
        self._explain(self._y_true, self._y_pred, initial, loss, self._sample_weight)
        self.reduction = widgets.Dropdown(options=["sum_over_batch_size", "sum", "mean"],
                                          value="sum_over_batch_size", description="reduction")
        self.toggles = [
            [widgets.ToggleButton(value=bool(initial[i, t]), description=f"t{t}",
                                  layout=widgets.Layout(width="48px")) for t in range(steps)]
            for i in range(batch)
        ]
        self.view = widgets.HTML()
        rows = [widgets.HBox([widgets.Label(f"sample {i}", layout=widgets.Layout(width="70px")), *row])
                for i, row in enumerate(self.toggles)]
        for control in [self.reduction, *(b for row in self.toggles for b in row)]:
            control.observe(self._update, names="value")
        super().__init__([self.reduction, *rows, self.view])
        self._update()

    @property
    def mask(self) -> np.ndarray:
        """The current mask, bool ``(batch, timesteps)``."""
        return np.array([[b.value for b in row] for row in self.toggles], dtype=bool)

    def _keras_loss(self, mask, reduction):
        from masklab.losses import keras_loss
        from masklab.masks import attach_mask

        loss = keras_loss(self._loss_name, reduction)
        return float(loss(self._y_true, attach_mask(self._y_pred, mask), sample_weight=self._sample_weight))

    def _update(self, change=None):
        mask = self.mask
        reduction = self.reduction.value
        self.explanation = self._explain(self._y_true, self._y_pred, mask, self._loss_name,
                                         self._sample_weight, reduction)
        self.keras_value = self._keras_loss(mask, reduction)
        agree = abs(self.explanation.value - self.keras_value) <= 1e-5 * max(1.0, abs(self.keras_value))
        verdict = "agree" if agree else "DISAGREE"
        self.view.value = (
            f"<p>masklab: <b>{self.explanation.numerator:.4f} / {self.explanation.denominator:g} = "
            f"{self.explanation.value:.4f}</b> &nbsp; Keras: <b>{self.keras_value:.4f}</b> &nbsp; ({verdict})</p>"
            f"<p style='color:#555'>kept timesteps: {int(mask.sum())} of {mask.size}</p>"
        )
