"""Attribute dicts of many nodes and edges kept small, still plain mutable dicts.

A report of 10^6 variables holds ~3 million attribute dicts (nodes, their sites, the
`contains` edges), most with the same keys in the same order, and the same few values
(dtypes, initializers, devices, file names, sizes) over and over. Two things CPython
offers make them smaller without changing what they are:

- key-sharing dicts: the `__dict__`s of instances of one class, their attributes set in
  the same order, share one table of keys and hold only their values (a variable's 17
  keys: 236 B instead of 472 B; a site's or an edge's ~100 B instead of ~190 B, measured
  with tracemalloc on Python 3.10 to 3.13; `sys.getsizeof` over-counts them from 3.11).
  Such a dict is a `dict` like any other, kept when its instance is gone; adding or
  removing a key gives it a table of its own. Only attributes set on an instance share
  keys (not `__dict__.update`, nor a copy on 3.11+), so each kind of object gets a class
  whose `__init__` sets them, written out as `dataclasses` writes its methods.
- one object for equal immutable values (strings, integers): ~60 B each saved.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

Attributes = dict[str, Any]
SHARED = "shared"  # a field whose value is `SmallDicts.value`'s, in `SmallDicts.converter`
# A field of an object, in `SmallDicts.converter`: its name, whether it may be missing, and
# how its value is made: as it is (None), SHARED, or by a function.
Field = tuple[str, bool, "Callable[[Any], Any] | str | None"]


class SmallDicts:
    """Makes the attribute dicts of many objects of a few kinds, small."""

    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}
        # value(v, v): the first value equal to v. For values of one type a field holds
        # (strings, integers, None): True == 1, so a bool would come back as an int.
        self.value = self._values.setdefault

    def converter(
        self, fields: list[Field], missing: object, tag: tuple[str, str] | None = None
    ) -> Callable[[Any], Attributes]:
        """What makes the key-sharing dict of an object's `fields`, read as its attributes,
        after `tag` (a key and its value) when given: each field in turn, left out where
        it is `missing` if it may be, its value made as the field says. In one step, not
        through a dict of the object's fields made first (~2 µs a node at 10^6 nodes).
        Field names must be attribute names (checked: they are written into code)."""
        names = [name for name, _, _ in fields] + ([] if tag is None else [tag[0]])
        if not all(name.isidentifier() and not name.startswith("__") for name in names):
            raise ValueError(f"not attribute names: {names}")
        lines = [] if tag is None else [f"self.{tag[0]} = tag"]
        for i, (name, optional, how) in enumerate(fields):
            made = "v" if how is None else "value(v, v)" if how == SHARED else f"how[{i}](v)"
            lines.append(f"v = source.{name}")
            lines.append(
                f"if v is not missing: self.{name} = {made}"
                if optional
                else f"self.{name} = {made}"
            )
        namespace: dict[str, Any] = {
            "tag": None if tag is None else tag[1],
            "value": self.value,
            "how": [how for _, _, how in fields],
            "missing": missing,
        }
        body = "".join(f"    {line}\n" for line in lines) or "    pass\n"
        exec(f"def __init__(self, source):\n{body}", namespace)
        holder = type("Attributes", (), {"__init__": namespace["__init__"]})
        return lambda source: holder(source).__dict__
