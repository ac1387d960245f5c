"""Lesson 04 (custom mask layers): its self-check exercises."""

import math

import numpy as np

from masklab._validate import first_line, show
from masklab.exercises import Exercise, Number, Run
from masklab.masks import attach_mask, get_mask


def _zero_masked_layer(answer):
    """04.1: run the learner's layer class on a masked batch and look at values and mask."""
    import warnings

    import keras

    if not (isinstance(answer, type) and issubclass(answer, keras.layers.Layer)):
        return False, f"answer with your layer CLASS (a keras.layers.Layer subclass, not an instance), got {show(answer)}"
    try:
        layer = answer()
    except Exception as error:  # noqa: BLE001 - any learner error becomes advice
        return False, f"{answer.__name__}() could not be created without arguments: {first_line(error)}"
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
        return False, (f"calling your layer on a masked (2, 4, 3) tensor raised {type(error).__name__}: "
                       f"{first_line(error)}")
    if result.shape != values.shape:
        return False, f"the output must keep the input's shape (2, 4, 3), got {result.shape}"
    if not np.allclose(result[mask], values[mask]):
        return False, "kept timesteps must come out unchanged; only masked ones become 0."
    if not np.allclose(result[~mask], 0.0):
        return False, ("masked timesteps are not 0: accept `mask=None` in call() and multiply by it, e.g. "
                       "inputs * ops.expand_dims(ops.cast(mask, inputs.dtype), -1).")
    if get_mask(out) is None or not (get_mask(out) == mask).all():
        return False, "the values are right, but the mask is lost: set self.supports_masking = True in __init__."
    return True, "masked steps are 0, kept steps unchanged, and the mask is passed on."

EXERCISES = [
    Exercise("04.1", "Write a layer class that sets masked timesteps to 0 and passes the mask on.",
             "call(self, inputs, mask=None) and supports_masking", Run(_zero_masked_layer)),
    Exercise("04.2", "What does the guide's TemporalSoftmax return at a masked step (after Dense(1))?",
             "a number, or 'nan'",
             Number(math.nan, "0 / 0: the guide sums over the last axis, so a masked step divides zero by zero.",
                    wrong=((0.0, ("that is what it should return; run the guide's layer and look at the masked "
                                 "steps.")),
                           (1.0, "1.0 is what it returns at the UNMASKED steps (a softmax over one feature).")),
                    otherwise="{answer} is not it: run the guide's TemporalSoftmax and read a masked step.",
                    words={"nan": math.nan, "nans": math.nan})),
]
