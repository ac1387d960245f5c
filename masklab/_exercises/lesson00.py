"""Lesson 00 (start here): its self-check exercises."""

from masklab.exercises import Exercise, WholeNumber

EXERCISES = [
    Exercise("00.1", "How many lesson notebooks does masklab have?", "count the rows of the lesson map",
             WholeNumber(9, "the lessons run from 00_start_here to 08_attention_masks.",
                         otherwise="{answer} is not it: count the rows of the lesson map, numbered 00 to 08.")),
    Exercise("00.2", "In the explorer of lesson 00 ([[3, 1, 4, 1, 5], [9, 2]]), the smallest maxlen that "
             "truncates nothing?", "watch 'truncated rows' as you move the slider",
             WholeNumber(5, "the longest sequence has 5 timesteps; any smaller maxlen truncates it.",
                         below="with maxlen={answer} the first sequence (5 timesteps) is truncated; "
                               "watch 'truncated rows'.",
                         above="maxlen={answer} truncates nothing, but a smaller value does too: only pad to "
                               "the longest sequence.")),
]
