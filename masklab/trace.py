"""trace_masks: which mask every layer of a model receives and hands on.

:func:`trace_masks` runs a Functional or Sequential model eagerly on real
inputs, one layer call at a time in the model's own execution order, and
records the mask on each layer's inputs and outputs (read with
:func:`masklab.get_mask`, never by parsing warnings). It classifies each
call:

- ``"generates"``: no mask in, a mask out (``Embedding(mask_zero=True)``,
  ``Masking``);
- ``"propagates"``: the mask out equals the mask in (``Dense``, ``Dropout``);
- ``"modifies"``: a different mask out (``TemporalSplit``; a merge of
  different masks);
- ``"consumes"``: the layer supports masking, its ``call`` received the mask
  and none comes out (``GlobalAveragePooling1D``; ``LSTM(return_sequences=False)``
  up to Keras 3.15);
- ``"destroys"``: a mask came in and none comes out from a layer whose
  ``supports_masking`` is False: exactly when Keras 3 warns "will therefore
  destroy the mask information" (``Flatten``, ``Conv1D``; from Keras 3.16 also
  RNNs, ``Bidirectional`` and ``TimeDistributed``, keras-team/keras PR #23235,
  which still use the mask inside: see ``uses_mask``);
- ``"none"``: no mask in or out.

"The call received the mask" follows Keras 3's rule in ``Layer.__call__``
(3.15): a single tensor argument fills ``call``'s ``mask`` argument; several
tensor arguments fill ``<argument>_mask`` arguments (``MultiHeadAttention``'s
``query_mask``, ``value_mask``, ``key_mask``); a mask passed by hand counts too.
"""

from __future__ import annotations

import dataclasses
import inspect
import warnings
from collections.abc import Sequence

import numpy as np

from masklab import _validate
from masklab.masks import get_mask

EFFECTS = ("generates", "propagates", "modifies", "consumes", "destroys", "none")


@dataclasses.dataclass(frozen=True, eq=False)
class MaskRecord:
    """One layer call in a :class:`MaskTrace`.

    Attributes:
        name: the layer's name (``outer/inner`` inside a nested model).
        class_name: the layer's class name, e.g. ``"LSTM"``.
        input_mask: bool ``np.ndarray`` ``(batch, timesteps)`` on the input,
            None without one, or a list (one entry per input) for a layer
            with several inputs.
        output_mask: the same for the output(s).
        supports_masking: the layer's ``supports_masking`` (bool).
        uses_mask: the layer's ``call`` received a mask (bool).
        effect: one of ``"generates"``, ``"propagates"``, ``"modifies"``,
            ``"consumes"``, ``"destroys"``, ``"none"``.
    """

    name: str
    class_name: str
    input_mask: object
    output_mask: object
    supports_masking: bool
    uses_mask: bool
    effect: str

    def __repr__(self) -> str:
        return (f"MaskRecord({self.name!r}, {self.class_name}, effect={self.effect!r}, "
                f"supports_masking={self.supports_masking}, uses_mask={self.uses_mask})")


class MaskTrace(Sequence):
    """Per-layer mask records of one model run, in execution order.

    A ``Sequence``: ``len(trace)``, ``trace[i]``, iteration, and
    ``trace["name"]`` for the record of a layer by name. In a notebook it
    shows as a table with small mask grids; :meth:`plot` draws it with
    matplotlib.
    """

    def __init__(self, records):
        self._records = list(records)

    def __len__(self):
        return len(self._records)

    def __getitem__(self, index):
        if isinstance(index, str):
            for record in self._records:
                if record.name == index:
                    return record
            raise KeyError(f"no layer named {index!r} in this trace; names: {[r.name for r in self._records]}")
        return self._records[index]

    def __repr__(self) -> str:
        rows = [f"{'layer':<28} {'class':<24} {'effect':<11} supports  uses"]
        for r in self._records:
            rows.append(f"{r.name:<28} {r.class_name:<24} {r.effect:<11} {r.supports_masking!s:<9} {r.uses_mask}")
        return "\n".join(rows)

    def __contains__(self, item):
        """``"name" in trace``: a layer of that name was traced; a record: it is one of the records."""
        if isinstance(item, str):
            return any(r.name == item for r in self._records)
        return any(r is item for r in self._records)

    @property
    def names(self) -> list:
        """The traced layers' names, in execution order (``list`` of ``str``)."""
        return [r.name for r in self._records]

    def _repr_html_(self) -> str:
        from masklab.display import trace_to_html

        return trace_to_html(self)

    def plot(self, ax=None, *, sample: int = 0, **kwargs):
        """Draw each layer's output mask for one sample: :func:`masklab.plot.plot_trace`."""
        from masklab.plot import plot_trace

        return plot_trace(self, ax, sample=sample, **kwargs)


def _mask_of(value):
    """NumPy mask(s) attached to a tensor or a structure of tensors."""
    if isinstance(value, (list, tuple)):
        masks = [_mask_of(v) for v in value]
        return masks if any(m is not None for m in masks) else None
    if value is None or not hasattr(value, "shape"):
        return None
    return get_mask(value)


def _flat_masks(mask):
    if mask is None:
        return []
    if isinstance(mask, list):
        return [m for m in mask if m is not None]
    return [mask]


def _tensor_arguments(layer, args, kwargs):
    """Tensor arguments of a call by parameter name, as Keras' CallSpec sees them (mask arguments excluded)."""
    try:
        bound = inspect.signature(layer.call).bind(*args, **kwargs)
    except TypeError:
        return {}
    found = {}
    for name, value in bound.arguments.items():
        if name == "mask" or name.endswith("_mask"):
            continue
        flat = value if isinstance(value, (list, tuple)) else [value]
        if flat and all(hasattr(v, "shape") and hasattr(v, "dtype") and not isinstance(v, np.ndarray) for v in flat):
            found[name] = value
    return found


def _is_a_mask(value):
    """Whether a ``mask=``/``<name>_mask=`` argument holds a mask: not None, not a flag such as
    ``use_causal_mask=True``, and not a list of Nones (what a Functional model passes a nested model
    whose inputs carry no mask)."""
    if value is None or isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (list, tuple)):
        return any(_is_a_mask(v) for v in value)
    return True


def _masks_in(layer, args, kwargs):
    """(incoming mask(s), did call receive a mask, was it passed by hand) -- mirrors Layer.__call__ in Keras 3.15."""
    params = inspect.signature(layer.call).parameters
    by_hand = {k: v for k, v in kwargs.items() if (k == "mask" or k.endswith("_mask")) and _is_a_mask(v)}
    tensors = _tensor_arguments(layer, args, kwargs)
    if len(tensors) == 1:
        incoming = _mask_of(next(iter(tensors.values())))
        received = "mask" in params and incoming is not None
    else:
        masks = [_mask_of(v) for v in tensors.values()]
        incoming = masks if any(m is not None for m in masks) else None
        received = any(f"{name}_mask" in params and _mask_of(v) is not None for name, v in tensors.items())
    # A Functional model also passes the mask attached to the input as an explicit `mask=`
    # argument; only a mask given while the input carries none is one passed by hand (Keras
    # does not warn about those).
    attached = incoming is not None
    if by_hand:
        hand = [_mask_of(v) if _mask_of(v) is not None
                else [None if m is None else np.asarray(m).astype(bool) for m in v] if isinstance(v, (list, tuple))
                else np.asarray(v).astype(bool) for v in by_hand.values()]
        incoming = hand[0] if len(hand) == 1 else hand
        received = True
    return incoming, received, bool(by_hand) and not attached


def _effect(incoming, outgoing, uses_mask, supports_masking, by_hand=False):
    ins, outs = _flat_masks(incoming), _flat_masks(outgoing)
    if not ins:
        return "generates" if outs else "none"
    if not outs:
        # Keras warns "will therefore destroy the mask information" exactly when a mask reaches a
        # layer whose supports_masking is False (Layer.__call__), even if its call used the mask
        # first (RNNs from Keras 3.16). A layer that supports masking and returns no mask from
        # compute_mask consumed it, if its call received it. A mask passed by hand (mask=...)
        # reaches call and Keras does not warn.
        return "consumes" if uses_mask and (supports_masking or by_hand) else "destroys"
    same = len(outs) == 1 and all(m.shape == outs[0].shape and (m == outs[0]).all() for m in ins)
    return "propagates" if same else "modifies"


def _graph(model):
    """The Functional graph behind a model (Sequential keeps one in ``_functional``)."""
    import keras

    if isinstance(model, keras.Sequential):
        graph = getattr(model, "_functional", None)
        if graph is None:
            raise ValueError(
                "model is a Sequential model that is not built yet; start it with keras.Input(shape=...) "
                "or call it once on data before tracing"
            )
        return graph
    if hasattr(model, "_run_through_graph") and hasattr(model, "_nodes_by_depth"):
        return model
    raise TypeError(
        f"model must be a Functional or Sequential keras.Model, got a subclassed {type(model).__name__}; "
        "a subclassed model has no layer graph to trace"
    )


def _prepare_inputs(graph, inputs):
    import keras

    expected = graph.inputs
    if isinstance(inputs, dict):
        names = [t.name for t in expected]
        missing = [n for n in names if n not in inputs]
        if missing:
            raise ValueError(f"inputs is missing {missing}; the model's inputs are named {names}")
        inputs = [inputs[n] for n in names]
    elif len(expected) == 1:
        single = isinstance(inputs, (list, tuple)) and len(inputs) == 1 and hasattr(inputs[0], "shape")
        inputs = list(inputs) if single else [inputs]
    elif not isinstance(inputs, (list, tuple)):
        raise ValueError(f"inputs must be a list of {len(expected)} arrays, one per model input, got one array")
    if len(inputs) != len(expected):
        raise ValueError(f"inputs must hold {len(expected)} array(s), one per model input, got {len(inputs)}")
    tensors = []
    for i, (value, spec) in enumerate(zip(inputs, expected)):
        name = "inputs" if len(expected) == 1 else f"inputs[{i}]"
        array = _validate.numeric(name, _validate.to_numpy(name, value), allow_bool=True)
        shape = tuple(spec.shape)
        if array.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape[1:], array.shape[1:])):
            raise ValueError(f"{name} must have shape {shape} (None = any), got {array.shape}")
        dtype = np.dtype(keras.backend.standardize_dtype(spec.dtype))
        if dtype.kind in "iu" and not _validate.is_whole(array).all():
            raise ValueError(f"{name} must hold integer ids for the model's {dtype} input, got non-integer values")
        if dtype.kind in "iu":  # uint64 ids above 2**63 must not wrap into small ids
            _validate.fits_integer_dtype(name, array, dtype, f" (the model's {dtype} input)")
        tensors.append(keras.ops.convert_to_tensor(array.astype(dtype)))
    return tensors


def _call_and_record(operation, args, kwargs, name):
    """Call ``operation`` as Keras runs it; return its outputs and a :class:`MaskRecord` of what it did to the mask."""
    incoming, received, by_hand = _masks_in(operation, args, kwargs)
    outputs = operation(*args, **kwargs)
    outgoing = _mask_of(outputs)
    supports = bool(getattr(operation, "supports_masking", False))
    record = MaskRecord(
        name=name, class_name=type(operation).__name__, input_mask=incoming, output_mask=outgoing,
        supports_masking=supports, uses_mask=bool(received),
        effect=_effect(incoming, outgoing, received, supports, by_hand),
    )
    return outputs, record


def _trace_graph(graph, tensors, prefix, records):
    """Run ``graph`` node by node (Keras' own executor) and append a record per layer call."""
    import keras

    def operation_fn(operation):
        def call(*args, **kwargs):
            if isinstance(operation, keras.Model):  # a nested model: trace inside it too
                inner = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
                _trace_graph(_graph(operation), inner, f"{prefix}{operation.name}/", records)
            outputs, record = _call_and_record(operation, args, kwargs, f"{prefix}{operation.name}")
            # Keras records the ops that compute a symbolic mask (NotEqual, Any, ...) as graph
            # nodes; they touch no mask themselves. Other keras.ops nodes (x * 2) are kept
            # when a mask reaches them, since that is where masks get lost.
            if isinstance(operation, keras.layers.Layer) or record.effect != "none":
                records.append(record)
            return outputs

        return call

    # Keras' private graph executor (Function._run_through_graph, Keras 3.15): the same
    # order and arguments as Functional.call, with our recorder around every layer call.
    return graph._run_through_graph(tensors, operation_fn=operation_fn)


def trace_masks(model, inputs) -> MaskTrace:
    """Run a model on real inputs and report the mask at every layer call.

    Args:
        model: a built Functional or Sequential ``keras.Model``; nested models
            are traced inside (records named ``outer/inner``) and also get a
            record of their own.
        inputs: NumPy array(s), nested lists or tensors, one per model input
            (a list, or a dict by input name), shaped like the model's
            inputs: e.g. int ids ``(batch, timesteps)`` or floats ``(batch,
            timesteps, features)``.

    Returns:
        :class:`MaskTrace`: one :class:`MaskRecord` per layer call, in
        execution order (input layers excluded). ``keras.ops`` nodes of a
        Functional model (``x * 2``) are included when a mask reaches them;
        the ops Keras adds to compute masks are not.

    Raises:
        TypeError: ``model`` is not a Functional/Sequential ``keras.Model``
            (e.g. a subclassed model or a layer); inputs hold non-numbers.
        ValueError: an unbuilt Sequential model; the wrong number of inputs;
            an input of the wrong rank or shape; non-integer values for an
            integer input.

    The model is run in inference mode (``training=False``), once, and is
    not changed; the caller's arrays and tensors are not changed either (the
    model runs on copies). Keras' "destroy the mask" warnings are silenced
    during the run: the trace reports those layers as ``"destroys"``.

    Example:

    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Embedding(9, 2, mask_zero=True),
    ...                           keras.layers.LSTM(3)])
    >>> [r.effect for r in trace_masks(model, np.array([[1, 2, 0, 0]]))]
    ['generates', 'consumes']
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model (Functional or Sequential), got {type(model).__name__}")
    graph = _graph(model)
    tensors = _prepare_inputs(graph, inputs)
    records = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*destroy the mask information.*")
        _trace_graph(graph, tensors, "", records)
    return MaskTrace(records)
