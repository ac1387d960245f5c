"""The PropagationExplorer's layer menu: one table gives each layer's menu name, its Keras name and how
to build it.

The menu, the suggestion buttons, the accepted names and the layers' Keras names
(``<slug>_<position in the stack>``) are all read from :data:`MENU`, so adding a layer is one row.
Keras is imported only when a layer is built.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class LayerChoice:
    """One layer on the PropagationExplorer's menu.

    Attributes:
        name: the menu name (str), e.g. ``"LSTM(return_sequences)"``.
        slug: the start of the layer's Keras name (str): the layer at position ``p`` of a stack is
            named ``f"{slug}_{p}"``, so a stack has the same names on every rebuild.
        build: ``build(layers, name)`` returns a new layer named ``name``; ``layers`` is the
            ``keras.layers`` module. Nested layers are named ``<name>_inner``.
    """

    name: str
    slug: str
    build: Callable


MENU = (
    LayerChoice("Dense", "dense", lambda L, name: L.Dense(3, name=name)),
    LayerChoice("Dropout", "dropout", lambda L, name: L.Dropout(0.2, name=name)),
    LayerChoice("Activation(relu)", "relu", lambda L, name: L.Activation("relu", name=name)),
    LayerChoice("LayerNormalization", "layer_norm", lambda L, name: L.LayerNormalization(name=name)),
    LayerChoice("TimeDistributed(Dense)", "time_distributed",
                lambda L, name: L.TimeDistributed(L.Dense(3, name=f"{name}_inner"), name=name)),
    LayerChoice("Conv1D", "conv1d", lambda L, name: L.Conv1D(3, 2, padding="same", name=name)),
    LayerChoice("LSTM(return_sequences)", "lstm_seq", lambda L, name: L.LSTM(3, return_sequences=True, name=name)),
    LayerChoice("LSTM", "lstm", lambda L, name: L.LSTM(3, name=name)),
    LayerChoice("GRU(return_sequences)", "gru_seq", lambda L, name: L.GRU(3, return_sequences=True, name=name)),
    LayerChoice("Bidirectional(LSTM, return_sequences)", "bidirectional",
                lambda L, name: L.Bidirectional(L.LSTM(2, return_sequences=True, name=f"{name}_inner"), name=name)),
    LayerChoice("GlobalAveragePooling1D", "global_avg_pool", lambda L, name: L.GlobalAveragePooling1D(name=name)),
    LayerChoice("GlobalMaxPooling1D", "global_max_pool", lambda L, name: L.GlobalMaxPooling1D(name=name)),
    LayerChoice("Flatten", "flatten", lambda L, name: L.Flatten(name=name)),
)
_BY_NAME = {choice.name: choice for choice in MENU}


def menu_names() -> list:
    """The menu names, in menu order (list of str).

    >>> menu_names()[:3]
    ['Dense', 'Dropout', 'Activation(relu)']
    """
    return [choice.name for choice in MENU]


def keras_name(menu_name: str, position: int) -> str:
    """The Keras name of layer ``menu_name`` at ``position`` (1-based) in a stack.

    Raises:
        KeyError: ``menu_name`` is not on the menu.

    >>> keras_name("LSTM(return_sequences)", 2)
    'lstm_seq_2'
    """
    return f"{_BY_NAME[menu_name].slug}_{position}"


def build_layer(menu_name: str, position: int):
    """A new Keras layer for ``menu_name`` at ``position`` (1-based) in a stack, named by :func:`keras_name`.

    Imports Keras. Layers draw their initializers' seeds from Python's ``random``: build them
    inside :func:`masklab._random.isolated_seed` for reproducible weights.

    Raises:
        KeyError: ``menu_name`` is not on the menu.
    """
    import keras

    return _BY_NAME[menu_name].build(keras.layers, keras_name(menu_name, position))
