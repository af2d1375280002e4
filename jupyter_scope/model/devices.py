"""Device strings as TF writes them, parsed without TF: `/job:w/replica:0/task:1/device:GPU:0`.

A request names only what it cares about (`/GPU:0`, `/device:CPU:*`, `/job:ps/task:1`);
a placement is canonical. `honoured` says whether the placement satisfies the request.
A report names a handful of devices on every node: the answers are cached per string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

_PART = re.compile(r"^(job|replica|task):(.+)$")
_DEVICE = re.compile(r"^(?:device:)?([A-Za-z_]+):(\d+|\*)$")


def parse(device: str) -> dict[str, str]:
    """`{"job", "replica", "task", "type", "index"}`, each present only if named."""
    spec: dict[str, str] = {}
    for part in device.strip().split("/"):
        if match := _PART.match(part):
            spec[match.group(1)] = match.group(2)
        elif match := _DEVICE.match(part):
            spec["type"] = match.group(1).upper()
            if match.group(2) != "*":
                spec["index"] = match.group(2)
    return spec


@lru_cache(maxsize=1024)
def honoured(requested: str | None, placed: str | None) -> bool:
    """False only when both are known and the placement contradicts the request."""
    if not requested or not placed:
        return True
    want, got = parse(requested), parse(placed)
    return all(got.get(field) in (None, value) for field, value in want.items())


def fell_back(node: Mapping[str, Any]) -> bool:
    """A variable or op placed against its request: a fallback, unless TF put it where a
    resource it takes lives (colocation, which the recorder marks `colocated`)."""
    return not honoured(node.get("device_requested"), node.get("device")) and not node.get(
        "colocated"
    )


@lru_cache(maxsize=1024)
def colour_key(device: str) -> str:
    """What one colour stands for: a local device (`CPU:0`), or a remote job's task as a
    whole (`/job:ps/task:0`), whichever of its devices is named or how completely."""
    spec = parse(device)
    if spec.get("job", "localhost") != "localhost":
        return f"/job:{spec['job']}/task:{spec.get('task', '*')}"
    return short(device)


@lru_cache(maxsize=1024)
def short(device: str | None) -> str:
    """`/job:localhost/replica:0/task:0/device:CPU:0` → `CPU:0` (job kept if not local)."""
    if not device:
        return "no device"
    spec = parse(device)
    parts = []
    if spec.get("job", "localhost") != "localhost":
        parts.append(f"/job:{spec['job']}/task:{spec.get('task', '*')}")
    if "type" in spec:
        parts.append(f"{spec['type']}:{spec.get('index', '*')}")
    return "/".join(parts) or device
