"""Lesson 06 (vocabulary and out-of-range ids): its self-check exercises."""

from masklab.exercises import Choice, Exercise, WholeNumber

EXERCISES = [
    Exercise("06.1", "TextVectorization reports vocabulary_size() == 120. The input_dim of its "
             "Embedding(mask_zero=True)?", "what does vocabulary_size() count?",
             WholeNumber(120, "vocabulary_size() already counts '' (0) and '[UNK]' (1): ids run 0..119.",
                         wrong={121: "no +1 here: TextVectorization's vocabulary_size() already includes the "
                                     "padding entry ''.",
                                122: "vocabulary_size() already includes both reserved entries, '' and '[UNK]'."},
                         otherwise="{answer} is not it: input_dim is the number of ids, vocabulary_size().")),
    Exercise("06.2", "On TensorFlow, which row does Embedding(3, 2) return for id -1 (or 'error')?",
             "the lesson ran it",
             Choice(2, "no error: -1 counts from the end, like Python indexing, and selects the last row (2).", {
                 0: "not zeros and not row 0: run Embedding(3, 2)(np.array([[-1]])) and compare with the weights.",
                 1: "not row 1: run Embedding(3, 2)(np.array([[-1]])) and compare with the weights.",
                 "error": "run it: TensorFlow raises for ids >= input_dim on CPU, but a negative id passes "
                          "silently.",
             }, aliases={"last row": 2, "the last row": 2, "row 2": 2, "row 0": 0, "zeros": 0, "row 1": 1},
                 notes={-1: "-1 is the id; answer with the row index it selects (0, 1 or 2), or 'error'."})),
]
