"""Lesson 02 (generating masks): its self-check exercises."""

from masklab.exercises import Boolean, Exercise, Grid

_MASK_02_3 = [[False, True, True, True], [False, False, False, True]]

EXERCISES = [
    Exercise("02.1", "The mask Masking(mask_value=0.0) computes for x = [[[0,0],[0,1],[0,0],[2,0]]]?",
             "one boolean per timestep",
             Grid([[False, True, False, True]], "a timestep is masked only when ALL its features equal mask_value.",
                  "4 booleans (one per timestep)", shapes=((4,),),
                  wrong=(([[False, False, False, False]],
                          ("a timestep is masked only when ALL features equal mask_value; [0., 1.] has a non-zero "
                          "feature, so Masking keeps it.")),),
                  otherwise="run masklab.mask_from_values(x, 0.0) or Masking(0.0) on x and compare step by step.")),
    Exercise("02.2", "True or False: Embedding(mask_zero=True) outputs zero vectors at padded positions.",
             "look at the output values, not the mask",
             Boolean(False, "the output at index 0 is row 0 of the embedding matrix; the mask travels beside it.",
                     "run it: Embedding(5, 2, mask_zero=True)(np.array([[0]])) returns row 0 of the weights, "
                     "not zeros. mask_zero only attaches a mask for later layers.")),
    Exercise("02.3", "The mask of lengths [3, 1] padded to maxlen=4 with padding='pre'?", "2 rows of 4 booleans",
             Grid(_MASK_02_3, "with padding='pre' the real timesteps are the last ones of each row.",
                  "2 rows of 4 booleans",
                  wrong=(([row[::-1] for row in _MASK_02_3],
                          "that is the mask for padding='post'; with 'pre' the padding comes first."),),
                  otherwise="each row has exactly `length` True values; check "
                            "masklab.mask_from_lengths([3, 1], 4, padding='pre').")),
]
