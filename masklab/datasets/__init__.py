"""Real data shipped inside masklab (nothing is downloaded at run time).

- :mod:`masklab.datasets.japanese_vowels`: 640 utterances of 12 LPC
  coefficients per frame, 7-29 frames, 9 speakers (UCI; CC BY 4.0).
- :mod:`masklab.datasets.zen_of_python`: the 19 lines of PEP 20, read from
  the standard library's ``this`` module.
"""

from masklab.datasets import japanese_vowels, zen_of_python

__all__ = ["japanese_vowels", "zen_of_python"]
