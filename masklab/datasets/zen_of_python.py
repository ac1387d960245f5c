"""The Zen of Python (PEP 20) as real text for tokenizing.

``import this`` prints the Zen as a side effect. :func:`load_data` reads the
same text without printing: it takes the ROT13-encoded string ``s`` from the
source of the standard library's ``this`` module and decodes it.
"""

from __future__ import annotations

import ast
import codecs
import functools
import importlib.util


@functools.lru_cache(maxsize=1)
def _text() -> str:
    spec = importlib.util.find_spec("this")
    with open(spec.origin, encoding="utf-8") as file:
        tree = ast.parse(file.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "s" for t in node.targets):
            return codecs.decode(ast.literal_eval(node.value), "rot13")
    raise RuntimeError(f"the standard library's 'this' module at {spec.origin} has no string 's'")


def load_data() -> list:
    """Return the 19 aphorisms of the Zen of Python, one string per line.

    Returns:
        list of 19 ``str`` (the title line is left out), from
        "Beautiful is better than ugly." to "Namespaces are one honking great
        idea -- let's do more of those!".
    """
    lines = [line for line in _text().splitlines() if line.strip()]
    return lines[1:]
