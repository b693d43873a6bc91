"""The Lambda entry point, ``upload_api.handler.lambda_handler``.

Configuration and the S3 client are built here once per cold start; a bad environment fails
the cold start with a :class:`~upload_api.errors.ConfigError` that names the variable.
"""

from __future__ import annotations

import os
from typing import Any

from upload_api.app import UploadApi
from upload_api.config import load_config
from upload_api.multipart_store import Boto3MultipartStore
from upload_api.s3 import regional_s3_client
from upload_api.signer import Boto3UploadSigner

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
    Boto3MultipartStore(bucket=CONFIG.bucket, client=_S3),
)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one API Gateway REST proxy event."""
    request_id = getattr(context, "aws_request_id", None) or "unknown"
    return API.handle(event, request_id)
