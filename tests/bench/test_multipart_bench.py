"""What multipart costs: signing part URLs in the handler, and the client's throughput.

Run with `nox -s bench`. Signing is local computation (botocore's or ours), measured without S3;
the throughput test uploads through the whole local stack (gateway, the function's zip,
LocalStack's S3) on loopback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from presigned_upload.api import UploadApiClient
from presigned_upload.transfer import MiB, UploadOptions, upload_file
from tests.reference_signer import Boto3UploadSigner
from upload_api.interfaces import UploadSigner
from upload_api.signer import SigV4UploadSigner
from upload_api.sigv4 import Credentials

THROUGHPUT_FILE_SIZE = 64 * MiB


@pytest.fixture(params=["botocore", "sigv4"])
def signer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> UploadSigner:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "bench")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "bench")
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    if request.param == "botocore":
        return Boto3UploadSigner(bucket="bench-bucket", region="eu-west-1", expiry_seconds=300)
    credentials = Credentials("bench", "bench")
    return SigV4UploadSigner(
        bucket="bench-bucket", region="eu-west-1", expiry_seconds=300, credentials=lambda: credentials
    )


@pytest.mark.parametrize("count", [1_000, 10_000])
def test_sign_part_urls(benchmark: BenchmarkFixture, signer: UploadSigner, count: int) -> None:
    """Signing ``count`` part URLs with each signer, without the handler (see test_signing_bench.py)."""

    def sign_all() -> int:
        return len([signer.sign_part("uploads/k.bin", "upload-id", number) for number in range(1, count + 1)])

    assert benchmark.pedantic(sign_all, rounds=3, iterations=1) == count


@pytest.fixture(scope="module")
def payload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "payload.bin"
    path.write_bytes(os.urandom(THROUGHPUT_FILE_SIZE))
    return path


def test_client_throughput_against_the_local_stack(
    benchmark: BenchmarkFixture, api_url: str, auth: dict[str, str], payload: Path, tmp_path: Path
) -> None:
    """A 64 MiB file in 8 MiB parts, four at a time, through the gateway to the local stack's S3
    (signed in as the demo user: the local example authorizes with Cognito)."""
    api = UploadApiClient(api_url, headers=auth)
    options = UploadOptions(multipart_threshold=8 * MiB, part_size=8 * MiB, concurrency=4, state_dir=tmp_path)
    result = benchmark.pedantic(upload_file, args=(payload, api, options), rounds=3, iterations=1)
    assert result.size == THROUGHPUT_FILE_SIZE
    benchmark.extra_info["MiB_per_second_median"] = round(THROUGHPUT_FILE_SIZE / MiB / benchmark.stats["median"], 1)
