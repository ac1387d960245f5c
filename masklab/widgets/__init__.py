"""ipywidgets explorers used in the lessons.

Each explorer is a small ``ipywidgets.VBox`` whose controls are ordinary
widgets; changing a control's ``.value`` (with the mouse, or in a test)
recomputes the explorer's state at once and redraws an HTML view, so the
explorers can be tested without a browser. Importing this package imports
ipywidgets; ``import masklab`` alone does not, and Keras loads only when an
explorer first needs it.

    PaddingExplorer: pad sequences; watch the grid, mask and lengths (lessons 00, 01).
    EmbeddingMaskExplorer: type ids; watch Embedding(mask_zero=True)'s rows, mask and an LSTM's steps (lesson 02).
    PropagationExplorer: stack layers after Masking; watch the mask at every layer (lesson 03).
    LossExplorer: toggle timesteps; watch masklab's and Keras' masked loss agree (lesson 05).
    CapstoneExplorer: slide the test padding length; watch the four capstone models' accuracy (lesson 07).
    AttentionMaskExplorer: query/key lengths and the causal mask in MultiHeadAttention (lesson 08).

One module per explorer (``padding``, ``embedding``, ``propagation``, ``loss``, ``capstone``, ``attention``); the private
modules hold their base class (``_base``), the PropagationExplorer's layer menu (``_layers``) and
the LossExplorer's arithmetic (``_loss_math``).
"""

from masklab.widgets.attention import AttentionMaskExplorer
from masklab.widgets.capstone import CapstoneExplorer
from masklab.widgets.embedding import EmbeddingMaskExplorer
from masklab.widgets.loss import LossExplorer
from masklab.widgets.padding import PaddingExplorer
from masklab.widgets.propagation import PropagationExplorer

__all__ = ["AttentionMaskExplorer", "CapstoneExplorer", "EmbeddingMaskExplorer", "LossExplorer", "PaddingExplorer", "PropagationExplorer"]
