"""The client's CRC64NVME: the native one (awscrt) and the pure-Python fallback agree, and both
are CRC-64/NVME as S3 computes it."""

from __future__ import annotations

import pytest
from awscrt.checksums import combine_crc64nvme
from awscrt.checksums import crc64nvme as native
from hypothesis import given
from hypothesis import strategies as st

from presigned_upload import crc64nvme as crc

pytestmark = pytest.mark.client


def test_the_check_value_of_crc_64_nvme() -> None:
    assert crc.crc64nvme_python(b"123456789") == native(b"123456789") == 0xAE8B14860A799888
    assert crc.crc64nvme_python(b"") == 0


def test_the_client_uses_the_native_one_where_it_loads() -> None:
    assert crc.IMPLEMENTATION == "awscrt"


@given(data=st.binary(max_size=4096), split=st.integers(0, 4096), previous=st.integers(0, 2**64 - 1))
def test_the_fallback_equals_awscrt_whole_and_in_pieces(data: bytes, split: int, previous: int) -> None:
    assert crc.crc64nvme_python(data, previous) == native(data, previous)
    running = crc.Crc64Nvme()
    running.update(data[:split])
    running.update(memoryview(data)[split:])
    assert running.value == native(data)


def test_s3_s_form_is_base64_of_eight_big_endian_bytes() -> None:
    assert crc.to_base64(0xAE8B14860A799888) == "rosUhgp5mIg="


@given(first=st.binary(max_size=2048), second=st.binary(max_size=2048))
def test_the_fallback_combines_two_crcs_as_awscrt_does(first: bytes, second: bytes) -> None:
    a, b = native(first), native(second)
    assert crc.combine_python(a, b, len(second)) == combine_crc64nvme(a, b, len(second)) == native(first + second)


def test_combining_parts_of_megabytes_gives_the_whole_file_s_crc() -> None:
    data = bytes(range(256)) * 4096 * 5 + b"tail"  # parts of 5 MiB, 5 MiB... as an upload cuts them
    part_size = 2 * 1024 * 1024 + 3
    whole = 0
    for offset in range(0, len(data), part_size):
        part = data[offset : offset + part_size]
        whole = crc.combine_python(whole, native(part), len(part))
    assert whole == native(data)
