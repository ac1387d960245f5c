"""The LossExplorer's arithmetic, apart from its widgets: when two loss values agree, and why two
reductions give the same value.

Plain functions of numbers (and of :class:`masklab.losses.MaskedLossExplanation`'s ``numerator``
and ``denominator``), so they can be read and tested without building a widget.
"""

from __future__ import annotations

from masklab._i18n import _


def agrees(masklab_value: float, keras_value: float) -> bool:
    """True when masklab's and Keras' losses agree to float32 precision.

    The tolerance is relative 1e-5 of Keras' value, and absolute 1e-5 near 0 (Keras computes in
    float32, masklab in float64). NaN agrees with nothing.

    Args:
        masklab_value: masklab's loss (float).
        keras_value: Keras' loss (float).

    Returns:
        bool.

    >>> agrees(1.0, 1.000001), agrees(1.0, 1.001), agrees(0.0, 1e-6), agrees(0.0, 1e-4)
    (True, False, True, False)
    """
    return abs(masklab_value - keras_value) <= 1e-5 * max(1.0, abs(keras_value))


def same_value_reason(mine, other) -> str:
    """Why two reductions of the same losses that :func:`agree <agrees>` give that value, in words.

    Args:
        mine, other: objects with ``numerator`` and ``denominator`` (floats), e.g. two
            :class:`masklab.losses.MaskedLossExplanation` whose values agree.

    Returns:
        ``str``: "both divide the kept sum N by D" when the denominators are equal, "the kept sum
        is 0" when ``mine``'s numerator is 0, else "N1 / D1 and N2 / D2 happen to be equal".

    >>> from types import SimpleNamespace as E
    >>> same_value_reason(E(numerator=5.0, denominator=2.0), E(numerator=5.0, denominator=2.0))
    'both divide the kept sum 5.0000 by 2'
    >>> same_value_reason(E(numerator=0.0, denominator=2.0), E(numerator=0.0, denominator=1.0))
    'the kept sum is 0'
    >>> same_value_reason(E(numerator=2.0, denominator=2.0), E(numerator=1.0, denominator=1.0))
    '2.0000 / 2 and 1.0000 / 1 happen to be equal'
    """
    if other.denominator == mine.denominator:
        # Translators: why two loss reductions give the same value; "the kept sum" is the sum of the losses
        # of the timesteps the mask keeps (the fraction's numerator), {denominator} what it is divided by.
        return _("both divide the kept sum {numerator} by {denominator}").format(
            numerator=f"{mine.numerator:.4f}", denominator=f"{mine.denominator:g}")
    if mine.numerator == 0:
        # Translators: why two loss reductions give the same value (0): the losses the mask keeps sum to 0.
        return _("the kept sum is 0")
    # Translators: why two loss reductions give the same value: two fractions (numerator / denominator) that
    # are equal by chance.
    return _("{numerator} / {denominator} and {other_numerator} / {other_denominator} happen to be equal").format(
        numerator=f"{mine.numerator:.4f}", denominator=f"{mine.denominator:g}",
        other_numerator=f"{other.numerator:.4f}", other_denominator=f"{other.denominator:g}")
