"""Lesson 00 (start here): its self-check exercises."""

from masklab.exercises import Exercise, Grid, WholeNumber

#: The ids of exercise 00.1: padding at the start of row 0, and a 0 in the middle of row 1.
IDS_00_1 = [[0, 0, 6, 2], [5, 0, 3, 0]]
_MASK_00_1 = [[False, False, True, True], [True, False, True, False]]

EXERCISES = [
    Exercise("00.1", f"Predict the mask Embedding(10, 3, mask_zero=True) attaches to the ids {IDS_00_1} "
             "(2 rows of 4 booleans, True = keep).",
             "the mask is computed from the ids themselves, one timestep at a time",
             Grid(_MASK_00_1, "the mask is ids != 0, timestep by timestep: every 0 is masked, wherever it stands.",
                  "2 rows of 4 booleans (a nested list)",
                  wrong=(([[False, False, True, True], [True, True, True, False]],
                          ("mask_zero does not know lengths: it masks EVERY 0, so the 0 in the middle of row 1 is "
                          "masked too. That is why no real word may have id 0 (lesson 01).")),
                         ([[True, True, False, False], [False, True, False, True]],
                          "True marks a timestep to KEEP: the ids that are not 0. You inverted the mask."),
                         ([[False, False, True, True], [True, True, True, True]],
                          ("mask_zero does not look for padding at one end: it masks EVERY 0, so row 1's zeros at "
                          "timesteps 1 and 3 are masked too."))),
                  otherwise="compare id by id: True where the id is not 0, False where it is 0.")),
    Exercise("00.2", "Predict the smallest maxlen that truncates nothing in lesson 00's explorer "
             "([[3, 1, 4, 1, 5], [9, 2]]), then drag its slider to check.",
             "watch 'truncated rows' as you move the slider",
             WholeNumber(5, "the longest sequence has 5 timesteps; any smaller maxlen truncates it.",
                         below="with maxlen={answer} the first sequence (5 timesteps) is truncated; "
                               "watch 'truncated rows'.",
                         above="maxlen={answer} truncates nothing, but a smaller value does too: only pad to "
                               "the longest sequence.")),
]
