"""The function's handler as it was before the hand-written signer: boto3 client at cold start,
URLs from botocore (tests/reference_signer.py). The benchmarks' "botocore signer" baseline."""

from __future__ import annotations

import os
from typing import Any

from tests.reference_signer import Boto3UploadSigner
from upload_api.app import UploadApi
from upload_api.config import load_config
from upload_api.s3 import regional_s3_client
from upload_api.s3_store import Boto3ObjectStore

CONFIG = load_config(os.environ)
_S3 = regional_s3_client(CONFIG.region)
API = UploadApi(
    CONFIG,
    Boto3UploadSigner(
        bucket=CONFIG.bucket,
        region=CONFIG.region,
        expiry_seconds=CONFIG.expiry_seconds,
        download_expiry_seconds=CONFIG.download_expiry_seconds,
        client=_S3,
    ),
    Boto3ObjectStore(bucket=CONFIG.bucket, client=lambda: _S3),
)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one API Gateway REST proxy event."""
    return API.handle(event)
