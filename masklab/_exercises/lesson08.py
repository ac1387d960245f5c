"""Lesson 08 (attention masks): its self-check exercises."""

from masklab.exercises import Exercise, Grid, Number

EXERCISES = [
    Exercise("08.1", "A Keras padding mask is [[True, True, False]]. What key_padding_mask does PyTorch's "
             "nn.MultiheadAttention need for the same batch?", "PyTorch's True means 'ignore this key'",
             Grid([[False, False, True]], "key_padding_mask = ~keras_mask: PyTorch marks the keys to ignore.",
                  "1 row of 3 booleans", shapes=((3,),),
                  wrong=(([[True, True, False]],
                          ("that is the Keras mask unchanged: PyTorch would ignore the two real keys and attend "
                          "only to the padding. Invert it.")),))),
    Exercise("08.2", "In MultiHeadAttention with a padding mask, called with return_attention_scores=True, "
             "what attention weight does a padded query row give each key?",
             "look at the last rows of the weights in lesson 08",
             Number(0.0, "a padded query row is all False in the combined mask, and on the path that returns "
                         "the weights Keras gives it weights of 0 (the default call takes another path, whose "
                         "output at that row differs).",
                    wrong=((0.25, "0.25 = 1/4 would be a uniform row; on the weights path Keras zeroes the row."),),
                    otherwise="{answer} is not it: print the weights of a padded query row.")),
]
