"""Hand-made checkpoint indexes: a TF table (`tensorflow/core/lib/io/format.h`) written
from (key, value) rows, so a test can give TF's reader entries its writer never makes."""

from __future__ import annotations

import struct
from pathlib import Path

from tensorflow.core.protobuf import tensor_bundle_pb2

from jupyter_scope.load import checkpoint_index


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _crc_table() -> list[int]:
    table = []
    for n in range(256):
        for _ in range(8):
            n = (n >> 1) ^ 0x82F63B78 if n & 1 else n >> 1  # CRC-32C, reflected
        table.append(n)
    return table


CRC_TABLE = _crc_table()


def masked_crc(data: bytes) -> int:
    """The block checksum TF's table reader verifies: a masked CRC-32C."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    crc ^= 0xFFFFFFFF
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def block(rows: list[tuple[bytes, bytes]]) -> bytes:
    """One block, every entry a restart point (no shared key prefix)."""
    body, restarts = bytearray(), []
    for key, value in rows:
        restarts.append(len(body))
        body += varint(0) + varint(len(key)) + varint(len(value)) + key + value
    restarts = restarts or [0]
    return (
        bytes(body)
        + b"".join(struct.pack("<I", r) for r in restarts)
        + struct.pack("<I", len(restarts))
    )


def table(rows: list[tuple[bytes, bytes]]) -> bytes:
    """A table of one data block."""
    out = bytearray()

    def add(contents: bytes) -> bytes:
        handle = varint(len(out)) + varint(len(contents))
        out.extend(contents + b"\0" + struct.pack("<I", masked_crc(contents + b"\0")))
        return handle

    data = add(block(rows))
    meta = add(block([]))
    index = add(block([(rows[-1][0] if rows else b"", data)]))
    footer = (meta + index).ljust(40, b"\0") + struct.pack("<Q", checkpoint_index.MAGIC)
    return bytes(out + footer)


def rows_of(prefix: Path) -> list[tuple[bytes, bytes]]:
    """The rows of a checkpoint's index, header first, as TF wrote them."""
    return list(checkpoint_index.table(Path(f"{prefix}.index").read_bytes()))


def rewrite(prefix: Path, rows: list[tuple[bytes, bytes]]) -> None:
    Path(f"{prefix}.index").write_bytes(table(rows))


def entry(value: bytes) -> tensor_bundle_pb2.BundleEntryProto:
    proto = tensor_bundle_pb2.BundleEntryProto()
    proto.ParseFromString(value)
    return proto
