"""Where a variable comes from, read off the Python stack while it is being made.

One walk from the constructor's caller out to the user's code tells: whether Keras made
it (and the Keras `path` it will be known by, and its initializer), whether it is an
optimizer's slot (and the variable the slot serves), and whether library code, not the
user, asked for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import CodeType, FrameType
from typing import Any

from jupyter_scope.capture import sites

# Functions that make an optimizer's slot variable: the locals that hold the variable
# served and the slot's name. Read where the slot is made, because no optimizer API
# gives the pairing for all of TF1, Keras 3, tf_keras and Sonnet.
_SLOT_MAKERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # tf.compat.v1.train optimizers → slot_creator
    "_zeros_slot": (("var",), ("slot_name",)),
    "_get_or_make_slot": (("var",), ("slot_name",)),
    "_get_or_make_slot_with_initializer": (("var",), ("slot_name",)),
    "create_slot": (("primary",), ()),
    "create_slot_with_initializer": (("primary",), ()),
    "create_zeros_slot": (("primary",), ()),
    # tf_keras OptimizerV2
    "add_slot": (("var",), ("slot_name",)),
    # Keras 3 and tf_keras' newer optimizers
    "add_variable_from_reference": (
        ("reference_variable", "model_variable"),
        ("name", "variable_name"),
    ),
    # Sonnet 2 optimizers (`m`, `v`, momentum are made by `utils.variable_like`)
    "variable_like": (("inputs",), ()),
}
# Modules whose code makes an optimizer's own variables (slots, step counter, beta powers,
# learning rate): TF1's base Optimizer and slot_creator, Keras 3's, tf_keras' and Sonnet's
# optimizers. A variable made beneath one of their frames is the optimizer's.
_OPTIMIZER_MODULES = re.compile(
    r"tensorflow\.python\.training\.(optimizer|slot_creator)$"
    r"|(keras|tf_keras)\.src\.optimizers\.|sonnet\.src\.optimizers\."
)
_MAX_FRAMES = 64  # a bound on the walk; Keras builds variables ~45 frames deep


@dataclass
class Origin:
    api: str = "Variable"
    user_frame: FrameType | None = None
    initializer: str | None = None
    path: str | None = None
    slot: tuple[Any, str | None] | None = None
    by_library: bool = False
    optimizer: bool = False


def walk(frame: FrameType | None) -> Origin:
    """From the frame that called the variable's constructor out to the user's code."""
    origin = Origin(by_library=frame is not None and sites.is_library_frame(frame))
    served: Any = None
    slot_name: str | None = None
    for _ in range(_MAX_FRAMES):
        if frame is None:
            break
        code = _code(frame)
        library = code.library if code.library is not None else sites.is_library_frame(frame)
        if not library:
            break
        origin.optimizer = origin.optimizer or code.optimizer
        if code.keras:
            origin.api = "keras"
            if code.reads_locals:
                _read_keras(frame, origin)
        if code.slot_maker is not None:
            served_names, slot_names = code.slot_maker
            local = frame.f_locals
            if served is None:
                served = next((local[n] for n in served_names if local.get(n) is not None), None)
            # The outermost maker names the slot (Keras 3's backend builds a longer name).
            named = (local.get(n) for n in slot_names)
            slot_name = next((v for v in named if isinstance(v, str)), slot_name)
        frame = frame.f_back
    origin.user_frame = sites.user_frame_from(frame)
    if served is not None:
        origin.slot = (served, slot_name)
    return origin


@dataclass(frozen=True)
class _Code:
    """What the walk reads in the frames of one function: the same for every call."""

    library: bool | None  # None: autograph's copy, library or not by the line it runs
    keras: bool
    reads_locals: bool  # `_read_keras` may find something in its locals
    slot_maker: tuple[tuple[str, ...], tuple[str, ...]] | None
    optimizer: bool  # an optimizer's code (`_OPTIMIZER_MODULES`)


_CODES: dict[int, tuple[CodeType, _Code]] = {}  # by id: hashing a code object hashes its bytecode


def _code(frame: FrameType) -> _Code:
    code = frame.f_code
    entry = _CODES.get(id(code))
    if entry is not None and entry[0] is code:
        return entry[1]
    if len(_CODES) >= 4096:
        _CODES.clear()
    # Reading `f_locals` copies every local of the frame: only where one can be of use.
    names = {*code.co_varnames, *code.co_cellvars, *code.co_freevars}
    module = frame.f_globals.get("__name__", "")
    info = _Code(
        library=None if sites.is_autograph(code) else sites.is_library(code.co_filename),
        keras=module.startswith("keras."),
        reads_locals="initializer" in names or code.co_name == "_initialize",
        slot_maker=_SLOT_MAKERS.get(code.co_name.removeprefix("tf__")),  # autograph's copy
        optimizer=_OPTIMIZER_MODULES.match(module) is not None,
    )
    _CODES[id(code)] = (code, info)
    return info


def reset_cache() -> None:
    """Forget which code is a library's (a library imported after the first recording)."""
    sites.reset_cache()
    _CODES.clear()


def _read_keras(frame: FrameType, origin: Origin) -> None:
    initialize = origin.path is None and frame.f_code.co_name == "_initialize"
    if origin.initializer is not None and not initialize:
        return
    local = frame.f_locals
    if origin.initializer is None and "initializer" in local:
        origin.initializer = describe_initializer(local["initializer"])
    if initialize:
        # keras.Variable._initialize makes the tf.Variable; its `path` is set by then.
        path = getattr(local.get("self"), "path", None)
        if isinstance(path, str):
            origin.path = path


def describe_initializer(init: Any, default: str | None = None) -> str | None:
    """`constant(0.4)`, `random_normal`, `glorot_uniform`... for an initializer object."""
    if init is None:
        return f"{default} (default)" if default else None
    if isinstance(init, str):
        return init
    if not callable(init) or (hasattr(init, "dtype") and hasattr(init, "shape")):
        return describe_initial_value(init)
    # A closure (tf-slim's initializers) is named by the function that made it.
    name = getattr(init, "__qualname__", None) or type(init).__name__
    name = name.split(".<locals>", 1)[0].rsplit(".", 1)[-1].removesuffix("_initializer")
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
    value = getattr(init, "value", None)
    if snake == "constant" and value is not None and not callable(value):
        return f"constant({_short(value)})"
    return snake


def describe_initial_value(value: Any) -> str | None:
    """What a `tf.Variable`'s initial value was: the TF function that made it, or the constant.

    TF names a composite op after the function's name scope (`random_normal` is an AddV2
    named `.../random_normal`), so the op's own name says what made it.
    """
    if value is None:
        return None
    if callable(value) and not hasattr(value, "dtype"):
        return describe_initializer(value)
    op = getattr(value, "op", None)
    if op is not None and op.type != "Const":
        return re.sub(r"_\d+$", "", op.name.rsplit("/", 1)[-1])
    try:
        import numpy as np

        array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    except Exception:
        array = None
    if array is None and op is not None:
        from tensorflow.python.framework import tensor_util

        array = tensor_util.constant_value(value)
    if array is not None and array.size and (array == array.flat[0]).all():
        return f"constant({_short(array.flat[0])})"
    return "value"


def _short(value: Any) -> str:
    try:
        import numpy as np

        array = np.asarray(value)
        if array.size == 1:
            return repr(array.reshape(()).item())
    except Exception:
        pass
    return repr(value)[:40]
