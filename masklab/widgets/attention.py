"""AttentionMaskExplorer: set the real lengths of a query and a key sequence, switch the causal mask,
watch MultiHeadAttention's weights."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from masklab import _validate
from masklab._i18n import _
from masklab._random import isolated_seed
from masklab.display import TEXT, attention_to_html
from masklab.masks import attach_mask, attention_mask
from masklab.widgets._base import _Explorer


class AttentionMaskExplorer(_Explorer):
    """Set the real lengths of a query and a key sequence, switch the causal mask, watch attention.

    A fixed small ``keras.layers.MultiHeadAttention`` (2 heads, key_dim 2)
    attends from a query sequence to a key/value sequence, both ``steps``
    long with 4 float32 features, and padded after their real steps. Every
    change builds the combined mask with :func:`masklab.attention_mask`, runs
    the layer on inputs carrying the two padding masks (``use_causal_mask``
    from the checkbox, ``return_attention_scores=True``) and shows the mask
    grid beside the weights of head 0, with a check that masked keys got
    weight 0. The inputs and the layer's weights are seeded (the layer is
    built under :func:`masklab._random.isolated_seed`), so they are the same
    in every session, and the notebook's own random state is left as it was.

    Args:
        steps: timesteps of both sequences (int, 2..12).
        query_length, key_length: initial real lengths (int, 1..steps);
            None means ``steps`` (no padding).
        causal: initial state of the causal checkbox (bool).

    Attributes:
        steps: the ``steps`` argument (int).
        query_length, key_length: ``ipywidgets.IntSlider`` (1..steps).
        causal: ``ipywidgets.Checkbox``.
        mask: the current combined mask, bool ``(steps, steps)`` (rows are
            queries, columns keys; True = may attend).
        weights: head 0's attention weights, float32 ``(steps, steps)``.
        agree: whether every forbidden cell got weight 0 (bool).
        view: ``ipywidgets.HTML`` with the two grids.

    Raises:
        ValueError: ``steps``, ``query_length`` or ``key_length`` not a
            positive integer (bools refused); ``steps`` outside 2..12; a length
            above ``steps``.
        TypeError: ``causal`` not a bool.

    Example:

    >>> explorer = AttentionMaskExplorer(4, key_length=2)
    >>> explorer.mask[0].tolist(), explorer.agree
    ([True, True, False, False], True)
    """

    _kind = "attention"

    def __init__(self, steps=6, *, query_length=None, key_length=None, causal=False):
        steps = _validate.positive_int("steps", steps)
        if not 2 <= steps <= 12:
            raise ValueError(f"steps must be between 2 and 12 for the explorer's grids, got {steps}")
        lengths = {}
        for name, value in (("query_length", query_length), ("key_length", key_length)):
            value = steps if value is None else _validate.positive_int(name, value)
            if value > steps:
                raise ValueError(f"{name} must be between 1 and steps={steps}, got {value}")
            lengths[name] = value
        if not isinstance(causal, bool):
            raise TypeError(f"causal must be True or False, got {_validate.show(causal)}")
        self.steps = steps
        rng = np.random.default_rng(0)
        self._query = rng.normal(size=(1, steps, 4)).astype("float32")
        self._value = rng.normal(size=(1, steps, 4)).astype("float32")
        import keras

        # The layer draws its initializers' seeds from Python's random when it is made and when it is
        # built: both happen here, seeded, and the notebook's random state is put back afterwards.
        with isolated_seed(0):
            self._layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=2, name="explorer_attention")
            self._layer.build(self._query.shape, self._value.shape)
        style = {"description_width": "90px"}
        self.query_length = widgets.IntSlider(value=lengths["query_length"], min=1, max=steps,
                                              # Translators: a slider: the real (unpadded) length of the query
                                              # sequence of an attention layer.
                                              description=_("query length"), style=style)
        self.key_length = widgets.IntSlider(value=lengths["key_length"], min=1, max=steps,
                                            # Translators: a slider: the real (unpadded) length of the key/value
                                            # sequence of an attention layer.
                                            description=_("key length"), style=style)
        # Named after MultiHeadAttention's argument: code, not translated.
        self.causal = widgets.Checkbox(value=causal, description="use_causal_mask", indent=False)
        self.view = widgets.HTML()
        for control in (self.query_length, self.key_length, self.causal):
            control.observe(self._update, names="value")
        super().__init__([widgets.HBox([self.query_length, self.key_length, self.causal]), self.view])
        self._update()

    def _update(self, change=None):
        steps = np.arange(self.steps)
        query_mask = (steps < self.query_length.value)[None]
        key_mask = (steps < self.key_length.value)[None]
        self.mask = attention_mask(query_mask, key_mask, causal=self.causal.value)[0]
        _output, scores = self._layer(attach_mask(self._query, query_mask), attach_mask(self._value, key_mask),
                                      use_causal_mask=self.causal.value, return_attention_scores=True)
        self.weights = np.asarray(scores)[0, 0]
        self.agree = bool((self.weights[~self.mask] == 0).all())
        if self.agree:
            # Translators: the check under the grids: every key the mask forbids got attention weight 0.
            verdict = _("every masked key got weight 0")
        else:
            # Translators: the check under the grids failed (a bug): a forbidden key got a weight; capitals for
            # emphasis.
            verdict = f"&#10007; {_('A MASKED KEY GOT WEIGHT')}"
        # Translators: the legend of the mask grid: blue cells may attend, hatched cells are masked.
        legend = _("(blue = may attend, hatched = masked)")
        # Translators: the heading of the weights grid; MultiHeadAttention is Keras' layer (code); keep the <b>
        # tags. {head} is the head's number.
        weights_heading = _("<b>MultiHeadAttention weights</b>, head {head}").format(head=0)
        # Translators: {verdict} is the check above ("every masked key got weight 0"); {count} the number of padded
        # query rows. Keep the <code> tags and the code inside them.
        note = _("{verdict}; padded query rows: {count}, all weights 0 (on the path that returns weights, "
                 "<code>return_attention_scores=True</code>; a call without it and without dropout runs "
                 "<code>ops.dot_product_attention</code>, whose output at a padded query row differs)").format(
            verdict=verdict, count=int((~query_mask).sum()))
        self.view.value = (
            f'<div style="display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start;color:{TEXT}">'
            f"<div><b>masklab.attention_mask</b> {legend}"
            f"{attention_to_html(self.mask)}</div>"
            f"<div>{weights_heading}{attention_to_html(self.mask, self.weights)}</div></div>"
            f"<p style='color:{TEXT}'>{note}</p>"
        )

    def _controls_text(self):
        return (f"steps={self.steps}, query_length={self.query_length.value}, key_length={self.key_length.value}, "
                f"use_causal_mask={self.causal.value}")
