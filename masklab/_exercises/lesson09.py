"""Lesson 09 (masks in real models): its self-check exercises."""

from masklab.exercises import Choice, Exercise

#: The layers of exercise 09.2's model, in the order they run (the answer's options).
MODEL_09_2 = ("inner", "scale", "conv", "pool")

EXERCISES = [
    Exercise("09.1", "Predict: Lambda(lambda x: x[:, 1:], mask=lambda inputs, mask: mask) is called on the "
             "output of Embedding(10, 4, mask_zero=True) for ids of shape (2, 5). Its output has 4 timesteps. "
             "What is the shape of the mask on that output: '(2, 5)', '(2, 4)' or 'none'? Then run the cell "
             "below and compare.",
             "the mask= callable returns exactly what you return; does `mask` know that the function cut a "
             "timestep?",
             Choice("(2, 5)", "the callable hands back the mask it received, unchanged: 5 timesteps on a "
                              "4-timestep output. Keras does not check it; a later layer that uses it reads the "
                              "wrong steps or fails. Return mask[:, 1:] to cut it the same way.",
                    {"(2, 4)": ("Keras does not cut the mask for you: the callable returns the mask it got, "
                                "of shape (2, 5). You would have to return mask[:, 1:] yourself."),
                     "none": ("mask= makes the Lambda support masking, so Keras attaches what the callable "
                              "returns (here the input's mask). Only Lambda(fn) without mask= drops it.")},
                    aliases={"no mask": "none"})),
    Exercise("09.2", "Predict: ids go through an inner model (Embedding(10, 4, mask_zero=True) -> Dense(4)), "
             "then Lambda(lambda t: t * 2, mask=lambda inputs, mask: mask) named 'scale', then Conv1D(4, 1) "
             "named 'conv', then GlobalAveragePooling1D named 'pool'. Which is the last of 'inner', 'scale', "
             "'conv' and 'pool' to receive the mask? Then run the cell below and compare.",
             "which of these layers supports masking, and which one warns?",
             Choice("conv", "Conv1D receives the mask (and warns that it will destroy it: it has no mask "
                            "support); the pooling after it gets none and averages over the padding too. "
                            "masklab.diagnose names 'conv' as the layer where the mask died.",
                    {"inner": ("the inner model's output carries its mask into the outer model, so the next "
                               "layer receives it too."),
                     "scale": ("a Lambda with mask= supports masking and passes the mask on, so the Conv1D "
                               "after it receives it too."),
                     "pool": ("Conv1D has no mask support: it drops the mask (with the warning), so the "
                              "pooling receives none and averages over the padded steps.")})),
    Exercise("09.3", "Predict: a layer with call(self, inputs, context=None, mask=None) is called as "
             "layer(x, context=c), and both x and c carry masks. What does its call receive in mask: 'x's mask', "
             "'a list of 2 masks' or 'None'? Then run the cell below and compare.",
             "count the tensor arguments: does a keyword argument count?",
             Choice("None", "context=c is a second tensor argument, so Keras does not fill mask; with several "
                            "tensor arguments it fills inputs_mask and context_mask, had call taken them.",
                    {"x's mask": ("that is the rule for ONE tensor argument. context=c is a tensor too, keyword "
                                  "or not: with two, mask stays None."),
                     "a list of 2 masks": ("a list of masks comes when ONE argument holds a list of tensors, "
                                           "layer([x, c]). Here they are two arguments, so mask stays None.")},
                    aliases={"x mask": "x's mask", "the mask of x": "x's mask",
                             "a list": "a list of 2 masks", "list": "a list of 2 masks"})),
]
