"""masklab: learn padding and masking in Keras 3 by running it.

The helpers behind the masklab lessons. ``import masklab`` imports neither
TensorFlow, matplotlib nor ipywidgets: Keras loads when a helper first needs
it, and the ``plot`` and ``widgets`` submodules load when first used.

Public API:
    pad_batch, PaddedBatch: pad sequences with keras.utils.pad_sequences and
        keep the mask and lengths.
    get_mask, attach_mask, mask_from_lengths, mask_from_values: read, attach
        and build masks.
    attention_mask: the (batch, T_q, T_k) attention mask by MultiHeadAttention's rule.
    check_cudnn_mask: whether a mask fits TensorFlow's cuDNN LSTM/GRU kernel (right-padded rows).
    trace_masks, MaskTrace: which mask every layer of a model receives and hands on.
    diagnose: the mask doctor: findings (layer, what happened, the fix) from one traced run
        (its classes are in masklab.doctor).
    masked_loss, explain_masked_loss: NumPy reference of Keras 3's masked loss.
    check_token_ids: name the token ids that fall outside an Embedding.
    check: check a lesson exercise.
    quiet_stderr: import TensorFlow without its C++ start-up lines.
    set_language: the language of masklab's messages ("en", the default; "ru"; "zh").
Submodules (loaded when first used): behaviours (the registry of taught Keras
behaviours; ``python -m masklab.matrix`` prints them), datasets, display,
experiments, layers (imports Keras), matrix, plot (matplotlib), widgets
(ipywidgets).
"""

from masklab._i18n import set_language
from masklab.doctor import diagnose
from masklab.environment import quiet_stderr
from masklab.exercises import check
from masklab.losses import explain_masked_loss, masked_loss
from masklab.masks import (
    attach_mask,
    attention_mask,
    check_cudnn_mask,
    get_mask,
    mask_from_lengths,
    mask_from_values,
)
from masklab.padding import PaddedBatch, pad_batch
from masklab.trace import MaskTrace, trace_masks
from masklab.vocab import check_token_ids

__version__ = "0.1.0"

# The one list of public submodules: attribute access (``masklab.layers``), ``dir(masklab)``
# and ``__all__`` all read it. Those not imported above load on first use (layers imports
# Keras, plot matplotlib, widgets ipywidgets).
_SUBMODULES = (
    "behaviours", "datasets", "display", "doctor", "environment", "exercises", "experiments", "layers",
    "losses", "masks", "matrix", "padding", "plot", "trace", "vocab", "widgets",
)
_FUNCTIONS = (
    "MaskTrace",
    "PaddedBatch",
    "attach_mask",
    "attention_mask",
    "check",
    "check_cudnn_mask",
    "check_token_ids",
    "diagnose",
    "explain_masked_loss",
    "get_mask",
    "mask_from_lengths",
    "mask_from_values",
    "masked_loss",
    "pad_batch",
    "quiet_stderr",
    "set_language",
    "trace_masks",
)
__all__ = sorted(_FUNCTIONS + _SUBMODULES)


def __getattr__(name):
    if name in _SUBMODULES:
        from importlib import import_module

        return import_module(f"masklab.{name}")
    raise AttributeError(f"module 'masklab' has no attribute {name!r}")


def __dir__():
    return sorted(set(__all__) | {"__version__"})
