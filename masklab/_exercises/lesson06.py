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
    Exercise("06.2", "On TensorFlow on CPU, what does Embedding(4, 2) return for id -5: a row (0, 1, 2 or 3), "
             "or 'error'?", "apply Keras' rule for a negative id first, then ask whether Embedding(4, 2) has that row",
             Choice("error", "Keras adds input_dim once: -5 + 4 = -1, which still has no row, so TensorFlow's CPU "
                    "kernel raises InvalidArgumentError (its message names -1, the id after Keras' step).", {
                 3: "3 is -5 % 4, a wrap-around modulo; Keras adds input_dim only once: -5 + 4 = -1, still outside "
                    "[0, 4), so there is no row.",
                 0: "row 0 is what id -4 selects (-4 + 4 = 0); -5 + 4 = -1 is still negative: no row.",
                 1: "row 1 would need -5 + 4 to be 1; it is -1, which has no row.",
                 2: "row 2 would need -5 + 4 to be 2; it is -1, which has no row.",
             }, aliases={"row 0": 0, "first row": 0, "row 1": 1, "row 2": 2, "row 3": 3, "last row": 3,
                         "the last row": 3, "an error": "error", "raises": "error",
                         "invalidargumenterror": "error"},
                 notes={-5: "-5 is the id; answer with the row it selects (0, 1, 2 or 3), or 'error'.",
                        -1: "-1 is the id after Keras adds input_dim (-5 + 4); does Embedding(4, 2) have a row -1? "
                            "Answer with a row (0-3) or 'error'.",
                        "zeros": "zeros are what tf.gather documents on a GPU; the question is about the CPU. "
                                 "Answer with a row (0-3) or 'error'.",
                        "nan": "a row of NaN is JAX's answer (jnp.take's fill mode); the question is about "
                               "TensorFlow. Answer with a row (0-3) or 'error'."})),
]
