"""LossExplorer: toggle timesteps in a mask and watch masklab's arithmetic and Keras' loss agree."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from masklab import _validate
from masklab._i18n import _, ngettext
from masklab.display import TEXT, loss_to_html
from masklab.losses import explain_masked_loss, keras_loss
from masklab.masks import attach_mask
from masklab.widgets._base import _Explorer
from masklab.widgets._loss_math import agrees, same_value_reason


def _floats(name, value) -> np.ndarray:
    """``value`` as a float32 array, refused (naming ``name``) as :func:`masklab.masked_loss` refuses it.

    Also refuses finite values too large for float32 (the precision of the explorer and of
    Keras' loss), which the cast would turn into infinities.
    """
    array = _validate.numeric(name, _validate.to_numpy(name, value), allow_bool=True)
    with np.errstate(over="ignore"):
        floats = array.astype("float32")
    overflow = np.isinf(floats) & np.isfinite(array)
    if overflow.any():
        raise ValueError(f"{name} must hold values within float32's range (up to about 3.4e+38 in size), "
                         f"got {_validate.show(float(array[overflow].flat[0]))}")
    return floats


class LossExplorer(_Explorer):
    """Toggle timesteps in a mask and watch masklab's arithmetic and Keras' loss agree.

    A grid of checkboxes, one per ``(sample, timestep)``, is the mask
    (checked = kept). Every change recomputes the loss twice: with
    :func:`masklab.explain_masked_loss` (NumPy, every step shown) and with
    the Keras loss object on a ``y_pred`` that carries the mask
    (:func:`masklab.masks.attach_mask`), then shows both, with a timestep
    grid of ``y_true``, ``y_pred`` and the per-step loss (shaded by its size;
    masked steps hatched and struck through) and the numerator written out
    as the sum of the kept losses. When another reduction on offer gives the
    same value, the view says which and why (the same denominator, a zero
    numerator, or equal quotients), computed from masklab's arithmetic.

    For ``loss="sparse_categorical_crossentropy"`` an ``ignore_class``
    menu sets Keras' ``SparseCategoricalCrossentropy(ignore_class=...)``:
    the steps whose label is that id are left out of the numerator and of
    the denominator, on top of the mask, and the grid marks them "ignored".

    Args:
        y_true: targets, array-like or tensor of numbers (booleans count as
            0/1), the shape of ``y_pred`` (for
            ``"sparse_categorical_crossentropy"``: class ids, ``(batch,
            timesteps)`` or ``(batch, timesteps, 1)``). Used as float32.
        y_pred: predictions, array-like or tensor of numbers, shape
            ``(batch, timesteps, units)`` with ``batch, timesteps >= 1``.
            Used as float32.
        loss: a loss name of :func:`masklab.masked_loss` (default ``"mse"``).
        mask: initial boolean-like ``(batch, timesteps)`` (booleans or 0/1);
            None keeps every timestep.
        sample_weight: optional weights, ``(batch, timesteps)`` numbers.
        ignore_class: initial ``ignore_class`` for the sparse loss: None
            (no class ignored) or a whole-number class id, e.g. -1 for
            labels padded with -1.

    Attributes:
        toggles: list of ``batch`` lists of ``timesteps``
            ``ipywidgets.Checkbox`` (the mask; a native checkbox tells its
            state to screen readers and shows a check mark, not a shade).
        mask: the current mask, bool ``(batch, timesteps)``.
        reduction: ``ipywidgets.Dropdown`` of Keras reductions
            (:attr:`REDUCTIONS`).
        ignore_class: for ``"sparse_categorical_crossentropy"``, an
            ``ipywidgets.Dropdown`` whose options are None and every label
            id in ``y_true`` (ints; the initial ``ignore_class`` too); None
            for the other losses.
        explanation: the current :class:`masklab.losses.MaskedLossExplanation`.
        keras_value: the Keras loss for the current mask (float).
        agree: whether the two agree to float32 precision
            (``masklab.widgets._loss_math.agrees``); the view says "agree" or
            "DISAGREE".
        same_as: the other reductions on offer that give the same value now
            (list of str).
        problem: None, or (str) why the current ``ignore_class`` choice
            gives no loss: a label outside ``[0, classes)`` that is not the
            ignored id (Keras' TensorFlow backend raises there). The view
            then says so, ``explanation`` is None and ``keras_value`` NaN.
        view: ``ipywidgets.HTML`` with the arithmetic.

    Raises:
        TypeError: ``y_true``, ``y_pred`` or ``sample_weight`` is not an
            array of numbers (a string, None, non-numbers); a ``mask`` that
            is not boolean-like. The message names the argument.
        ValueError: ``y_pred`` not of shape ``(batch, timesteps, units)`` or
            empty; values beyond float32's range; a ``mask`` not of shape
            ``(batch, timesteps)``; an unknown ``loss``; and, as
            :func:`masklab.masked_loss`, shapes of ``y_true`` or
            ``sample_weight`` that do not fit ``y_pred``, and an
            ``ignore_class`` with another loss or not a whole number
            (TypeError for one that is not a number).

    Example:

    >>> explorer = LossExplorer(np.zeros((1, 3, 1)), np.ones((1, 3, 1)))
    >>> explorer.toggles[0][2].value = False
    >>> explorer.explanation.denominator, explorer.agree
    (2.0, True)
    >>> explorer.reduction.value = "mean"; explorer.same_as
    ['sum_over_batch_size']
    >>> sparse = LossExplorer([[1, -1, 0]], np.full((1, 3, 2), 0.5), loss="sparse_categorical_crossentropy",
    ...                       ignore_class=-1)
    >>> sparse.ignore_class.options[:2], sparse.explanation.denominator, sparse.agree
    ((('None', None), ('-1', -1)), 2.0, True)
    """

    _kind = "loss"
    REDUCTIONS = ("sum_over_batch_size", "sum", "mean")

    def __init__(self, y_true, y_pred, *, loss="mse", mask=None, sample_weight=None, ignore_class=None):
        self._y_true = _floats("y_true", y_true)
        self._y_pred = _floats("y_pred", y_pred)
        self._sample_weight = None if sample_weight is None else _floats("sample_weight", sample_weight)
        self._loss_name = loss
        if self._y_pred.ndim != 3:
            raise ValueError(f"y_pred must have shape (batch, timesteps, units), got shape {self._y_pred.shape}")
        batch, steps = self._y_pred.shape[:2]
        if not batch or not steps:
            raise ValueError(f"y_pred must have at least one sample and one timestep to toggle, "
                             f"got shape {self._y_pred.shape}")
        # The same boolean-like check as masked_loss: a 0.5-valued mask is refused, not rounded.
        initial = np.ones((batch, steps), bool) if mask is None else _validate.bool_mask("mask", mask)
        if initial.shape != (batch, steps):
            raise ValueError(f"mask must have shape (batch, timesteps) = {(batch, steps)}, got {initial.shape}")
        # Validate once with masklab's messages before building controls.
        keras_loss(loss, ignore_class=ignore_class)
        explain_masked_loss(self._y_true, self._y_pred, initial, loss, self._sample_weight,
                            ignore_class=ignore_class)
        # The menus are named after the Keras arguments they set (reduction=, ignore_class=), and the checkboxes
        # t0, t1, ... after the timesteps: code, not translated.
        self.reduction = widgets.Dropdown(options=list(self.REDUCTIONS), value="sum_over_batch_size",
                                          description="reduction")
        self.ignore_class = None
        if loss == "sparse_categorical_crossentropy":
            ids = {int(v) for v in np.unique(self._y_true)} | ({int(ignore_class)} if ignore_class is not None else set())
            self.ignore_class = widgets.Dropdown(
                options=[("None", None), *((str(i), i) for i in sorted(ids))],
                value=None if ignore_class is None else int(ignore_class), description="ignore_class")
        self.toggles = [
            [widgets.Checkbox(value=bool(initial[i, t]), description=f"t{t}", indent=False,
                              layout=widgets.Layout(width="56px")) for t in range(steps)]
            for i in range(batch)
        ]
        self.view = widgets.HTML()
        # Translators: the label before a row of checkboxes t0, t1, ...: the timesteps of sample {index} (0, 1,
        # ...) that the mask keeps (checked = kept).
        keeps = _("sample {index} keeps")
        rows = [widgets.HBox([widgets.Label(keeps.format(index=i), layout=widgets.Layout(width="120px")), *row],
                             layout=widgets.Layout(flex_flow="row wrap"))
                for i, row in enumerate(self.toggles)]
        menus = [self.reduction] if self.ignore_class is None else [self.reduction, self.ignore_class]
        for control in [*menus, *(b for row in self.toggles for b in row)]:
            control.observe(self._update, names="value")
        header = menus[0] if len(menus) == 1 else widgets.HBox(menus, layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([header, *rows, self.view])
        self._update()

    @property
    def mask(self) -> np.ndarray:
        """The current mask, bool ``(batch, timesteps)``."""
        return np.array([[b.value for b in row] for row in self.toggles], dtype=bool)

    @property
    def _ignored_id(self):
        return None if self.ignore_class is None else self.ignore_class.value

    def _explain(self, mask, reduction):
        return explain_masked_loss(self._y_true, self._y_pred, mask, self._loss_name, self._sample_weight, reduction,
                                   ignore_class=self._ignored_id)

    def _keras_loss(self, mask, reduction):
        loss = keras_loss(self._loss_name, reduction, ignore_class=self._ignored_id)
        return float(loss(self._y_true, attach_mask(self._y_pred, mask), sample_weight=self._sample_weight))

    def _same_value(self, mask, reduction):
        """The other reductions that give the current value, and one sentence each saying why."""
        mine = self.explanation
        same_as, why = [], []
        for other in self.REDUCTIONS:
            if other == reduction:
                continue
            e = self._explain(mask, other)
            if agrees(e.value, mine.value):
                same_as.append(other)
                # Translators: {reduction} is a Keras reduction's name in quotes (e.g. 'sum', code), {reason} why
                # (a clause such as "both divide the kept sum 5.0000 by 2").
                why.append(_("{reduction} gives the same value: {reason}.").format(
                    reduction=repr(other), reason=same_value_reason(mine, e)))
        return same_as, " ".join(why)

    def _update(self, change=None):
        mask = self.mask
        reduction = self.reduction.value
        try:
            self.explanation = self._explain(mask, reduction)
        except ValueError as error:  # the constructor checked the rest: an ignore_class choice that leaves a bad id
            self._refuse(error)
            return
        self.problem = None
        self.keras_value = self._keras_loss(mask, reduction)
        self.agree = agrees(self.explanation.value, self.keras_value)
        self.same_as, note = self._same_value(mask, reduction)
        if self.agree:
            # Translators: in parentheses after masklab's and Keras' loss values: the two agree.
            verdict = _("agree")
        else:
            # Translators: in parentheses after masklab's and Keras' loss values when they differ (a bug);
            # capitals for emphasis.
            verdict = f"&#10007; {_('DISAGREE')}"
        # Translators: {kept} is how many timesteps the mask keeps, e.g. "5 of 8".
        kept = _("kept timesteps: {kept}").format(kept=self._kept_text(mask))
        self.view.value = (
            f"<div style='color:{TEXT}'>"
            f"<p style='margin:2px 0'>masklab: <b>{self.explanation.numerator:.4f} / "
            f"{self.explanation.denominator:g} = {self.explanation.value:.4f}</b> &nbsp; Keras: "
            f"<b>{self.keras_value:.4f}</b> &nbsp; ({verdict})</p>"
            f"<p style='margin:2px 0'>{kept}"
            f"{' &nbsp; ' + html.escape(note, quote=False) if note else ''}</p>"
            f"{loss_to_html(self.explanation, y_true=self._y_true, y_pred=self._y_pred, headline=False)}</div>"
        )

    def _refuse(self, error):
        """Show why the current ignore_class cannot be computed (a label outside [0, classes) still counts)."""
        self.problem = str(error)
        self.explanation, self.keras_value, self.agree, self.same_as = None, float("nan"), False, []
        # Translators: ignore_class (Keras' argument and the menu's name) is code; {ignored} the chosen class id
        # (or None), {problem} why no loss can be computed (an English error message).
        refused = _("No loss with ignore_class={ignored}: {problem}. A label outside the classes must be the "
                    "ignored id; pick it in the ignore_class menu.").format(
            ignored=repr(self._ignored_id), problem=html.escape(self.problem, quote=False))
        self.view.value = f"<div style='color:{TEXT}'><p style='margin:2px 0'>&#10007; {refused}</p></div>"

    def _kept_text(self, mask):
        """'5 of 8', or with ignore_class '4 of 8 (1 more left out by ignore_class=-1)'."""
        ignored = self.explanation.ignored
        if ignored is None:
            # Translators: how many timesteps the mask keeps, out of all, e.g. "5 of 8".
            return _("{kept} of {total}").format(kept=int(mask.sum()), total=mask.size)
        extra = int((mask & ignored).sum())
        # Translators: how many timesteps are kept, out of all, then how many more of those the mask keeps
        # are left out because their label is the ignore_class id (Keras' argument, code).
        return ngettext("{kept} of {total} ({extra} more left out by ignore_class={ignored})",
                        "{kept} of {total} ({extra} more left out by ignore_class={ignored})", extra).format(
            kept=int((mask & ~ignored).sum()), total=mask.size, extra=extra, ignored=self._ignored_id)

    def _controls_text(self):
        kept = "; ".join(f"sample {i}: " + "".join("✓" if m else "✗" for m in row) for i, row in enumerate(self.mask))
        ignoring = "" if self.ignore_class is None else f", ignore_class={self._ignored_id!r}"
        return f"reduction={self.reduction.value!r}{ignoring}, kept: {kept}"
