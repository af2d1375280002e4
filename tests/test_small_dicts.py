"""`model/small_dicts.py`: the dicts it makes are the dicts they stand for."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from jupyter_scope.model.small_dicts import SHARED, SmallDicts

MISSING = object()


def test_converter_makes_the_objects_dict_in_field_order():
    small = SmallDicts()
    convert = small.converter(
        [
            ("name", False, None),
            ("dtype", False, SHARED),
            ("slot", True, None),
            ("shape", False, list),
        ],
        MISSING,
        ("kind", "variable"),
    )
    one = SimpleNamespace(name="a", dtype="".join(["float", "32"]), slot=MISSING, shape=(2, 3))
    two = SimpleNamespace(name="b", dtype="".join(["float", "32"]), slot="m", shape=(4,))
    first, second = convert(one), convert(two)
    assert first == {"kind": "variable", "name": "a", "dtype": "float32", "shape": [2, 3]}
    assert list(second) == ["kind", "name", "dtype", "slot", "shape"]
    assert type(first) is dict and first["dtype"] is second["dtype"]  # one object
    first["shape"].append(1)  # each its own, mutable
    second["note"] = 1
    del second["name"]
    assert first["shape"] == [2, 3, 1] and second["shape"] == [4]
    assert list(second) == ["kind", "dtype", "slot", "shape", "note"]


def test_converter_refuses_names_that_are_not_attributes():
    with pytest.raises(ValueError, match="not attribute names"):
        SmallDicts().converter([("a b", False, None)], MISSING)
