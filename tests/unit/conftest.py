"""Fixtures for in-process tests: a deployment's config, a signer, and the API built from them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, settings
from moto import mock_aws

from devtools import LAMBDA_SRC
from tests.events import ALLOWED_ORIGIN
from upload_api.app import UploadApi
from upload_api.config import Config
from upload_api.s3 import LazyS3Client
from upload_api.s3_store import Boto3ObjectStore
from upload_api.signer import SigV4UploadSigner
from upload_api.sigv4 import Credentials

BUCKET = "uploads-test-bucket"
MAX_SIZE = 10 * 1024 * 1024
MULTIPART_MAX_SIZE = 10_000 * 5 * 1024 * 1024
EXPIRY = 300

ENVIRONMENT = {
    "UPLOAD_BUCKET": BUCKET,
    "UPLOAD_BUCKET_REGION": "eu-west-3",
    "UPLOAD_KEY_PREFIX": "uploads/",
    "UPLOAD_URL_EXPIRY_SECONDS": str(EXPIRY),
    "UPLOAD_MAX_SIZE_BYTES": str(MAX_SIZE),
    "UPLOAD_MAX_MULTIPART_SIZE_BYTES": str(MULTIPART_MAX_SIZE),
    "UPLOAD_ALLOWED_CONTENT_TYPES": "image/png,text/plain,video/*",
    "UPLOAD_ALLOWED_ORIGINS": f"{ALLOWED_ORIGIN},http://127.0.0.1:8080",
    "UPLOAD_LEGACY_ROUTE_ENABLED": "true",
    "UPLOAD_AUTH_MODE": "none",
}
# The deployment's app client: the only audience whose ID tokens the function accepts.
APP_CLIENT_ID = "4tq1example0client0id0abcd"


@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials, and no endpoint override from the outer environment."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)


@pytest.fixture
def mocked_aws() -> Iterator[None]:
    """moto's in-process AWS for tests that store objects."""
    with mock_aws():
        yield


@pytest.fixture
def s3(mocked_aws: None) -> Any:
    """An S3 client on moto's in-process AWS, with the deployment's bucket created."""
    client = boto3.client("s3", region_name="eu-west-3")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    return client


def make_config(**changes: object) -> Config:
    """The test deployment's config, with ``changes``."""
    values: dict[str, object] = {
        "bucket": BUCKET,
        "region": "eu-west-3",
        "key_prefix": "uploads/",
        "expiry_seconds": EXPIRY,
        "max_size_bytes": MAX_SIZE,
        "multipart_max_size_bytes": MULTIPART_MAX_SIZE,
        "allowed_content_types": ("image/png", "text/plain", "video/*"),
        "allowed_origins": (ALLOWED_ORIGIN, "http://127.0.0.1:8080"),
        "legacy_route_enabled": True,
        "allowed_audiences": (APP_CLIENT_ID,),
    }
    values.update(changes)
    return Config(**values)  # type: ignore[arg-type]


CREDENTIALS = Credentials("testing", "testing")


def make_signer(**changes: object) -> SigV4UploadSigner:
    """The function's signer for the test config (with the fake credentials)."""
    config = make_config(**changes)
    return SigV4UploadSigner(
        bucket=config.bucket,
        region=config.region,
        expiry_seconds=config.expiry_seconds,
        download_expiry_seconds=config.download_expiry_seconds,
        credentials=lambda: CREDENTIALS,
    )


def make_api(**changes: object) -> UploadApi:
    """An :class:`UploadApi` over the test config as the handler builds it (moto answers S3 calls)."""
    config = make_config(**changes)
    store = Boto3ObjectStore(bucket=config.bucket, client=LazyS3Client(config.region))
    return UploadApi(config, make_signer(**changes), store)


@pytest.fixture
def api() -> UploadApi:
    """The API of the test deployment."""
    return make_api()


# The signer's property tests (test_sigv4_equivalence.py): 2 000 examples each by default,
# HYPOTHESIS_PROFILE=deep for 50 000. No deadline: this machine's timing is not the property.
settings.register_profile(
    "standard", max_examples=2_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# The unit-runtimes sessions: the same properties on each Lambda runtime's Python, less deep.
settings.register_profile(
    "runtimes", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "deep", max_examples=50_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "standard"))


def fresh_python(code: str, environment: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``code`` run by a fresh interpreter that imports the function's package from its source,
    with only ``environment`` (no shared config or caches of this process)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**(environment or {}), "PYTHONPATH": str(LAMBDA_SRC)},
        capture_output=True,
        text=True,
        timeout=60,
    )
