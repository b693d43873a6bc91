"""The signed URL stores bytes in (moto's) S3, and what it binds is in the URL itself.

moto checks no signature, so these tests only prove the URL is well formed and usable;
the constraints are asserted from X-Amz-SignedHeaders in test_uploads_route.py.
"""

from __future__ import annotations

import base64
import hashlib

import boto3
import pytest
import requests

from tests.unit.conftest import BUCKET
from upload_api.signer import Boto3UploadSigner, PutConstraints

DATA = b"hello, bucket"


@pytest.fixture
def bucket(mocked_aws: None) -> str:
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
    return BUCKET


def test_a_signed_put_stores_the_bytes_with_type_and_checksum(bucket: str) -> None:
    signer = Boto3UploadSigner(bucket=bucket, region="us-east-1", expiry_seconds=60)
    digest = base64.b64encode(hashlib.sha256(DATA).digest()).decode()
    signed = signer.sign_put("uploads/a.txt", PutConstraints("text/plain", len(DATA), digest))

    response = requests.put(signed.url, data=DATA, headers=signed.headers, timeout=10)

    assert response.status_code == 200
    stored = boto3.client("s3", region_name="us-east-1").get_object(Bucket=bucket, Key="uploads/a.txt")
    assert stored["ContentType"] == "text/plain"
    # moto records x-amz-checksum-sha256 only beside x-amz-sdk-checksum-algorithm, which S3 does
    # not need: compare the stored bytes' digest with the signed one instead.
    assert base64.b64encode(hashlib.sha256(stored["Body"].read()).digest()).decode() == digest


def test_no_overwrite_is_enforced_by_if_none_match(bucket: str) -> None:
    signer = Boto3UploadSigner(bucket=bucket, region="us-east-1", expiry_seconds=60)
    signed = signer.sign_put("uploads/once.txt", PutConstraints("text/plain", len(DATA)))
    assert requests.put(signed.url, data=DATA, headers=signed.headers, timeout=10).status_code == 200
    assert requests.put(signed.url, data=DATA, headers=signed.headers, timeout=10).status_code == 412


def test_the_headers_to_send_are_exactly_the_signed_ones(bucket: str) -> None:
    signer = Boto3UploadSigner(bucket=bucket, region="us-east-1", expiry_seconds=60)
    signed = signer.sign_put("uploads/b.txt", PutConstraints("text/plain", 5, "A" * 43 + "="))
    signed_headers = signed.url.split("X-Amz-SignedHeaders=")[1].split("&")[0].split("%3B")
    assert sorted(name.lower() for name in signed.headers) == sorted(set(signed_headers) - {"host"})


def test_an_unconstrained_put_binds_only_the_host(bucket: str) -> None:
    signed = Boto3UploadSigner(bucket=bucket, region="us-east-1", expiry_seconds=60).sign_put("uploads/c")
    assert "X-Amz-SignedHeaders=host&" in signed.url
    assert signed.headers == {}
