"""Lesson 01 (padding): its self-check exercises."""

from masklab.exercises import Exercise, Grid, WholeNumber

#: The standardised feature values of exercise 01.1.
FEATURES_01_1 = [0.4, -0.7, 0.9, 1.3]

_PAD_POST = "padding='post' adds the padding at the END"
_CUT_PRE = "truncating='pre' removes timesteps from the START of a long sequence"

EXERCISES = [
    Exercise("01.1", f"Predict: the standardised values {FEATURES_01_1} padded with keras.utils.pad_sequences "
             "and its default dtype. How many of the 4 real values come out as 0, the padding value?",
             "the default dtype is 'int32'; how does NumPy turn a float into an int?",
             WholeNumber(3, "the int32 cast truncates toward zero: 0.4, -0.7 and 0.9 all become 0 (1.3 becomes 1), "
                            "indistinguishable from padding. Pass dtype='float32'.",
                         wrong={0: "the default dtype is 'int32', not float: the values do not survive. Run "
                                   "keras.utils.pad_sequences([[0.4, -0.7, 0.9, 1.3]]) and look.",
                                1: "that is what rounding gives (-0.7 -> -1, 0.9 -> 1). pad_sequences does not round: "
                                   "the int32 cast truncates toward zero, so -0.7 and 0.9 become 0 too.",
                                4: "1.3 truncates to 1, not 0: only values strictly between -1 and 1 become 0."},
                         otherwise="{answer} is not it: truncate each value toward zero and count the zeros.")),
    Exercise("01.2", "Predict: pad [[5, 8, 2, 9], [7, 1]] with maxlen=3, padding='post', truncating='pre' "
             "(nested list).",
             "truncate first, then pad",
             Grid([[8, 2, 9], [7, 1, 0]], "truncating='pre' dropped the 5, padding='post' put the 0 after [7, 1].",
                  "2 rows of 3 numbers (a nested list)", booleans=False,
                  wrong=(([[5, 8, 2], [7, 1, 0]], _CUT_PRE + "."),
                         ([[8, 2, 9], [0, 7, 1]], _PAD_POST + "."),
                         ([[5, 8, 2], [0, 7, 1]], f"{_CUT_PRE}; {_PAD_POST}.")),
                  otherwise="compare with keras.utils.pad_sequences(seqs, maxlen=3, padding='post', "
                            "truncating='pre').")),
    Exercise("01.3", "Predict: words have ids 1..50 and 0 is padding. What input_dim does "
             "Embedding(mask_zero=True) need?",
             "input_dim is a number of rows",
             WholeNumber(51, "ids 0..50 index 51 rows; row 0 is the padding row that mask_zero=True masks.",
                         wrong={50: "the ids run from 0 (padding) to 50, which is 51 rows: input_dim must be "
                                    "larger than the largest id. Embedding(50, ...) has no row 50."},
                         otherwise="{answer} is not it: input_dim is the number of rows, the largest id + 1.")),
]
