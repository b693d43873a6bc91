"""What the client's CRC64NVME costs (issue 21): the checksum alone, native (awscrt) and the
pure-Python fallback, next to SHA-256 (hashlib) on the same bytes; the read of a 1 GiB file that
gives each part's CRC64NVME and the whole file's before a multipart upload is created; and the
client's end-to-end throughput for a 1 GiB file with and without checksums, through the local
gateway to LocalStack's S3.

Run with `nox -s bench -- tests/bench/test_checksum_bench.py`; the figures are printed in a table
at the end (and are in docs/performance.md). Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from devtools.local_stack import LocalStack
from presigned_upload import crc64nvme as crc
from presigned_upload import transfer
from presigned_upload.api import UploadApiClient
from presigned_upload.transfer import MiB, UploadOptions, UploadResult, upload_file
from tests.bench.conftest import record_throughput
from tests.stack_fixtures import require_capability

IN_MEMORY = 256 * MiB  # the bytes each checksum runs over, in memory
FALLBACK = 8 * MiB  # the pure-Python fallback is a few MB/s: a slice of the same bytes
FILE_SIZE = 1024 * MiB
PART_SIZE = 8 * MiB  # the client's default for a 1 GiB file


@pytest.fixture(scope="module")
def data() -> bytes:
    return os.urandom(IN_MEMORY)


def test_crc64nvme_native(benchmark: BenchmarkFixture, data: bytes) -> None:
    assert crc.IMPLEMENTATION == "awscrt"
    benchmark.pedantic(crc.crc64nvme, args=(data, 0), rounds=5, iterations=1)
    label = "CRC64NVME, awscrt (the client's), 256 MiB in memory"
    record_throughput(label, IN_MEMORY / MiB, benchmark.stats["median"])


def test_sha256_hashlib(benchmark: BenchmarkFixture, data: bytes) -> None:
    benchmark.pedantic(lambda: hashlib.sha256(data).digest(), rounds=5, iterations=1)
    record_throughput("SHA-256, hashlib, the same 256 MiB", IN_MEMORY / MiB, benchmark.stats["median"])


def test_crc64nvme_pure_python_fallback(benchmark: BenchmarkFixture, data: bytes) -> None:
    piece = data[:FALLBACK]
    benchmark.pedantic(crc.crc64nvme_python, args=(piece, 0), rounds=3, iterations=1)
    label = "CRC64NVME, pure-Python fallback, the first 8 MiB of them"
    record_throughput(label, FALLBACK / MiB, benchmark.stats["median"])


@pytest.fixture(scope="module")
def gib_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("bench") / "one-gib.bin"
    with path.open("wb") as out:
        for _ in range(FILE_SIZE // (64 * MiB)):
            out.write(os.urandom(64 * MiB))
    yield path
    path.unlink()


def test_the_client_s_read_before_a_multipart_upload(benchmark: BenchmarkFixture, gib_file: Path) -> None:
    """Each 8 MiB part's CRC64NVME and the whole file's (combined), as the client computes them
    before it creates the upload: one read of the file (from the page cache after the first round)."""
    checksums = benchmark.pedantic(
        transfer._part_crcs, args=(gib_file, FILE_SIZE, PART_SIZE), rounds=3, iterations=1, warmup_rounds=1
    )
    assert len(checksums.parts) == FILE_SIZE // PART_SIZE
    label = "1 GiB file: each 8 MiB part's CRC64NVME and the whole file's, one read"
    record_throughput(label, FILE_SIZE / MiB, benchmark.stats["median"])


def test_the_same_read_hashing_each_part_with_sha256(benchmark: BenchmarkFixture, gib_file: Path) -> None:
    """What the client did before (issue 18): each part's SHA-256, read the same way."""
    stop = threading.Event()

    def hash_parts() -> list[str]:
        return [
            transfer._sha256(transfer._Bytes(gib_file, offset, PART_SIZE), stop)
            for offset in range(0, FILE_SIZE, PART_SIZE)
        ]

    assert len(benchmark.pedantic(hash_parts, rounds=3, iterations=1, warmup_rounds=1)) == FILE_SIZE // PART_SIZE
    label = "1 GiB file: each 8 MiB part's SHA-256 (the client before)"
    record_throughput(label, FILE_SIZE / MiB, benchmark.stats["median"])


@pytest.mark.parametrize("checksum", [True, False], ids=["crc64nvme", "no-checksum"])
def test_the_client_end_to_end_for_1_gib(
    benchmark: BenchmarkFixture,
    api_url: str,
    auth: dict[str, str],
    stack: LocalStack,
    gib_file: Path,
    tmp_path: Path,
    checksum: bool,
) -> None:
    """1 GiB in 8 MiB parts, four at a time, through the gateway to LocalStack's S3 (which checks
    each part's CRC64NVME and the assembled object's), with and without the CRC64NVME bound.
    Each round's object is deleted before the next (not timed), so LocalStack holds one at a time."""
    require_capability(stack.s3.checks_signatures, "CRC64NVME throughput", "needs LocalStack's S3, which checks CRCs")
    api = UploadApiClient(api_url, headers=auth)
    options = UploadOptions(part_size=PART_SIZE, concurrency=4, state_dir=tmp_path, checksum=checksum)
    bucket = stack.outputs["bucket_name"]
    results: list[UploadResult] = []

    def upload() -> UploadResult:
        results.append(upload_file(gib_file, api, options))
        return results[-1]

    def delete_the_last() -> None:
        if results:
            stack.client("s3").delete_object(Bucket=bucket, Key=results[-1].key)

    benchmark.pedantic(upload, setup=delete_the_last, rounds=3, iterations=1)
    delete_the_last()
    assert all(result.size == FILE_SIZE for result in results)
    if checksum:
        assert {result.crc64nvme_source for result in results} == {"compared"}
    what = "with its CRC64NVME (the default)" if checksum else "--no-checksum"
    label = f"the client, 1 GiB end to end to the local stack, {what}"
    record_throughput(label, FILE_SIZE / MiB, benchmark.stats["median"])
