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
    Exercise("08.2", "Predict: one sequence of 2 real frames, post-padded with 0.0 to 5 frames, goes through "
             "Masking(0.0) and a plain self-attention call mha(m, m) (no weights asked for). What weight does "
             "the padded query at step 4 give each of the 5 keys? Then run the cell below and compare.",
             "which path does a call without return_attention_scores take, and does that path zero a fully "
             "masked row after the softmax?",
             Number(0.2, "the default call runs ops.dot_product_attention: the row's 5 scores are all the same "
                         "large negative number, so the softmax spreads 1/5 = 0.2 over every key, padding included, "
                         "and nothing zeroes the row afterwards. Its output is the projected average of all 5 value vectors.",
                    wrong=((0.0, ("0 is the scores path (return_attention_scores=True or dropout > 0), where Keras' "
                                  "Softmax zeroes a fully masked row after the softmax. A plain call takes the other "
                                  "path, which does not.")),
                           (0.5, ("0.5 spreads the weight over the 2 real keys only. But in a padded query's row "
                                  "the real keys are masked too: all 5 scores are the same large negative number.")),
                           (0.25, "0.25 = 1/4 is the lesson's batch of 4 frames; here each row has 5 keys.")),
                    otherwise="{answer} is not it: what does a softmax make of 5 equal scores?")),
]
