"""CRC64NVME, the checksum S3 stores for every new object and checks whole files against.

CRC-64/NVME: the reflected polynomial 0x9A6C9329AC4BC9B5, all bits set before and inverted after
(its check value, of ``b"123456789"``, is 0xAE8B14860A799888). S3 writes it as the base64 of its
8 bytes, big-endian. The native implementation is the AWS Common Runtime's (``awscrt``, a
dependency of this package), several GB/s; where it cannot load, :func:`crc64nvme_python` does the
same arithmetic in pure Python (a few MB/s), and ``tests/unit/test_crc64nvme.py`` proves the two
equal on generated inputs.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable

POLYNOMIAL = 0x9A6C9329AC4BC9B5  # reflected
_MASK = 0xFFFF_FFFF_FFFF_FFFF


def _table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ POLYNOMIAL if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _table()


def crc64nvme_python(data: bytes | memoryview, previous: int = 0) -> int:
    """The CRC64NVME of ``data``, continuing from ``previous`` (the CRC of what came before)."""
    crc = previous ^ _MASK
    table = _TABLE
    for byte in bytes(data):
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ _MASK


def _times(matrix: tuple[int, ...], vector: int) -> int:
    """``matrix`` (its columns: the image of each bit) applied to ``vector``, over GF(2)."""
    total = 0
    column = 0
    while vector:
        if vector & 1:
            total ^= matrix[column]
        vector >>= 1
        column += 1
    return total


def _compose(outer: tuple[int, ...], inner: tuple[int, ...]) -> tuple[int, ...]:
    """The operator that applies ``inner``, then ``outer``."""
    return tuple(_times(outer, column) for column in inner)


@functools.lru_cache(maxsize=8)
def _zeros(length: int) -> tuple[int, ...]:
    """The operator that runs the CRC register over ``length`` zero bytes (as zlib's
    crc32_combine does, by squaring the one-bit operator). Cached: a file's parts have at most
    two lengths, so combining every part of an upload costs two of these and one product each."""
    bit = (POLYNOMIAL, *(1 << n for n in range(63)))  # one zero bit, reflected
    power = _compose(bit, bit)
    power = _compose(power, power)
    power = _compose(power, power)  # one zero byte
    result: tuple[int, ...] | None = None
    while length:
        if length & 1:
            result = power if result is None else _compose(power, result)
        length >>= 1
        if length:
            power = _compose(power, power)
    return result or tuple(1 << n for n in range(64))


def combine_python(first: int, second: int, second_length: int) -> int:
    """The CRC64NVME of A followed by B, from the CRC of A, the CRC of B and B's length: a file's
    CRC from its parts' without reading the file again."""
    return _times(_zeros(second_length), first) ^ second if second_length > 0 else first


def _native() -> Callable[[bytes | memoryview, int], int] | None:
    try:
        from awscrt.checksums import crc64nvme  # type: ignore[import-untyped]
    except ImportError:  # no wheel for this platform, or installed without dependencies
        return None
    return crc64nvme  # type: ignore[no-any-return]


def _native_combine() -> Callable[[int, int, int], int] | None:
    try:
        from awscrt.checksums import combine_crc64nvme
    except ImportError:  # an awscrt from before it had one (or none at all)
        return None
    return combine_crc64nvme  # type: ignore[no-any-return]


_NATIVE = _native()
# What the client uses: native when it loads.
crc64nvme: Callable[[bytes | memoryview, int], int] = _NATIVE or crc64nvme_python
combine: Callable[[int, int, int], int] = _native_combine() or combine_python
IMPLEMENTATION = "awscrt" if _NATIVE is not None else "python"


def to_base64(crc: int) -> str:
    """The CRC as S3 writes it: base64 of its 8 bytes, big-endian."""
    return base64.b64encode(crc.to_bytes(8, "big")).decode()


class Crc64Nvme:
    """A running CRC64NVME, fed in pieces as a file is read."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def update(self, data: bytes | memoryview) -> None:
        self.value = crc64nvme(data, self.value)

    def base64(self) -> str:
        return to_base64(self.value)
