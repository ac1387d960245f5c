"""Lesson 02 (generating masks): its self-check exercises, each a prediction the lesson then runs."""

from masklab.exercises import Boolean, Exercise, Grid

_MASK_02_3 = [[False, True, True, True], [False, False, False, True]]

EXERCISES = [
    Exercise("02.1", "Predict: the mask Masking(mask_value=0.0) attaches for x = [[[0,0],[0,1],[0,0],[2,0]]]?",
             "one boolean per timestep",
             Grid([[False, True, False, True]], "a timestep is masked only when ALL its features equal mask_value.",
                  "4 booleans (one per timestep)", shapes=((4,),),
                  wrong=(([[False, False, False, False]],
                          ("a timestep is masked only when ALL features equal mask_value; [0., 1.] has a non-zero "
                          "feature, so Masking keeps it.")),
                         ([[True, False, True, False]],
                          ("that is the opposite: True means kept. [0, 0] matches mask_value everywhere, so it is "
                          "masked (False); [0, 1] and [2, 0] are kept (True)."))),
                  otherwise="run masklab.mask_from_values(x, 0.0) or Masking(0.0) on x and compare step by step.")),
    Exercise("02.2", "Predict (True or False): ids [[2, 0, 0, 3]] go through Embedding(5, 3, mask_zero=True) and "
                     "LSTM(2, return_sequences=True) on CPU. Does the LSTM's output at timestep 2 differ from its "
                     "output at timestep 0?",
             "what does the LSTM do at a masked timestep?",
             Boolean(False, "at a masked step the LSTM (the generic kernel, on CPU) carries its previous output "
                            "forward: step 1 copies step 0 and step 2 copies step 1, so step 2 equals step 0.",
                     "the LSTM does not read row 0 at a masked step and (on CPU) does not write zeros there either: "
                     "it carries its previous output forward, so step 2 copies step 1, which copies step 0. "
                     "Run the cell below and compare the rows.")),
    Exercise("02.3", "Predict: the mask Embedding(mask_zero=True) attaches to "
                     "keras.utils.pad_sequences([[4, 2, 7], [5]], maxlen=4)?", "2 rows of 4 booleans",
             Grid(_MASK_02_3, "pad_sequences pads 'pre' by default, so the zeros (masked) come first.",
                  "2 rows of 4 booleans",
                  wrong=(([row[::-1] for row in _MASK_02_3],
                          ("that is the mask for padding='post'; pad_sequences' default is 'pre': the padding comes "
                          "first.")),
                         ([[True] * 4, [True] * 4],
                          "the mask is ids != 0: the padding zeros pad_sequences added are masked (False).")),
                  otherwise="each row keeps exactly one True per real id (3 and 1); run the cell below: "
                            "masklab.get_mask of the Embedding's output.")),
]
