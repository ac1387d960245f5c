"""CapstoneExplorer: slide the test padding length, watch lesson 07's four models' accuracy at that length."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from masklab import _validate
from masklab._i18n import _
from masklab.display import accuracy_curves_to_html
from masklab.widgets._base import _Explorer


def _run_label(padding: str, masking: bool) -> str:
    """A run's label, the key of its curve (str, always English: code may index the dicts by it)."""
    return f"{padding}, {'mask' if masking else 'no mask'}"


def _run_label_shown(padding: str, masking: bool) -> str:
    """A run's label as the chart and the table show it (str, in the chosen language)."""
    if masking:
        # Translators: a model's label in lesson 07's chart: {padding} is 'pre' or 'post' (Keras' padding=
        # value, code), trained with the mask.
        return _("{padding}, mask").format(padding=padding)
    # Translators: a model's label in lesson 07's chart: {padding} is 'pre' or 'post' (Keras' padding= value,
    # code), trained without a mask.
    return _("{padding}, no mask").format(padding=padding)


class CapstoneExplorer(_Explorer):
    """Slide the test padding length; watch each model's accuracy at that length, measured beforehand.

    The accuracies are measured once, before the explorer is made (lesson 07
    pads the test set to each length and runs each trained model once per
    length, :func:`masklab.experiments.accuracy_by_padding`); moving the
    slider only looks them up and redraws, so it costs no model call. The view
    (:func:`masklab.display.accuracy_curves_to_html`) draws every model's
    curve with a marker at the slider's length, and a table with each
    model's accuracy there and its change from the length used in training.

    Args:
        maxlens: strictly increasing positive ints, the measured test padding
            lengths (e.g. a :class:`~masklab.experiments.RunResult`'s
            ``test_maxlens``).
        accuracies: dict of label (str) -> one accuracy in ``[0, 1]`` per
            length, at most 6 labels.
        trained_maxlen: the padding length the models were trained with, one
            of ``maxlens``; None means ``maxlens[0]``.
        baseline: optional accuracy in ``[0, 1]`` drawn for comparison (e.g.
            lesson 07's nearest-neighbour baseline).
        maxlen: the slider's initial length, one of ``maxlens``; None starts
            at the last (the most padding).
        labels: optional dict of label -> the text the chart and the table
            show for it (str); a label without an entry shows as itself.
            :meth:`from_runs` passes the labels in the chosen language.

    Attributes:
        maxlens: the lengths (tuple of int).
        accuracies: dict of label -> float64 array ``(len(maxlens),)``.
        trained_maxlen: int.
        maxlen: ``ipywidgets.SelectionSlider`` over ``maxlens``.
        at: dict of label -> accuracy (float) at the slider's length.
        change: dict of label -> accuracy at the slider's length minus the
            accuracy at ``trained_maxlen`` (float, a fraction: -0.29 is 29
            points lost).
        view: ``ipywidgets.HTML`` with the chart and the table.

    Raises:
        TypeError, ValueError: as :func:`masklab.display.accuracy_curves_to_html`
            for ``maxlens``, ``accuracies``, ``baseline``, and for
            ``trained_maxlen`` or ``maxlen`` not one of ``maxlens``.

    Example:

    >>> explorer = CapstoneExplorer([29, 60, 100], {"mask": [0.98, 0.98, 0.98], "no mask": [0.97, 0.83, 0.68]})
    >>> explorer.maxlen.value = 60
    >>> {label: round(value, 2) for label, value in explorer.change.items()}
    {'mask': 0.0, 'no mask': -0.14}
    """

    _kind = "capstone"

    def __init__(self, maxlens, accuracies, *, trained_maxlen=None, baseline=None, maxlen=None, labels=None):
        # Validate everything once, with the view's messages, before building controls.
        accuracy_curves_to_html(maxlens, accuracies, at=maxlen, reference=trained_maxlen, baseline=baseline)
        self.maxlens = tuple(int(n) for n in maxlens)
        self.accuracies = {label: np.asarray(values, dtype=float) for label, values in accuracies.items()}
        self.trained_maxlen = self.maxlens[0] if trained_maxlen is None else int(trained_maxlen)
        self._baseline = None if baseline is None else float(baseline)
        self._shown = dict(labels or {})  # label -> the text the view shows for it
        self.maxlen = widgets.SelectionSlider(options=list(self.maxlens),
                                              # Translators: a slider: how long the test set is padded (frames).
                                              description=_("test padding"),
                                              value=self.maxlens[-1] if maxlen is None else int(maxlen),
                                              continuous_update=True, style={"description_width": "90px"},
                                              layout=widgets.Layout(width="520px"))
        self.view = widgets.HTML()
        self.maxlen.observe(self._render, names="value")
        super().__init__([self.maxlen, self.view])
        self._render()

    @classmethod
    def from_runs(cls, runs, *, baseline=None, maxlen=None):
        """An explorer over lesson 07's runs: one curve per run, masked runs first.

        Args:
            runs: dict of ``(padding, masking)`` -> :class:`~masklab.experiments.RunResult`
                (as lesson 07 builds it), or a list of ``RunResult``; every run must
                have been measured at the same ``test_maxlens`` (not empty), which
                must include the training length 29.
            baseline, maxlen: as for the constructor.

        Returns:
            :class:`CapstoneExplorer` with labels such as ``"post, mask"`` and
            ``"pre, no mask"``.

        Raises:
            TypeError: ``runs`` is not a dict or list of ``RunResult``.
            ValueError: ``runs`` is empty; a run has no measured lengths, or
                lengths that differ from the others'.
        """
        from masklab.experiments import MAXLEN, RunResult

        results = list(runs.values()) if isinstance(runs, dict) else runs
        if not isinstance(results, (list, tuple)) or not all(isinstance(r, RunResult) for r in results):
            raise TypeError(f"runs must be a dict or list of RunResult, got {_validate.show(runs)}")
        if not results:
            raise ValueError("runs must hold at least one RunResult")
        maxlens = results[0].test_maxlens
        for r in results:
            if not r.test_maxlens or tuple(r.test_maxlens) != tuple(maxlens):
                raise ValueError("every run must be measured at the same test_maxlens (run_padding_masking("
                                 f"..., test_maxlens=TEST_MAXLENS)); got {list(r.test_maxlens)} and {list(maxlens)}")
        ordered = sorted(results, key=lambda r: (not r.masking, r.padding != "post"))
        accuracies = {_run_label(r.padding, r.masking): r.test_accuracies for r in ordered}
        shown = {_run_label(r.padding, r.masking): _run_label_shown(r.padding, r.masking) for r in ordered}
        return cls(maxlens, accuracies, trained_maxlen=MAXLEN, baseline=baseline, maxlen=maxlen, labels=shown)

    @property
    def at(self) -> dict:
        i = self.maxlens.index(self.maxlen.value)
        return {label: float(values[i]) for label, values in self.accuracies.items()}

    @property
    def change(self) -> dict:
        i, ref = self.maxlens.index(self.maxlen.value), self.maxlens.index(self.trained_maxlen)
        return {label: float(values[i] - values[ref]) for label, values in self.accuracies.items()}

    def _render(self, change=None):
        accuracies = {self._shown.get(label, label): values for label, values in self.accuracies.items()}
        self.view.value = accuracy_curves_to_html(self.maxlens, accuracies, at=self.maxlen.value,
                                                  reference=self.trained_maxlen, baseline=self._baseline,
                                                  # Translators: the title of lesson 07's chart of each model's
                                                  # accuracy at each padding length of the test set.
                                                  title=_("test accuracy against test padding length"))

    def _controls_text(self):
        return f"maxlen={self.maxlen.value}"
