"""Lesson 07 (the capstone): its self-check exercises, each predicted before its cell is run."""

from masklab.exercises import Boolean, Exercise, WholeNumber

_MASKED_SAME = ("the two masked models read the same real frames in the same order whichever side the zeros "
                "are on: Masking(0.0) skips them wherever they sit.")

EXERCISES = [
    Exercise("07.1", "Pad the test set on the other side from the one each model was trained with, to 29 frames. "
                     "Predict: how many of the four models keep exactly the test accuracy they had?",
             "think about what each model reads when the zeros move from the end to the start",
             WholeNumber(2, "the two masked models skip the padding wherever it is, so nothing changes for them; "
                            "the two unmasked models learned where their zeros were and lose accuracy.", {
                 0: "not zero: " + _MASKED_SAME,
                 1: "the two masked models behave alike: " + _MASKED_SAME,
                 3: "the unmasked models read the zeros as input: moved to the other end, they change what "
                    "the LSTM's state holds when it reaches the real frames, or after them.",
                 4: "the unmasked models learned the padding they were trained with; moved to the other end, the "
                    "same zeros are new input for them. Only the masked models skip them.",
             }, above="there are only four models; {answer} is more than that.")),
    Exercise("07.2", "Set frame 3's twelve coefficients to 0.0 in every (standardised) test utterance. Predict: "
                     "does the masked, post-padded model give exactly the same probabilities as with frame 3 cut "
                     "out of each utterance? (True/False)",
             "Masking(0.0) looks at the values of a frame, not at where it sits",
             Boolean(True, "Masking(0.0) masks every frame whose features are all 0.0, wherever it is, and the "
                           "LSTM carries its state over it as if the frame were cut out. A real all-zero frame "
                           "would be skipped too, which is why the lesson checks that no real frame is all zeros.",
                     "Masking(0.0) masks every frame whose 12 values are all 0.0, not only the padding at the end: "
                     "the LSTM carries its state over frame 3 as if it were not there. Run the cell: the "
                     "masked model's largest difference is 0.0000, the unmasked one's is not.")),
]
