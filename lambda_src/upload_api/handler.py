"""The Lambda entry point, ``upload_api.handler.lambda_handler``.

Configuration and the signer are built here once per cold start; a bad environment fails the
cold start with a :class:`~upload_api.errors.ConfigError` that names the variable. No SDK loads
here: signing is :mod:`upload_api.sigv4` on the standard library, and the S3 client behind the
routes that call S3 is built on their first request.
"""

from __future__ import annotations

import os

from upload_api.app import UploadApi
from upload_api.config import load_config
from upload_api.s3 import LazyS3Client
from upload_api.s3_store import Boto3ObjectStore
from upload_api.signer import SigV4UploadSigner, configured_endpoint_url, credential_source

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CONFIG = load_config(os.environ)
API = UploadApi(
    CONFIG,
    SigV4UploadSigner(
        bucket=CONFIG.bucket,
        region=CONFIG.region,
        expiry_seconds=CONFIG.expiry_seconds,
        download_expiry_seconds=CONFIG.download_expiry_seconds,
        credentials=credential_source(os.environ),
        endpoint_url=configured_endpoint_url(os.environ),
    ),
    Boto3ObjectStore(bucket=CONFIG.bucket, client=LazyS3Client(CONFIG.region)),
)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one API Gateway REST proxy event."""
    return API.handle(event)
