"""A checkpoint's index, read and checked in Python before TensorFlow opens it.

TF's C++ reader aborts the whole process on some damaged index entries (`tf_limits`).
So the index (a TF table of `BundleEntryProto`s, `tensorflow/core/lib/io/format.h`) is
parsed here with TF's own protobufs, and whatever TF could not hold is refused with
`Refused` naming the entry, before TF sees the file.
"""

from __future__ import annotations

import stat
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from google.protobuf import message
from tensorflow.core.protobuf import tensor_bundle_pb2

from jupyter_scope.load.tf_limits import Refused, check_dtype, check_shape

MAGIC = 0xDB4775248B80FB57  # kTableMagicNumber
FOOTER = 48  # two block handles padded to 40 bytes, then the magic
TRAILER = 5  # after each block: its compression type (1 byte) and a CRC (4 bytes)
MAX_SHARDS = 100_000
SLICE_KEY = b"\x00"  # a partitioned variable's slice: TF's binary key, not a name


@dataclass(frozen=True)
class Entry:
    key: str
    proto: tensor_bundle_pb2.BundleEntryProto


def varint(data: bytes, pos: int) -> tuple[int, int]:
    """(value, next position) of the base-128 varint at `pos`."""
    value = shift = 0
    while shift < 64:
        if pos >= len(data):
            raise Refused("truncated (a varint runs past its block)")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
    raise Refused("a varint longer than 64 bits")


def block(data: bytes, handle: bytes, pos: int = 0) -> bytes:
    """The contents of the block a handle (offset, size varints) points at."""
    offset, pos = varint(handle, pos)
    size, _ = varint(handle, pos)
    if offset + size + TRAILER > len(data) - FOOTER:
        raise Refused("a block handle points past the end of the index")
    if data[offset + size] != 0:  # TF's bundle writer never compresses
        raise Refused("a compressed block, which TF's bundle writer never makes")
    return data[offset : offset + size]


def block_entries(contents: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(key, value) of each entry of a block; keys share prefixes with the one before."""
    if len(contents) < 4:
        raise Refused("a block too short to hold its restart count")
    (restarts,) = struct.unpack_from("<I", contents, len(contents) - 4)
    end = len(contents) - 4 - 4 * restarts
    if end < 0:
        raise Refused("a block's restart array is larger than the block")
    key, pos = b"", 0
    while pos < end:
        shared, pos = varint(contents, pos)
        unshared, pos = varint(contents, pos)
        size, pos = varint(contents, pos)
        if shared > len(key) or pos + unshared + size > end:
            raise Refused("a damaged block entry")
        key = key[:shared] + contents[pos : pos + unshared]
        pos += unshared
        yield key, contents[pos : pos + size]
        pos += size


def table(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Every (key, value) of a TF table, in order: the index block lists the data blocks."""
    if len(data) < FOOTER or struct.unpack_from("<Q", data, len(data) - 8)[0] != MAGIC:
        raise Refused("not a TF table (no table footer)")
    footer = data[-FOOTER:]
    _, pos = varint(footer, varint(footer, 0)[1])  # skip the metaindex handle
    for _, handle in block_entries(block(data, footer, pos)):
        yield from block_entries(block(data, handle))


def parse(proto: message.Message, value: bytes, what: str) -> None:
    try:
        proto.ParseFromString(value)
    except message.DecodeError:
        raise Refused(f"{what} is not a valid protobuf") from None


def check_entry(entry: Entry, shards: list[int]) -> None:
    """What TF would abort on, or trust: dtype, rank, dimensions, element count, where
    the value lies in its data file."""
    proto, key = entry.proto, entry.key
    check_dtype(proto.dtype, f"entry {key!r}")
    if proto.shape.unknown_rank:
        raise Refused(f"entry {key!r} has an unknown rank")
    dims = [d.size for d in proto.shape.dim]
    check_shape(dims, f"entry {key!r}")
    for s in proto.slices:
        if len(s.extent) > len(dims) or any(e.start < 0 or e.length < 0 for e in s.extent):
            raise Refused(f"entry {key!r} has a slice outside its shape")
    if proto.slices:
        return  # a partitioned variable's whole: its values are its slices' entries
    if not 0 <= proto.shard_id < len(shards):
        raise Refused(f"entry {key!r} is in shard {proto.shard_id} of {len(shards)}")
    if proto.offset < 0 or proto.size < 0 or proto.offset + proto.size > shards[proto.shard_id]:
        raise Refused(f"entry {key!r} lies past the end of its data file")


def data_sizes(prefix: Path, num_shards: int) -> list[int]:
    """The size of each data file; a missing or special one is refused."""
    sizes = []
    for shard in range(num_shards):
        path = Path(f"{prefix}.data-{shard:05d}-of-{num_shards:05d}")
        try:
            info = path.stat()
        except OSError:
            raise Refused(f"its data file {path.name} is missing") from None
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"its data file {path.name} is not a regular file")
        sizes.append(info.st_size)
    return sizes


def entries(prefix: Path, data: bytes) -> list[Entry]:
    """The checked entries of the checkpoint at `prefix` whose index holds `data` (its
    header aside)."""
    rows = iter(table(data))
    first = next(rows, None)
    if first is None or first[0] != b"":
        raise Refused("its index has no header entry")
    header = tensor_bundle_pb2.BundleHeaderProto()
    parse(header, first[1], "its header")
    if not 0 < header.num_shards <= MAX_SHARDS:
        raise Refused(f"its header says {header.num_shards} data files")
    shards = data_sizes(prefix, header.num_shards)
    found = []
    for raw, value in rows:
        try:
            key = raw.decode("utf-8")
        except UnicodeDecodeError:
            if not raw.startswith(SLICE_KEY):
                raise Refused(f"key {raw!r} is not UTF-8 text") from None
            key = repr(raw)
        proto = tensor_bundle_pb2.BundleEntryProto()
        parse(proto, value, f"entry {key!r}")
        entry = Entry(key, proto)
        check_entry(entry, shards)
        found.append(entry)
    return found
