"""Version rules: behaviours that changed at one Keras release, and whether the installed Keras is on their side."""

from __future__ import annotations

import dataclasses

from masklab.environment import quiet_stderr


@dataclasses.dataclass(frozen=True)
class Rule:
    """A behaviour that changed at one Keras release.

    Attributes:
        text: the rule, as a lesson's assert message states it.
        since: the first Keras release ``(major, minor)`` where ``text`` holds,
            or None when it holds from the lowest supported release on.
        until: the first release where it stops holding, or None.
        source: where the change is recorded (a PR or commit).
    """

    text: str
    since: tuple | None = None
    until: tuple | None = None
    source: str = ""


#: Rule name -> :class:`Rule`; lessons assert with ``RULES[name].text``.
RULES = {
    "rnn_passes_mask": Rule(
        "up to Keras 3.15 an RNN (and Bidirectional, TimeDistributed) with return_sequences=True passes "
        "the mask on; from Keras 3.16 it uses the mask but no longer passes it on",
        until=(3, 16), source="keras-team/keras PR #23235 (commit a8b52ca1)"),
    "masking_writes_where": Rule(
        "from Keras 3.15 Masking writes masked steps with ops.where (+0.0); before, it multiplied by the "
        "mask (-0.0 for negative inputs, NaN where an input is infinite)",
        since=(3, 15), source="keras-team/keras PR #22392 (commit d36087ce)"),
}


def keras_release() -> tuple:
    """The installed Keras release as ``(major, minor)`` ints (imports Keras).

    A development build counts as the release it leads to:
    ``3.16.0.dev2026102704`` gives ``(3, 16)``.

    Returns:
        tuple of two ints.

    Raises:
        ModuleNotFoundError: Keras is not installed.
    """
    with quiet_stderr():
        import keras

    major, minor = keras.version().split(".")[:2]
    return int(major), int(minor)


def holds(rule: str) -> bool:
    """Whether :data:`RULES` ``[rule]`` holds on the installed Keras.

    Args:
        rule: str, a key of :data:`RULES`.

    Returns:
        bool: True when the installed release is at or after ``since`` (if
        set) and before ``until`` (if set).

    Raises:
        KeyError: ``rule`` is not a key of :data:`RULES` (the message lists them).
    """
    if rule not in RULES:
        raise KeyError(f"rule must be one of {sorted(RULES)}, got {rule!r}")
    spec, release = RULES[rule], keras_release()
    return (spec.since is None or release >= spec.since) and (spec.until is None or release < spec.until)
