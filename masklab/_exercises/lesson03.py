"""Lesson 03 (mask propagation): its self-check exercises."""

from masklab.exercises import Boolean, Choice, Exercise

EXERCISES = [
    Exercise("03.1", "Which effect does GlobalAveragePooling1D have on a mask?",
             "generates, propagates, modifies, consumes or destroys",
             Choice("consumes", "its call takes the mask (a masked mean over time) and it outputs no mask.", {
                 "generates": "a mask reaches it from Masking; it makes none of its own. Look at 'mask in'.",
                 "propagates": "the time axis is gone after pooling, so no (batch, timesteps) mask can come out.",
                 "modifies": "no mask at all comes out: the time axis is gone after pooling.",
                 "destroys": "it does use the mask: trace_masks shows uses_mask=True. A layer that drops a mask "
                             "unused destroys it.",
             })),
    Exercise("03.2", "Masking -> Flatten -> Dense: does the Dense layer receive a mask? (True/False)",
             "what does Flatten do to a mask?",
             Boolean(False, "Flatten destroys the mask, so nothing after it sees one.",
                     "Flatten does not support masking: Keras warns and drops the mask; trace it and look.")),
]
