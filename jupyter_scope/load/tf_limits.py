"""What TensorFlow's C++ code can hold, checked in Python before TF sees a file's values.

TF aborts the whole process (`Check failed`, SIGABRT) when it builds a `TensorShape`
of a negative dimension, of more than 254 dimensions or of more than 2^63 elements: in
a notebook that is the user's kernel. Python's `as_dtype` raises a TypeError on a dtype
TF does not have. These checks refuse such values with a message instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from tensorflow.core.framework import types_pb2

MAX_RANK = 254  # TensorShape::MaxDimensions()
MAX_ELEMENTS = 2**63 - 1  # a shape's element count is an int64
UNKNOWN = -1  # a dimension a GraphDef does not know
# Every DataType TF has, its reference types (`_REF`, ≥ 100) and DT_INVALID aside.
DTYPES = frozenset(v for v in types_pb2.DataType.values() if 0 < v < 100)


class Refused(Exception):
    """A value TF cannot hold; the message names it."""


def check_dtype(dtype: int, what: str) -> None:
    if dtype not in DTYPES:
        raise Refused(f"{what} has dtype {dtype}, which is not a TF dtype")


def check_shape(dims: Iterable[int], what: str, *, unknown: bool = False) -> None:
    """`unknown`: a dimension may be -1 (a GraphDef's unknown size; never a checkpoint's)."""
    dims = list(dims)
    if len(dims) > MAX_RANK:
        raise Refused(f"{what} has rank {len(dims)}: TF holds 0 to {MAX_RANK}")
    elements = 1
    for size in dims:
        if size == UNKNOWN and unknown:
            continue
        if size < 0:
            raise Refused(f"{what} has a negative dimension ({size})")
        elements *= size
        if elements > MAX_ELEMENTS:
            raise Refused(f"{what} has more than 2^63 elements")
