"""Where TF actually placed graph ops: read off `RunMetadata` of `Session.run` calls.

A `RunMetadata` carries placements twice: the partition graphs (one per device, each
node with its assigned device) and, when tracing was asked for, the step stats (per
device, per executed node). Step-stats devices of accelerators carry a stream suffix
(`.../device:GPU:0/stream:all`, `/device:GPU:0/memcpy`) that is cut off here.
"""

from __future__ import annotations

import re
from typing import Any

_DEVICE = re.compile(r"^(.*?device:[^/:]+:\d+)")


def canonical_device(name: str) -> str:
    """`/job:localhost/replica:0/task:0/device:GPU:0/stream:7` → without the stream."""
    match = _DEVICE.match(name)
    return match.group(1) if match else name


def placements(run_metadata: Any) -> dict[str, str]:
    """Node name → device, from every partition graph and step-stats entry."""
    placed: dict[str, str] = {}
    for partition in run_metadata.partition_graphs:
        for node in partition.node:
            if node.device:
                placed[node.name] = canonical_device(node.device)
    for graphs in run_metadata.function_graphs:
        for partition in graphs.partition_graphs:
            for node in partition.node:
                if node.device:
                    placed.setdefault(node.name, canonical_device(node.device))
    for dev_stats in run_metadata.step_stats.dev_stats:
        device = canonical_device(dev_stats.device)
        for node_stats in dev_stats.node_stats:
            # Accelerator tracers write "name:OpType"; TF names never hold a colon.
            placed.setdefault(node_stats.node_name.split(":", 1)[0], device)
    return placed


def devices(tf: Any) -> list[dict[str, str]]:
    """The physical and logical devices TF sees (logical ones once TF is initialised)."""
    found = [
        {"name": d.name, "device_type": d.device_type, "kind": "physical"}
        for d in tf.config.list_physical_devices()
    ]
    found += [
        {"name": d.name, "device_type": d.device_type, "kind": "logical"}
        for d in tf.config.list_logical_devices()
    ]
    return found
