"""The mask doctor: :func:`diagnose` runs a model once and names what goes wrong with its masks.

:func:`diagnose` runs a Functional or Sequential model once on real inputs with
:func:`masklab.trace_masks` and reads that trace together with the model's layer
graph (which layer's output feeds which layer, nested models included). Each
problem it finds is a :class:`Finding`: the layer, what happened there and the
fix. A healthy model gets none. The kinds (:data:`KINDS`):

- ``"mask_lost"``: a built-in layer dropped the mask before a layer that would
  have used it (an RNN, masked pooling, attention; see "would have used it"
  below) or before the loss, which reads the mask of an output that still has
  the time axis. ``consumer`` names that layer (``"loss"`` for the loss); a
  layer that merges the timesteps itself without reading the mask (``Flatten``,
  ``GlobalMaxPooling1D``) is its own consumer.
- ``"op_drops_mask"``: the same, where the mask died at a Python operator or a
  ``keras.ops`` call in a Functional model (``x * 2``, ``keras.ops.abs(x)``),
  which hand back tensors without the mask.
- ``"no_mask_support"``: a custom layer (a class of your own, or a ``Lambda``)
  with ``supports_masking`` False and no ``compute_mask`` of its own received a
  mask, so Keras dropped it after the layer, and a layer or the loss needed it.
- ``"masks_not_received"``: a layer called with several tensor arguments got a
  mask on one of them but its ``call`` never received it: Keras 3 fills
  ``call``'s ``mask`` only when there is one tensor argument, and otherwise
  fills ``<argument>_mask`` arguments, which that ``call`` lacks. Custom
  layers ``call(self, x, y, mask=None)`` and, on Keras 3.15.1, a built-in
  ``LSTM(...)(x, initial_state=[h, c])`` (whose ``call`` has ``mask`` but no
  ``sequences_mask``) both run over the padding as if it were data.
- ``"cudnn_mask"``: an ``LSTM``/``GRU`` (or a ``Bidirectional`` one) that
  would run TensorFlow's cuDNN kernel on a GPU received a mask that kernel
  rejects (:func:`masklab.check_cudnn_mask`: a row that is not right-padded or
  is fully masked). A note for GPU runs on TensorFlow: the generic kernel that
  runs on a CPU accepts the mask.
- ``"ids_out_of_range"``: an input that feeds an ``Embedding`` directly holds
  ids ``< 0`` or ``>= input_dim`` (:func:`masklab.check_token_ids`).

"Would have used it": a layer whose ``call`` takes the mask Keras hands on, i.e.
has a ``mask`` argument, or ``<argument>_mask`` for one of its tensor arguments
(``LSTM``, ``Bidirectional``, ``GlobalAveragePooling1D``, ``Softmax``,
``BatchNormalization``, ``MultiHeadAttention``'s ``query_mask``, a custom
``call(inputs, mask=None)``); ``TimeDistributed`` and ``Lambda`` count when the
layer or function they wrap takes a mask. A mask that a layer used and then
dropped while merging the timesteps (``GlobalAveragePooling1D``, an RNN with
``return_sequences=False``, a custom pooling layer) is no finding, even where
Keras warns that the layer "will therefore destroy the mask information".

``masklab.diagnose`` is this module's :func:`diagnose`; the module is ``masklab.doctor``
(``from masklab.doctor import Finding, Diagnosis, KINDS``).

Rules read on Keras 3.15.1 (``Layer.__call__`` step 6 fills the mask
arguments; ``Merge.compute_mask`` returns None when one input has no mask;
``MultiHeadAttention.call`` removes the masks of the tensors it is given, in
place, so a residual ``Add()([x, attention(x, x)])`` gets ``x`` without one).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Sequence

import numpy as np

from masklab._i18n import _, ngettext
from masklab.masks import check_cudnn_mask
from masklab.trace import _graph, _prepare_inputs, _tensor_arguments, trace_masks
from masklab.vocab import check_token_ids

KINDS = ("mask_lost", "op_drops_mask", "no_mask_support", "masks_not_received", "cudnn_mask", "ids_out_of_range")


@dataclasses.dataclass(frozen=True)
class Finding:
    """One problem :func:`diagnose` found.

    Attributes:
        kind: one of :data:`KINDS` (``str``).
        layer: the layer (or operation) where it happened, named as in the
            trace (``outer/inner`` inside a nested model) (``str``).
        what: what happened, in a sentence or two (``str``).
        fix: what to change (``str``).
        consumer: the layer that needed the lost mask, ``"loss"`` for the
            loss on a model output, or None when the kind names no consumer
            (``str`` or None).
    """

    kind: str
    layer: str
    what: str
    fix: str
    consumer: str | None = None

    def __str__(self) -> str:
        # Translators: the label of a finding's fix in the plain-text report of masklab.diagnose; {fix} is
        # the fix itself (one or more sentences, already translated).
        return f"[{self.kind}] {self.layer}: {self.what}\n    " + _("fix: {fix}").format(fix=self.fix)


class Diagnosis(Sequence):
    """The findings of one :func:`diagnose` run, in execution order.

    A ``Sequence`` of :class:`Finding` (empty, and so falsy, for a healthy
    model). ``str()``/``repr()`` give a plain-text report, a notebook shows
    an HTML table; ``trace`` is the :class:`~masklab.MaskTrace` the findings
    were read from.
    """

    def __init__(self, findings, trace):
        self._findings = tuple(findings)
        self.trace = trace

    def __len__(self):
        return len(self._findings)

    def __getitem__(self, index):
        return self._findings[index]

    def __repr__(self) -> str:
        calls = len(self.trace)
        if not self._findings:
            # Translators: the whole report of masklab.diagnose for a healthy model; {calls} is the number of
            # layer calls it traced (the English keeps "calls" for any number, so both forms are the same).
            return ngettext("no findings: {calls} layer calls traced, and every mask reached the layers that use it",
                            "no findings: {calls} layer calls traced, and every mask reached the layers that use it",
                            calls).format(calls=calls)
        count = len(self._findings)
        # Translators: the first line of masklab.diagnose's plain-text report, above the numbered findings;
        # {count} is the number of findings, {calls} the number of layer calls traced (the plural form follows
        # {count}; "layer calls traced: {calls}" avoids a second count-dependent word).
        lines = [ngettext("{count} finding ({calls} layer calls traced):",
                          "{count} findings ({calls} layer calls traced):", count).format(count=count, calls=calls)]
        lines += [f"{i}. {finding}" for i, finding in enumerate(self._findings, 1)]
        return "\n".join(lines)

    __str__ = __repr__

    def _repr_html_(self) -> str:
        from masklab.display import diagnosis_to_html

        return diagnosis_to_html(self)


@dataclasses.dataclass(eq=False)
class _Entry:
    """One operation call of the model's graph, in trace order, with where its inputs come from."""

    name: str
    operation: object
    node: object
    sources: frozenset  # where its data comes from: entry indices, and ("input", i) for the model's inputs
    inputs: list  # the KerasTensors of its data arguments (not the masks Keras passes along), flattened
    outputs: list


def _is_mask_argument(name) -> bool:
    return name == "mask" or name.endswith("_mask")


def _data_tensors(node) -> list:
    """A node's KerasTensor arguments, leaving out the masks (Keras records ``mask=`` with the symbolic mask)."""
    import keras

    kwargs = {k: v for k, v in node.arguments.kwargs.items() if not _is_mask_argument(k)}
    return [t for t in keras.tree.flatten((list(node.arguments.args), kwargs)) if isinstance(t, keras.KerasTensor)]


def _walk(graph, prefix, feeds, entries):
    """Append an :class:`_Entry` per call in ``graph``, in the order :func:`trace_masks` records them.

    ``feeds`` maps the graph's input KerasTensors (by id) to their sources. Returns that map
    extended by every tensor the graph computes.
    """
    import keras

    produced = dict(feeds)
    for depth in sorted(graph._nodes_by_depth, reverse=True):  # the order of Function._run_through_graph
        for node in graph._nodes_by_depth[depth]:
            operation = node.operation
            if not operation or node.is_input:
                continue
            arguments = list(node.arguments.keras_tensors)
            if any(id(t) not in produced for t in arguments):
                continue
            data = _data_tensors(node)
            sources = frozenset().union(*(produced[id(t)] for t in data))
            if isinstance(operation, keras.Model):  # traced inside, as trace_masks does
                inner = _graph(operation)
                args = node.arguments.args
                given = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
                inner_feeds = {id(t): produced.get(id(o), frozenset())
                               for t, o in zip(inner.inputs, keras.tree.flatten(given))}
                inner_produced = _walk(inner, f"{prefix}{operation.name}/", inner_feeds, entries)
                sources = frozenset().union(*(inner_produced.get(id(t), frozenset()) for t in inner.outputs))
            index = len(entries)
            entries.append(_Entry(prefix + operation.name, operation, node, sources, data, list(node.outputs)))
            for t in node.outputs:
                produced[id(t)] = frozenset({index})
    return produced


def _masks(mask) -> list:
    """The ``(batch, timesteps)`` masks in a record's mask field (a mask, a list, or None)."""
    if isinstance(mask, list):
        return [m for item in mask for m in _masks(item)]
    return [mask] if isinstance(mask, np.ndarray) and mask.ndim == 2 else []


def _same_time(reference, shape) -> bool:
    """Whether ``shape`` still has the time axis of ``reference`` (static shapes; None matches None)."""
    return (len(shape) >= 2 and shape[1] == reference[1]
            and (len(reference) < 3 or len(shape) >= 3 or reference[-1] == 1))


def _reference(entry):
    return next((tuple(t.shape) for t in entry.inputs if len(t.shape) >= 2), None)


def _keeps_time(entry) -> bool:
    reference = _reference(entry)
    return reference is not None and any(_same_time(reference, tuple(t.shape)) for t in entry.outputs)


def _takes_mask(operation) -> bool:
    """Whether Keras hands ``operation.call`` a mask: a ``mask`` or ``<tensor argument>_mask`` argument."""
    import keras

    if isinstance(operation, keras.Model) or not isinstance(operation, keras.layers.Layer):
        return False
    if isinstance(operation, keras.layers.Lambda):
        return bool(getattr(operation, "_fn_expects_mask_arg", False))
    if isinstance(operation, keras.layers.TimeDistributed):
        return _takes_mask(operation.layer)
    params = inspect.signature(operation.call).parameters
    return "mask" in params or any(p.endswith("_mask") and p[:-5] in params for p in params)


def _is_custom(operation) -> bool:
    import keras

    return isinstance(operation, keras.layers.Lambda) or not type(operation).__module__.startswith("keras")


def _cudnn_rnn(operation):
    """The LSTM/GRU inside ``operation`` if TensorFlow would run it on cuDNN on a GPU, else None.

    Mirrors ``LSTM.inner_loop``/``GRU.inner_loop`` and ``cudnn_ok`` (keras/src/backend/tensorflow/rnn.py),
    read in Keras 3.15.1: ``use_cudnn`` "auto" or True, no recurrent dropout, tanh and sigmoid, not
    unrolled, with a bias; a GRU also needs ``reset_after``.
    """
    import keras

    rnn = operation.forward_layer if isinstance(operation, keras.layers.Bidirectional) else operation
    if not isinstance(rnn, (keras.layers.LSTM, keras.layers.GRU)):
        return None
    use = rnn.use_cudnn
    if not (use is True or use == "auto") or rnn.recurrent_dropout or rnn.unroll or not rnn.use_bias:
        return None
    if getattr(rnn.activation, "__name__", "") != "tanh" or getattr(rnn.recurrent_activation, "__name__", "") != "sigmoid":
        return None
    if isinstance(rnn, keras.layers.GRU) and not rnn.reset_after:
        return None
    return rnn


class _Reader:
    """The trace and the graph side by side: which entry each record is, and what lies downstream."""

    def __init__(self, entries, trace, outputs):
        self.entries, self.trace, self.outputs = entries, trace, outputs
        # The entries whose data reaches a model output. The others compute masks only (the NotEqual,
        # ZerosLike, Any ... nodes Keras records for a symbolic compute_mask): they are never findings.
        self.live, stack = set(), list(outputs)
        while stack:
            j = stack.pop()
            if j not in self.live:
                self.live.add(j)
                stack.extend(s for s in entries[j].sources if isinstance(s, int))
        self.record_at = {}
        j = 0
        for record in trace:
            while j < len(entries) and entries[j].name != record.name:
                j += 1
            if j == len(entries):  # pragma: no cover - trace_masks and _walk disagree: a masklab bug
                raise RuntimeError(f"diagnose could not place the traced layer {record.name!r} in the model's graph")
            self.record_at[j] = record
            j += 1

    def consumer_after(self, start):
        """The first entry downstream of entry ``start`` that needed its lost mask: (index, how) or None.

        ``how`` is "layer" (its call takes a mask), "merges" (it merges the timesteps without one) or
        "loss" (the entry makes a model output with the time axis, and the loss reads its mask).
        """
        import keras

        reached = {start}
        for j in range(start + 1, len(self.entries)):
            entry = self.entries[j]
            if j not in self.live or not any(s in reached for s in entry.sources):
                continue
            if isinstance(entry.operation, keras.Model):  # transparent: its inner layers were walked
                reached.add(j)
                continue
            record = self.record_at.get(j)
            if record is not None and _masks(record.output_mask):
                continue  # a mask again on this path (e.g. Concatenate with a masked input)
            if _takes_mask(entry.operation):
                return j, "layer"
            if not _keeps_time(entry):
                return j, "merges"
            reached.add(j)
        reference = _reference(self.entries[start])
        for j in sorted(reached):
            if any(_same_time(reference, tuple(t.shape)) for t in self.outputs.get(j, [])):
                return j, "loss"
        return None

    def stripped_by(self, index, tensor):
        """The MultiHeadAttention that removed ``tensor``'s mask in place before entry ``index``, or None."""
        import keras

        producer = next((s for s in self.entries[index].sources
                         if isinstance(s, int) and any(t is tensor for t in self.entries[s].outputs)), None)
        record = self.record_at.get(producer)
        if record is None or not _masks(record.output_mask):
            return None
        for j in range(producer + 1, index):
            entry = self.entries[j]
            if isinstance(entry.operation, keras.layers.MultiHeadAttention) and any(t is tensor for t in entry.inputs):
                return entry.name
        return None

    def describe(self, index, consumer):
        """For a mask lost at entry ``index``: who missed it (a sentence) and the advice that goes with it."""
        import keras

        j, how = consumer
        name, cls = self.entries[j].name, type(self.entries[j].operation).__name__
        if how == "merges":
            if j == index:
                # Translators: "It" is the layer of the finding, named just before; "mask" is Keras' mask.
                missed = _("It merges the timesteps without reading the mask, so the padded timesteps count as "
                           "data in its output.")
                # Translators: {cls} is a Keras layer class (e.g. Flatten); GlobalAveragePooling1D, LSTM/GRU
                # and return_sequences=False are Keras code, kept as they are.
                advice = _("Summarise the timesteps with a layer that reads the mask (GlobalAveragePooling1D, or "
                           "an LSTM/GRU with return_sequences=False) in place of {cls}.").format(cls=cls)
            else:
                # Translators: {cls} '{name}' is a layer: its Keras class and its name (e.g. GlobalMaxPooling1D
                # 'pool').
                missed = _("{cls} '{name}' merges the timesteps without reading the mask, so the padded "
                           "timesteps count as data in its output.").format(cls=cls, name=name)
                # Translators: {cls} '{name}' is a layer (its Keras class and its name); GlobalAveragePooling1D,
                # LSTM/GRU and return_sequences=False are Keras code, kept as they are.
                advice = _("Summarise the timesteps with a layer that reads the mask (GlobalAveragePooling1D, or "
                           "an LSTM/GRU with return_sequences=False) in place of {cls} '{name}'.").format(
                    cls=cls, name=name)
            return missed, advice
        if how == "loss":
            # Translators: {name} is the name of a model output (a layer's name).
            missed = _("The loss on output '{name}' reads that output's mask, which is now gone, so it counts the "
                       "padded timesteps too.").format(name=name)
            # Translators: it follows another suggested fix, hence "Or"; fit(..., sample_weight=mask) is
            # Keras code, kept as it is; (batch, timesteps) is the mask's shape.
            advice = _("Or weight the loss by hand: fit(..., sample_weight=mask) with the (batch, timesteps) mask.")
            return missed, advice
        # Translators: {cls} '{name}' is a layer: its Keras class and its name (e.g. LSTM 'lstm').
        missed = _("{cls} '{name}' would have used the mask and now treats the padded timesteps as data.").format(
            cls=cls, name=name)
        how_to = ("query_mask=... and value_mask=..." if isinstance(self.entries[j].operation,
                                                                   keras.layers.MultiHeadAttention) else "mask=...")
        # Translators: it follows another suggested fix, hence "Or"; {name} is a layer's name; {how_to} is
        # Keras code (mask=..., or query_mask=... and value_mask=...), as is keras.ops.not_equal(ids, 0).
        advice = _("Or hand '{name}' the mask yourself ({how_to}), rebuilt from the inputs, e.g. "
                   "keras.ops.not_equal(ids, 0).").format(name=name, how_to=how_to)
        return missed, advice

    def consumer_name(self, consumer):
        return None if consumer is None else "loss" if consumer[1] == "loss" else self.entries[consumer[0]].name


def _lost(reader, index, record, consumer):
    """A finding for a mask that died at entry ``index`` and that ``consumer`` needed."""
    import keras

    entry = reader.entries[index]
    operation, name = entry.operation, entry.name
    cls = type(operation).__name__
    missed, advice = reader.describe(index, consumer)
    merges_itself = consumer == (index, "merges")
    needer = reader.consumer_name(consumer)

    def fix(first, **fields):
        """``first`` (a translated fix with an ``{advice}`` field) filled in, or the advice alone."""
        return advice if merges_itself else first.format(advice=advice, **fields)

    if not isinstance(operation, keras.layers.Layer):
        # Translators: {name} is an operation's name in the model (e.g. multiply), {cls} its Keras class;
        # keras.ops is Keras code. {missed} is a further sentence (already translated) on who needed the mask.
        what = _("The operation '{name}' ({cls}, from a Python operator or a keras.ops call) returned its result "
                 "without the mask. {missed}").format(name=name, cls=cls, missed=missed)
        return Finding("op_drops_mask", name, what, fix(
            # Translators: supports_masking = True and keras.layers.Add/Multiply are Keras code, kept as they
            # are. {advice} is a further sentence of advice (already translated).
            _("Do the arithmetic inside a layer that passes the mask on (a small custom layer with "
              "supports_masking = True), or before the mask is made (e.g. inside the embedding layer); "
              "keras.layers.Add/Multiply merge the masks of two tensors. {advice}")), needer)
    if isinstance(operation, keras.layers.Lambda) and not operation.supports_masking:
        # Translators: {name} is a layer's name; Lambda and mask= are Keras code. {missed} is a further
        # sentence (already translated) on who needed the mask.
        what = _("Lambda '{name}' received a mask, but a Lambda made without mask= does not support masking, "
                 "so Keras drops the mask after it. {missed}").format(name=name, missed=missed)
        return Finding("no_mask_support", name, what, fix(
            # Translators: mask=, mask=lambda inputs, mask: mask and supports_masking = True are Keras code, kept
            # as they are. {advice} is a further sentence of advice (already translated).
            _("Pass mask= to the Lambda (mask=lambda inputs, mask: mask keeps it), or write a small layer with "
              "supports_masking = True. {advice}")), needer)
    if _is_custom(operation) and not operation.supports_masking and getattr(
            type(operation).compute_mask, "_is_default", False):
        # Translators: {name} is a layer's name, {cls} its class; supports_masking and compute_mask are Keras
        # code. {missed} is a further sentence (already translated) on who needed the mask.
        what = _("Custom layer '{name}' ({cls}) received a mask, but its supports_masking is False and it does "
                 "not override compute_mask, so Keras drops the mask after it. {missed}").format(
            name=name, cls=cls, missed=missed)
        return Finding("no_mask_support", name, what, fix(
            # Translators: self.supports_masking = True, __init__ and compute_mask(inputs, mask=None) are
            # Keras/Python code, kept as they are. {advice} is a further sentence of advice (already translated).
            _("Set self.supports_masking = True in __init__ if the output keeps the timesteps one to one, or "
              "override compute_mask(inputs, mask=None) to return the mask of the output. {advice}")), needer)
    masks = record.input_mask if isinstance(record.input_mask, list) else [record.input_mask]
    missing = [i for i, m in enumerate(masks) if m is None]
    if len(masks) > 1 and missing and any(c.__name__ == "Merge" for c in type(operation).__mro__):
        i = missing[0]  # Add, Subtract, Multiply, ...: Merge.compute_mask gives None when an input has no mask
        stripped = reader.stripped_by(index, entry.inputs[i]) if i < len(entry.inputs) else None
        if stripped:
            # Translators: {cls} '{name}' is a merge layer (its Keras class and its name, e.g. Add 'add1');
            # {input} is the number of one of its inputs (0 is the first); {attention} is the name of a
            # MultiHeadAttention layer. {missed} is a further sentence (already translated) on who needed the mask.
            what = _("{cls} '{name}' returned no mask: its input {input} carried none, and {cls} keeps a mask only "
                     "when every input has one. MultiHeadAttention '{attention}' removed that tensor's mask in "
                     "place when it was called on it. {missed}").format(
                cls=cls, name=name, input=i, attention=stripped, missed=missed)
            # Translators: LayerNormalization is a Keras layer; "pre-norm" is a Transformer block layout.
            # {advice} is a further sentence of advice (already translated).
            first = _("Call the attention on a tensor of its own (e.g. LayerNormalization first, as in a pre-norm "
                      "block) so the residual input keeps its mask. {advice}")
        else:
            # Translators: {cls} '{name}' is a merge layer (its Keras class and its name, e.g. Add 'add');
            # {input} is the number of one of its inputs (0 is the first). {missed} is a further sentence
            # (already translated) on who needed the mask.
            what = _("{cls} '{name}' returned no mask: its input {input} carried none, and {cls} keeps a mask only "
                     "when every input has one. {missed}").format(cls=cls, name=name, input=i, missed=missed)
            # Translators: {name} is a layer's name; Concatenate is a Keras layer. {advice} is a further
            # sentence of advice (already translated).
            first = _("Give every input of '{name}' the mask, or merge with Concatenate, which fills in missing "
                      "masks. {advice}")
        return Finding("mask_lost", name, what, fix(first, name=name), needer)
    if merges_itself:
        # Translators: {cls} '{name}' is a layer (its Keras class and its name, e.g. Flatten 'flatten').
        # {missed} is a further sentence (already translated) on why that matters.
        what = _("{cls} '{name}' received a mask and dropped it. {missed}").format(cls=cls, name=name, missed=missed)
        return Finding("mask_lost", name, what, advice, needer)
    if not operation.supports_masking:
        # Translators: {cls} '{name}' is a layer (its Keras class and its name, e.g. Conv1D 'conv');
        # supports_masking is Keras code. {missed} is a further sentence (already translated) on who needed
        # the mask.
        what = _("{cls} '{name}' received a mask and does not support masking (supports_masking is False), so "
                 "the mask stops there. {missed}").format(cls=cls, name=name, missed=missed)
    else:
        # Translators: {cls} '{name}' is a layer (its Keras class and its name); compute_mask is Keras code.
        # {missed} is a further sentence (already translated) on who needed the mask.
        what = _("{cls} '{name}' received a mask and returned no mask (its compute_mask gave None), so the mask "
                 "stops there. {missed}").format(cls=cls, name=name, missed=missed)
    return Finding("mask_lost", name, what, fix(
        # Translators: {name} is a layer's name. {advice} is a further sentence of advice (already translated).
        _("Keep the mask alive past '{name}': use a layer that passes masks on in its place, or none. {advice}"),
        name=name), needer)


def _not_received(reader, index, record, tensor_args, consumer):
    entry = reader.entries[index]
    operation, name = entry.operation, entry.name
    cls = type(operation).__name__
    masks = record.input_mask if isinstance(record.input_mask, list) else [record.input_mask]
    names = list(tensor_args)
    carrying = [n for n, m in zip(names, masks) if _masks(m)] or names
    params = inspect.signature(operation.call).parameters
    expected = ", ".join(f"{n}_mask" for n in names)
    # Translators: {cls} '{name}' is a layer (its Keras class and its name); {arguments} and {carrying} are
    # lists of its call's argument names (e.g. "inputs, context"), {expected} the mask arguments Keras fills
    # (e.g. "inputs_mask, context_mask"); call, `mask` and {cls}.call are code, kept as they are.
    what = _("{cls} '{name}' is called with several tensor arguments ({arguments}) and a mask rides on "
             "{carrying}, but its call never receives it: Keras 3 fills call's `mask` only for a single tensor "
             "argument, and with several it fills {expected}, which {cls}.call does not take. Whatever its call "
             "does with the mask itself runs as if every timestep were real (layers inside it still read masks "
             "that ride on the tensors they are given).").format(
        cls=cls, name=name, arguments=", ".join(names), carrying=", ".join(carrying), expected=expected)
    if consumer is not None:
        # Translators: "It" is the layer of the finding; {missed} is a further sentence (already translated)
        # on who needed the mask.
        what += " " + _("It also drops the mask. {missed}").format(missed=reader.describe(index, consumer)[0])
    if _is_custom(operation) or "mask" not in params:
        # Translators: {arguments} is code to add to the call's signature (e.g. "inputs_mask=None,
        # context_mask=None"), {cls}.call a method; mask=None is code. All kept as they are.
        fix = _("Add {arguments} to {cls}.call (Keras fills those), or take the tensors as one list with "
                "mask=None (it then receives a list of masks).").format(
            arguments=", ".join(n + "_mask=None" for n in names), cls=cls)
    else:
        # Translators: {name} is a layer's name; mask=mask, mask = keras.ops.not_equal(ids, 0) and
        # compute_mask(ids) are Keras code, kept as they are.
        fix = _("Pass the mask by hand where you call '{name}': add mask=mask to the call, with mask = "
                "keras.ops.not_equal(ids, 0) (or the embedding layer's compute_mask(ids)).").format(name=name)
    return Finding("masks_not_received", name, what, fix, reader.consumer_name(consumer))


def _cudnn(entry, record, rnn):
    import keras

    mask = next(iter(_masks(record.input_mask)), None)
    if mask is None:
        return None
    check = check_cudnn_mask(mask)
    if check.ok:
        return None
    cls = type(entry.operation).__name__
    if isinstance(entry.operation, keras.layers.Bidirectional):
        cls = f"Bidirectional({type(rnn).__name__})"
    # Translators: use_cudnn={use_cudnn} is Keras code (e.g. use_cudnn='auto'); the quoted text is
    # TensorFlow's error message, which stays in English.
    note = _("On a GPU with the TensorFlow backend this layer runs cuDNN (use_cudnn={use_cudnn}) and fails with "
             "'You are passing a RNN mask that does not correspond to right-padded sequences'; the CPU kernel "
             "accepts the mask.").format(use_cudnn=repr(rnn.use_cudnn))
    fields = {"cls": cls, "name": entry.name, "rows": list(check.not_right_padded),
              "empty": list(check.fully_masked), "note": note}
    if check.not_right_padded and check.fully_masked:
        # Translators: {cls} '{name}' is a recurrent layer (e.g. LSTM 'lstm', Bidirectional(GRU) 'bi_gru');
        # {rows} and {empty} are lists of row numbers of the batch (e.g. [0, 2]). {note} is a further sentence
        # (already translated) on what happens on a GPU.
        what = _("{cls} '{name}' receives a mask that TensorFlow's cuDNN kernel rejects: rows {rows} are not "
                 "right-padded (their kept timesteps do not come first); rows {empty} are fully masked. "
                 "{note}").format(**fields)
    elif check.not_right_padded:
        # Translators: {cls} '{name}' is a recurrent layer (e.g. LSTM 'lstm', Bidirectional(GRU) 'bi_gru');
        # {rows} is a list of row numbers of the batch (e.g. [0, 2]). {note} is a further sentence (already
        # translated) on what happens on a GPU.
        what = _("{cls} '{name}' receives a mask that TensorFlow's cuDNN kernel rejects: rows {rows} are not "
                 "right-padded (their kept timesteps do not come first). {note}").format(**fields)
    else:
        # Translators: {cls} '{name}' is a recurrent layer (e.g. LSTM 'lstm', Bidirectional(GRU) 'bi_gru');
        # {empty} is a list of row numbers of the batch (e.g. [2]). {note} is a further sentence (already
        # translated) on what happens on a GPU.
        what = _("{cls} '{name}' receives a mask that TensorFlow's cuDNN kernel rejects: rows {empty} are fully "
                 "masked. {note}").format(**fields)
    # Translators: keras.utils.pad_sequences(..., padding='post') and use_cudnn=False are Keras code, kept as
    # they are.
    fix = _("Pad at the end (keras.utils.pad_sequences(..., padding='post')), drop empty rows, or pass "
            "use_cudnn=False to the layer.")
    return Finding("cudnn_mask", entry.name, what, fix)


def _check_ids(entries, arrays):
    """Findings for out-of-range ids fed straight into an Embedding, and the arrays with those ids replaced."""
    import keras

    found, arrays = [], list(arrays)
    feeding = {}
    for index, entry in enumerate(entries):
        if isinstance(entry.operation, keras.layers.Embedding) and len(entry.sources) == 1:
            (source,) = entry.sources
            if isinstance(source, tuple):
                feeding.setdefault(source[1], []).append(index)
    for i, indices in feeding.items():
        bad = []
        for index in indices:
            embedding = entries[index].operation
            try:
                check_token_ids(arrays[i], embedding.input_dim, mask_zero=bool(embedding.mask_zero))
            except TypeError:  # non-integer ids (a float input): not an out-of-range question
                continue
            except ValueError as error:
                bad.append((index, embedding.input_dim, str(error)))
        if not bad:
            continue
        limit = min(dim for _index, dim, _message in bad)
        array = arrays[i].copy()
        array[(array < 0) | (array >= limit)] = limit - 1
        arrays[i] = array
        for index, _dim, message in bad:
            # Translators: input_dim is the Embedding's argument (code, kept as it is); {id} is a token id.
            fix = _("Make input_dim larger than the largest id, or map ids outside the vocabulary to an "
                    "out-of-vocabulary id before the model. The mask checks here ran with those ids replaced "
                    "by {id}.").format(id=limit - 1)
            found.append((index, Finding("ids_out_of_range", entries[index].name, message, fix)))
    return found, arrays


def diagnose(model, inputs) -> Diagnosis:
    """Run a model once on real inputs and report what goes wrong with its masks.

    Args:
        model: a built Functional or Sequential ``keras.Model``; nested
            models are read inside (names ``outer/inner``).
        inputs: NumPy array(s), nested lists or tensors, one per model input
            (a list, or a dict by input name), shaped like the model's
            inputs: e.g. int ids ``(batch, timesteps)`` or floats ``(batch,
            timesteps, features)``. Use a real batch: the masks it makes
            decide the findings (a batch without padding shows no mask
            problem).

    Returns:
        :class:`Diagnosis`: a sequence of :class:`Finding` (``kind``,
        ``layer``, ``what``, ``fix``, ``consumer``) in execution order,
        empty for a healthy model; ``str()`` is a plain-text report, a
        notebook shows a table, ``.trace`` is the :class:`~masklab.MaskTrace`
        it read.

    Raises:
        TypeError: ``model`` is not a Functional/Sequential ``keras.Model``
            (a subclassed model, a layer); inputs hold non-numbers.
        ValueError: an unbuilt Sequential model; the wrong number of inputs;
            an input of the wrong rank or shape; non-integer values for an
            integer input. The same checks and messages as
            :func:`masklab.trace_masks`.
        OverflowError: an id beyond the range of the model's integer input
            dtype.

    The model runs once, in inference mode, and is not changed; nor are the
    caller's arrays. Ids that are out of range for an Embedding are reported
    first and replaced (in a copy) by ``input_dim - 1`` for the run, so the
    mask checks still happen on TensorFlow's CPU, which would raise. Only
    Embedding layers that take a model input directly are checked for ids.

    Example:

    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Embedding(5, 2, mask_zero=True),
    ...                           keras.layers.LSTM(2, name="lstm")])
    >>> len(diagnose(model, np.array([[1, 2, 0]])))   # padded at the end: healthy
    0
    >>> [(f.kind, f.layer) for f in diagnose(model, np.array([[0, 1, 2]]))]   # padded at the front
    [('cudnn_mask', 'lstm')]
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model (Functional or Sequential), got {type(model).__name__}")
    graph = _graph(model)
    arrays = [np.array(keras.ops.convert_to_numpy(t)) for t in _prepare_inputs(graph, inputs)]
    entries = []
    produced = _walk(graph, "", {id(t): frozenset({("input", i)}) for i, t in enumerate(graph.inputs)}, entries)
    outputs = {}
    for tensor in keras.tree.flatten(graph.outputs):
        for source in produced.get(id(tensor), ()):
            if isinstance(source, int):
                outputs.setdefault(source, []).append(tensor)
    found, arrays = _check_ids(entries, arrays)
    trace = trace_masks(model, arrays)
    reader = _Reader(entries, trace, outputs)
    for index, record in reader.record_at.items():
        entry = reader.entries[index]
        operation = entry.operation
        if isinstance(operation, keras.Model) or index not in reader.live:
            continue  # a nested model's inner layers are read one by one; mask-only nodes are never findings
        masks_in, masks_out = _masks(record.input_mask), _masks(record.output_mask)
        # "consumes": a layer that took the mask into call and hands none on by design (pooling, an RNN
        # without return_sequences, attention whose query has no mask) is no death.
        died = bool(masks_in) and not masks_out and record.effect == "destroys"
        consumer = None
        if died:
            if _keeps_time(entry):
                consumer = reader.consumer_after(index)
            elif not record.uses_mask:
                consumer = (index, "merges")
        is_layer = isinstance(operation, keras.layers.Layer)
        tensor_args = (_tensor_arguments(operation, entry.node.arguments.args, entry.node.arguments.kwargs)
                       if is_layer else {})
        if len(tensor_args) > 1 and masks_in and not record.uses_mask:
            found.append((index, _not_received(reader, index, record, tensor_args, consumer)))
        elif consumer is not None:
            found.append((index, _lost(reader, index, record, consumer)))
        rnn = _cudnn_rnn(operation) if record.uses_mask else None
        if rnn is not None:
            finding = _cudnn(entry, record, rnn)
            if finding is not None:
                found.append((index, finding))
    found.sort(key=lambda pair: pair[0])
    return Diagnosis([finding for _index, finding in found], trace)
