"""Lesson 07 (the capstone): its self-check exercises."""

from masklab.exercises import Boolean, Choice, Exercise

_MASKED_SKIP = "the masked models skip padding entirely, however much there is; their accuracy did not move."
# 07.1: the options are "<side>, masking" and "<side>, no mask"; these spellings mean the same.
_NO_MASK = ("not masked", "unmasked", "without mask", "without a mask", "without masking", "no masking", "none")
_MASKING = ("masked", "mask", "with mask", "with a mask", "with masking")
_ALIASES_07_1 = {
    **{f"{side}{sep}{word}": f"{side}, no mask" for side in ("pre", "post") for sep in (", ", " ") for word in _NO_MASK},
    **{f"{side}{sep}{word}": f"{side}, masking" for side in ("pre", "post") for sep in (", ", " ") for word in _MASKING},
    **{f"{side} {word}": f"{side}, {word}" for side in ("pre", "post") for word in ("no mask", "masking")},
}

EXERCISES = [
    Exercise("07.1", "Which configuration lost the most accuracy when the test set was padded to 60 frames?",
             "answer like 'pre, masking' or 'post, no mask'",
             Choice("post, no mask",
                    "the unmasked model read padding after the data; more of it pushed its last state away.", {
                        "post, masking": _MASKED_SKIP,
                        "pre, masking": _MASKED_SKIP,
                        "pre, no mask": "pre padding without a mask suffered less: the padding comes first, "
                                        "before the real frames.",
                    }, aliases=_ALIASES_07_1)),
    Exercise("07.2", "With masking, did the padding side (pre or post) change test accuracy? (True/False)",
             "compare the two masked runs",
             Boolean(False, "with the mask the LSTM never sees padding, so pre and post train the same model.",
                     "compare the two masked rows of the table: same accuracy, and final losses equal to float "
                     "precision.")),
]
