"""Attribute dicts of many nodes and edges kept small, still plain mutable dicts.

A report of 10^6 variables holds ~3 million attribute dicts (nodes, their sites, the
`contains` edges), most with the same keys in the same order, and the same few values
(dtypes, initializers, devices, file names, sizes) over and over. Two things CPython
offers make them smaller without changing what they are:

- key-sharing dicts: the `__dict__` of instances of one class share one table of keys
  and hold only their values (a variable's 17 keys: 236 B instead of 472 B; a site's or
  an edge's ~100 B instead of ~190 B, on Python 3.10 to 3.13). Such a dict is a `dict`
  like any other; adding or removing a key gives it a table of its own.
- one object for equal immutable values (strings, integers): ~60 B each saved.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

Attributes = dict[str, Any]
# Classes made, one per set of keys in an order; past this, dicts are kept as they are
# (a document whose nodes have many sets of keys is not the large common case).
MAX_CLASSES = 64


def _maker(keys: tuple[str, ...]) -> Callable[[Attributes], Attributes] | None:
    """What makes a key-sharing copy of a dict with exactly `keys`, in that order: the
    `__dict__` of an instance of a class of its own, whose `__init__` stores each key as
    an attribute (written out, as `dataclasses` does, the fast way to set attributes)."""
    if not all(key.isidentifier() and not key.startswith("__") for key in keys):
        return None
    body = "".join(f"    self.{key} = attributes[{key!r}]\n" for key in keys) or "    pass\n"
    namespace: dict[str, Any] = {}
    exec(f"def __init__(self, attributes):\n{body}", namespace)
    holder = type("Attributes", (), {"__init__": namespace["__init__"]})
    return lambda attributes: holder(attributes).__dict__


class Compact:
    """Makes attribute dicts small, each kept as the dict it was given or a copy of it
    with the same keys and values in the same order."""

    def __init__(self) -> None:
        self._makers: dict[tuple[str, ...], Callable[[Attributes], Attributes]] = {}
        self._values: dict[Hashable, Any] = {}
        # value(v, v): the first value equal to v. For values of one type a field holds
        # (strings, integers, None): True == 1, so a bool would come back as an int.
        self.value = self._values.setdefault

    def dict(self, attributes: Attributes) -> Attributes:
        return self.maker(tuple(attributes))(attributes)

    def maker(self, keys: tuple[str, ...]) -> Callable[[Attributes], Attributes]:
        """What `dict` does to dicts with exactly `keys`, in that order."""
        try:
            return self._makers[keys]
        except KeyError:
            made = _maker(keys) if len(self._makers) < MAX_CLASSES else None
            make = self._makers[keys] = made or _same
            return make


def _same(attributes: Attributes) -> Attributes:
    return attributes
