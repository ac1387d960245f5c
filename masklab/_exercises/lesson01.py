"""Lesson 01 (padding): its self-check exercises."""

from masklab.exercises import Choice, Exercise, Grid, WholeNumber

_PAD_POST = "padding='post' adds the padding at the END"
_CUT_PRE = "truncating='pre' removes timesteps from the START of a long sequence"

EXERCISES = [
    Exercise("01.1", "Which padding side does keras.utils.pad_sequences use by default: 'pre' or 'post'?",
             "call it on [[1, 2], [3]] without arguments",
             Choice("pre", "keras.utils.pad_sequences pads (and truncates) at the start unless told otherwise.",
                    {"post": "'post' is a common choice, not the default: run keras.utils.pad_sequences("
                             "[[1, 2], [3]]) and see on which side the 0 lands."})),
    Exercise("01.2", "Pad [[5, 8, 2, 9], [7, 1]] with maxlen=3, padding='post', truncating='pre' (nested list).",
             "truncate first, then pad",
             Grid([[8, 2, 9], [7, 1, 0]], "truncating='pre' dropped the 5, padding='post' put the 0 after [7, 1].",
                  "2 rows of 3 numbers (a nested list)", booleans=False,
                  wrong=(([[5, 8, 2], [7, 1, 0]], _CUT_PRE + "."),
                         ([[8, 2, 9], [0, 7, 1]], _PAD_POST + "."),
                         ([[5, 8, 2], [0, 7, 1]], f"{_CUT_PRE}; {_PAD_POST}.")),
                  otherwise="compare with keras.utils.pad_sequences(seqs, maxlen=3, padding='post', "
                            "truncating='pre').")),
    Exercise("01.3", "Words have ids 1..50 and 0 is padding. What input_dim does Embedding(mask_zero=True) need?",
             "input_dim is a number of rows",
             WholeNumber(51, "ids 0..50 index 51 rows; row 0 is the padding row that mask_zero=True masks.",
                         wrong={50: "the ids run from 0 (padding) to 50, which is 51 rows: input_dim must be "
                                    "larger than the largest id. Embedding(50, ...) has no row 50."},
                         otherwise="{answer} is not it: input_dim is the number of rows, the largest id + 1.")),
]
