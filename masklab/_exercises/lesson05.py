"""Lesson 05 (masked loss): its self-check exercises."""

from masklab.exercises import Choice, Exercise, Number

EXERCISES = [
    Exercise("05.1", "Per-step losses [1, 4, 9, 16], mask [True, True, False, False]: Keras' default loss?",
             "sum the kept losses, then divide",
             Number(2.5, "(1 + 4) / 2: the masked steps add nothing and the denominator counts kept steps only.",
                    wrong=((1.25, ("you divided by all 4 timesteps; Keras 3 divides by the number of UNMASKED "
                                  "timesteps.")),
                           (7.5, "that averages every step, masked ones included; masked losses get weight 0."),
                           (5.0, "that is the 'sum' reduction; the default 'sum_over_batch_size' also divides.")),
                    otherwise="check with masklab.explain_masked_loss(y_true, y_pred, mask) and read its "
                              "numerator/denominator.")),
    Exercise("05.2", "Which sample_weight shape does evaluate() accept beside a (batch, timesteps) mask: "
             "'(batch,)' or '(batch, timesteps)'?", "the lesson ran both",
             Choice("(batch, timesteps)",
                    "one weight per timestep, the shape of the mask, is what evaluate() accepts here.",
                    {"(batch,)": "run it: on the installed Keras a (batch,) sample_weight with a (batch, "
                                 "timesteps) mask fails."},
                    aliases={"batch, timesteps": "(batch, timesteps)", "batch": "(batch,)",
                             "(batch)": "(batch,)"})),
]
