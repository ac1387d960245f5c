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
    Exercise("05.2", "3 sequences of 3 timesteps, a per-timestep loss, no mask, sample_weight=[1, 0, 0] of "
             "shape (batch,): does evaluate() raise ('error'), weigh each sample ('per sample') or each timestep "
             "('per timestep')?",
             "Keras multiplies the (batch, timesteps) losses by the weights with broadcasting, which lines up the "
             "LAST axes",
             Choice("per timestep",
                    "broadcasting lines up the last axes, so the 3 weights meet the 3 timesteps: timestep 0 of every "
                    "sample counts and the rest get weight 0, with no error to warn you. One weight per sample is "
                    "shape (batch, 1).",
                    {"error": "with 2 samples of 5 timesteps the shapes clash ([2] vs. [2, 5]); here the vector's 3 "
                              "entries meet 3 timesteps, so broadcasting succeeds and nothing is raised.",
                     "per sample": "broadcasting lines up the LAST axes: the vector's 3 entries meet the 3 timesteps, "
                                   "not the 3 samples. One weight per sample needs shape (batch, 1)."},
                    aliases={"raise": "error", "raises": "error", "an error": "error", "fails": "error",
                             "sample": "per sample", "per-sample": "per sample", "each sample": "per sample",
                             "timestep": "per timestep", "per-timestep": "per timestep", "per step": "per timestep",
                             "each timestep": "per timestep"})),
    Exercise("05.3", "Labels [1, 0, 2, 0] (the last step is padding, labelled 0), "
             "SparseCategoricalCrossentropy(ignore_class=0), per-step losses 2, 1, 4 and 8: Keras' loss?",
             "ignore_class compares each step's LABEL with 0, whatever its position; then the default reduction "
             "divides by the steps left",
             Number(3.0, "(2 + 4) / 2: ignore_class=0 leaves out every step labelled 0, the real label 0 at step 1 "
                         "too, and divides by the 2 steps left. Pad labels with an id no class uses, e.g. -1.",
                    wrong=((7 / 3, ("that leaves out only the padded step; ignore_class compares labels, not "
                                    "positions, so the real label 0 at step 1 is left out too.")),
                           (3.75, ("that counts every step; the steps labelled 0 get loss 0 and leave the "
                                   "denominator.")),
                           (1.5, ("(2 + 4) / 4 divides by all 4 steps; Keras attaches labels != ignore_class to "
                                   "the losses as a mask, so the default reduction divides by the 2 steps left.")),
                           (7 / 4, ("that leaves out only the padded step and divides by all 4; ignore_class "
                                    "leaves out every step labelled 0, from the sum and from the denominator."))),
                    otherwise="check with masklab.explain_masked_loss(labels, probs, "
                              "loss='sparse_categorical_crossentropy', ignore_class=0).",
                    tolerance=1e-3)),
]
