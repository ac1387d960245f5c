"""Lesson 04 (custom mask layers): its self-check exercises."""

import numpy as np

from masklab._i18n import _
from masklab._validate import first_line, show
from masklab.exercises import Exercise, Number, Run
from masklab.masks import attach_mask, get_mask


def _zero_masked_layer(answer):
    """04.1: run the learner's layer class on a masked batch and look at values and mask."""
    import warnings

    import keras

    if not (isinstance(answer, type) and issubclass(answer, keras.layers.Layer)):
        return False, (_("answer with your layer CLASS (a keras.layers.Layer subclass, not an instance), got {answer}")
                       .format(answer=show(answer)))
    try:
        layer = answer()
    except Exception as error:  # noqa: BLE001 - any learner error becomes advice
        return False, _("{cls}() could not be created without arguments: {error}").format(
            cls=answer.__name__, error=first_line(error))
    rng = np.random.default_rng(0)
    values = rng.uniform(1.0, 2.0, size=(2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, False], [True, True, True, False]])
    try:
        with warnings.catch_warnings():
            # Keras warns when a layer drops a mask; the message below says the same, with the fix.
            warnings.filterwarnings("ignore", message=".*destroy the mask.*")
            out = layer(attach_mask(values, mask))
        result = np.asarray(out)
    except Exception as error:  # noqa: BLE001
        return False, _("calling your layer on a masked (2, 4, 3) tensor raised {error_type}: {error}").format(
            error_type=type(error).__name__, error=first_line(error))
    if result.shape != values.shape:
        return False, _("the output must keep the input's shape (2, 4, 3), got {shape}").format(shape=result.shape)
    if not np.allclose(result[mask], values[mask]):
        return False, _("kept timesteps must come out unchanged; only masked ones become 0.")
    if not np.allclose(result[~mask], 0.0):
        return False, _("masked timesteps are not 0: accept `mask=None` in call() and multiply by it, e.g. "
                        "inputs * ops.expand_dims(ops.cast(mask, inputs.dtype), -1).")
    if get_mask(out) is None or not (get_mask(out) == mask).all():
        return False, _("the values are right, but the mask is lost: set self.supports_masking = True in __init__.")
    return True, _("masked steps are 0, kept steps unchanged, and the mask is passed on.")

EXERCISES = [
    Exercise("04.1", "Write a layer class that sets masked timesteps to 0 and passes the mask on.",
             "call(self, inputs, mask=None) and supports_masking", Run(_zero_masked_layer)),
    Exercise("04.2", "The guide's TemporalSoftmax (the version that sums over axis=-1) after Dense(3) instead of "
                     "Dense(1): at a kept timestep, what do its 3 outputs add up to?",
             "which axis does the guide sum over, and how long is that axis now?",
             Number(1.0, "axis=-1 is the features axis: at each timestep the 3 features share 1, a softmax over "
                         "features, not over time. After Dense(1) that one feature alone made 1.0.",
                    wrong=((3.0, ("3 would be 1.0 per feature, as after Dense(1); but the guide divides by the sum "
                                  "over the last axis, which now holds 3 features: they share the 1.")),
                           (0.0, ("a kept step gets exp(logit) > 0 over a positive sum; only masked steps lose "
                                  "it (there the guide computes 0 / 0).")),
                           (float("nan"), ("NaN is what a MASKED step gets (0 / 0); a kept step has a positive "
                                           "denominator."))),
                    otherwise="{answer} is not it: the guide divides by the sum over axis=-1. Run the cell below "
                              "and add the 3 numbers of a kept step.",
                    words={"nan": float("nan"), "one": 1.0})),
]
