"""Lesson 03 (mask propagation): its self-check exercises."""

from masklab.exercises import Boolean, Choice, Exercise

#: 03.3's model, by layer name (the names the lesson's cell gives its layers), in order.
ENCODER_LAYERS = ("embedding", "positions", "attention", "norm", "pooling", "classifier")

EXERCISES = [
    Exercise("03.1", "Which effect does GlobalAveragePooling1D have on a mask?",
             "generates, propagates, modifies, consumes or destroys",
             Choice("consumes", "its call takes the mask (a masked mean over time) and it outputs no mask.", {
                 "generates": "a mask reaches it from Masking; it makes none of its own. Look at 'mask in'.",
                 "propagates": "the time axis is gone after pooling, so no (batch, timesteps) mask can come out.",
                 "modifies": "no mask at all comes out: the time axis is gone after pooling.",
                 "destroys": "it does use the mask: trace_masks shows uses_mask=True. A layer that drops a mask "
                             "unused destroys it.",
             })),
    Exercise("03.2", "Masking -> Flatten -> Dense: does the Dense layer receive a mask? (True/False)",
             "what does Flatten do to a mask?",
             Boolean(False, "Flatten destroys the mask, so nothing after it sees one.",
                     "Flatten does not support masking: Keras warns and drops the mask; trace it and look.")),
    Exercise("03.3", "In the encoder (embedding -> positions -> attention -> norm -> pooling -> classifier), "
                     "which layer is the LAST one that receives the mask?",
             "which of these layers has supports_masking = True? A layer without it gets the mask and drops it",
             Choice("positions",
                    "the custom AddPositions layer receives the mask but has no supports_masking, so Keras drops "
                    "it there (with a warning): attention and pooling then treat padding as data. One line fixes "
                    "it: self.supports_masking = True in its __init__ (lesson 04).",
                    {
                        "embedding": "Embedding(mask_zero=True) makes the mask and hands it to the next layer, so "
                                     "the next layer receives it too: look at 'mask in' on the positions row.",
                        "attention": "MultiHeadAttention would use a mask (query_mask, value_mask), but none "
                                     "reaches it: 'mask in' is empty on its row. Look one layer earlier.",
                        "norm": "LayerNormalization passes a mask on, but it has none to pass: the mask was "
                                "gone before attention. Look earlier.",
                        "pooling": "GlobalAveragePooling1D would take a masked mean, but no mask reaches it, so "
                                   "padding counts in the mean. Find where the mask was lost, earlier.",
                        "classifier": "the classifier sees pooled vectors with no time axis, and no mask; the "
                                      "mask was lost well before. Trace it and look at 'mask in'.",
                    },
                    aliases={"addpositions": "positions", "add_positions": "positions",
                             "multiheadattention": "attention", "layernormalization": "norm",
                             "globalaveragepooling1d": "pooling", "dense": "classifier"})),
]
