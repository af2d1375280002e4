"""Short human forms of a report's values, shared by the text, HTML, Markdown and diff views."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from typing import Any

from jupyter_scope.model import devices
from jupyter_scope.model.roles import role as build_role
from jupyter_scope.records import NEVER_RAN

# What a terminal or a viewer would act on rather than show: C0/C1 controls (ESC starts
# colour and cursor sequences, BEL rings) and the bidirectional marks and overrides that
# reorder a line (U+202E shows a name reversed).
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str, keep: str = "") -> str:
    """`text` with every control and bidi character shown as an escape (`\\x1b`,
    `\\u202e`), never acted on; the characters in `keep` (line breaks a format can
    hold) stay. Every human-readable output goes through this one function."""
    if text.isascii() and text.isprintable():
        return text  # no control among printable ASCII, nor a bidi mark: most text

    def escape(match: re.Match[str]) -> str:
        char = match[0]
        if char in keep:
            return char
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return UNSAFE.sub(escape, text)


def html_text(text: str) -> str:
    """Report text as HTML text: a U+202E in a name must not show the name reversed."""
    return html.escape(visible(text, keep="\n"))


BEYOND_UNITS = 10**15  # from here on counts and sizes are written as `1.2e15`


def scientific(n: int) -> str:
    """`1.2e4000`, without a float: `10**4000 / 1e9` overflows one."""
    exp = int(math.log10(n))  # exact enough for ints of any size; corrected below
    lead = n // 10 ** (exp - 1)
    while lead >= 100:
        exp, lead = exp + 1, lead // 10
    while lead < 10:
        exp -= 1
        lead = n // 10 ** (exp - 1)
    return f"{lead // 10}.{lead % 10}e{exp}"


def count(n: int) -> str:
    """`51264` → `51.3K`, `138357544` → `138.4M`."""
    if n >= BEYOND_UNITS:
        return scientific(n)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "K")):
        if n >= limit:
            return f"{n / limit:.1f}{suffix}"
    return str(n)


def size(n: int) -> str:
    """Bytes in SI units: `205056` → `205.1 kB`."""
    if n >= BEYOND_UNITS:
        return f"{scientific(n)} B"
    for limit, suffix in ((1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if n >= limit:
            return f"{n / limit:.1f} {suffix}"
    return f"{n} B"


def flops(n: int | None) -> str:
    """`1.2 GFLOPs`, `640 FLOPs`; `FLOPs unknown` where TF's statistics give none."""
    if n is None:
        return "FLOPs unknown"
    if n >= BEYOND_UNITS:
        return f"{scientific(n)} FLOPs"
    for limit, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")):
        if n >= limit:
            return f"{n / limit:.1f} {suffix}FLOPs"
    return f"{n} FLOPs"


def static_cost(totals: dict[str, Any]) -> list[str]:
    """A scope's or summary's static cost, `1.2 GFLOPs · 3.4 MB activations` (no bytes
    where no output's shape is known: ops read from a file); nothing for a document older
    than 1.4, which did not compute it."""
    if "flops" not in totals:
        return []
    nbytes = totals["activation_bytes"]
    return [flops(totals["flops"])] + ([f"{size(nbytes)} activations"] if nbytes else [])


def duration(micros: float) -> str:
    """A measured time: `850 µs`, `12.3 ms`, `1.23 s`; `<1 µs` for a trace's fraction."""
    if micros >= 1e6:
        return f"{micros / 1e6:.2f} s"
    if micros >= 1e3:
        return f"{micros / 1e3:.1f} ms"
    return f"{micros:.0f} µs" if micros >= 1 else "<1 µs"


def measured_cost(totals: dict[str, Any]) -> list[str]:
    """A node's or summary's measured cost, `12.3 ms · 4.5 MB peak`: nothing where none
    was measured (no profile, or none of its ops in the trace)."""
    micros = totals.get("micros")
    if micros is None:
        return []
    peak = totals.get("peak_bytes")
    return [duration(micros)] + ([f"{size(peak)} peak"] if peak else [])


def output_facts(outputs: list[dict[str, Any]], n: int | None) -> str:
    """An op's outputs and FLOPs: `[?,4] float32, [] int32 · 64 FLOPs`."""
    shown = ", ".join(f"{shape(out['shape'])} {out['dtype']}" for out in outputs)
    return " · ".join([shown or "no outputs", flops(n)])


def shape(dims: list[int | None] | None) -> str:
    """`[5, 5, None]` → `[5,5,?]`; an unknown rank is `[?…]`."""
    if dims is None:
        return "[?…]"
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


def device(name: str | None) -> str:
    """The short form of a device: `/job:localhost/replica:0/task:0/device:CPU:0` → `CPU:0`."""
    return devices.short(name) if name else ""


def node_device(node: dict[str, Any]) -> str:
    """Where the node runs (short form): its placed device, else the one it asked for."""
    return device(node.get("device") or node.get("device_requested"))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _optimizer(totals: dict[str, Any]) -> tuple[int, int]:
    """The optimizer's params and bytes in a scope's or summary's totals (none in a
    document older than 1.3, which did not split them)."""
    return totals.get("params_optimizer", 0), totals.get("bytes_optimizer", 0)


ROLE_NAMES = ("trainable", "non-trainable", "optimizer")  # `build.ROLES`, as shown


def role(variable: Mapping[str, Any]) -> str:
    """`trainable`, `non-trainable` or `optimizer`: whose params a variable holds."""
    return build_role(variable).replace("_", "-")


def params(n: int) -> str:
    """`51.3K params`, `1 param`."""
    return f"{count(n)} {'param' if n == 1 else 'params'}"


def model_params(totals: dict[str, Any]) -> str:
    """The model's own params, without the optimizer's: `21.8M params`, `1 param`."""
    return params(totals["params"] - _optimizer(totals)[0])


def optimizer_params(totals: dict[str, Any]) -> str | None:
    """`+43.6M optimizer (174.5 MB)`, where the optimizer holds any."""
    params, nbytes = _optimizer(totals)
    return f"+{count(params)} optimizer ({size(nbytes)})" if params else None


def scope_totals(scope: dict[str, Any]) -> str:
    """E.g. `4 vars · 51.3K params · 205.1 kB · +102.6K optimizer (410.2 kB) · 6 ops`; just
    `10 ops` for an op-only scope. A model's params and bytes are its own, the optimizer's
    after them, as Keras's `summary()` splits them."""
    if scope["name"] == NEVER_RAN:
        return f"{plural(scope['n_ops'], 'op')} TF never ran, in no total"
    parts = []
    if scope["n_variables"]:
        parts = [plural(scope["n_variables"], "var")]
        optimizer = optimizer_params(scope)
        if scope["params"] > _optimizer(scope)[0] or not optimizer:  # not the optimizer's alone
            parts.append(model_params(scope))
            if non_trainable := scope.get("params_non_trainable"):
                parts[-1] += f" ({count(non_trainable)} non-trainable)"
            parts.append(size(scope["bytes"] - _optimizer(scope)[1]))
        if optimizer:
            parts.append(optimizer)
    parts.append(plural(scope["n_ops"], "op"))
    if scope["n_ops"]:
        parts += static_cost(scope) + measured_cost(scope)
    return " · ".join(parts)


def summary_line(summary: dict[str, Any]) -> str:
    """E.g. `22 variables (22 created, 22 reused), 21.8M params (87.3 MB: 21.8M trainable,
    36.6K non-trainable), +43.6M optimizer (174.5 MB), 512 ops on 1 device, 0 warnings` —
    from `ScopeReport.summary()`: the model's own params first, as Keras's `summary()`."""
    s = summary
    model_bytes = size(s["bytes"] - _optimizer(s)[1])
    split = ""
    if not s.get("trainable_unknown"):
        split = (
            f": {count(s['params_trainable'])} trainable, "
            f"{count(s['params_non_trainable'])} non-trainable"
        )
    parts = [
        f"{plural(s['variables'], 'variable')} ({s['created']} created, {s['reused']} reused)",
        f"{model_params(s)} ({model_bytes}{split})",
    ]
    if optimizer := optimizer_params(s):
        parts.append(optimizer)
    parts.append(
        plural(s["ops"], "op") + (f" on {plural(s['devices'], 'device')}" if s["devices"] else "")
    )
    if s["ops"]:
        parts += static_cost(s) + measured_cost(s)
    if s["errors"]:
        parts.append(plural(s["errors"], "error"))
    parts.append(plural(s["warnings"], "warning"))
    return ", ".join(parts)
