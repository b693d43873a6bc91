"""The S3 client for the routes that call S3: SigV4, regional and virtual-hosted, built on first need.

boto3 loads only when a route calls S3 (multipart create/list/complete/abort, the download
existence check); signing never needs it (see :mod:`upload_api.sigv4`).

``us_east_1_regional_endpoint='regional'`` keeps us-east-1 on ``s3.us-east-1.amazonaws.com``: the
global endpoint answers a fresh bucket with a 307 redirect, which breaks browser CORS. A custom
endpoint (``AWS_ENDPOINT_URL_S3``, as in the local stack) is honoured by botocore itself.
"""

from __future__ import annotations

import threading

# Type-only imports: typing and collections.abc stay out of a cold start (see upload_api.interfaces).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_s3 import S3Client


def silence_sdk_debug_logs() -> None:
    """botocore's DEBUG records hold canonical requests and signatures. Even when the function's
    log level is lowered to DEBUG, they must never reach the logs."""
    import logging  # boto3 imports it anyway

    for noisy in ("botocore", "boto3", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def regional_s3_client(region: str) -> S3Client:
    """An S3 client for ``region`` that signs SigV4 URLs on the regional virtual-hosted endpoint."""
    silence_sdk_debug_logs()  # before the SDK loads, so not one of its records gets through
    import boto3  # boto3 costs most of a cold start; only S3 calls need it
    from botocore.config import Config as BotoConfig

    return boto3.client(
        "s3",
        region_name=region,
        config=BotoConfig(
            signature_version="s3v4",
            s3={"addressing_style": "virtual", "us_east_1_regional_endpoint": "regional"},
            retries={"mode": "standard", "max_attempts": 3},
        ),
    )


class LazyS3Client:
    """Builds :func:`regional_s3_client` on the first call, then hands out the same client."""

    def __init__(self, region: str, factory: Callable[[str], S3Client] = regional_s3_client) -> None:
        self._region = region
        self._factory = factory
        self._client: S3Client | None = None
        # boto3's default session is not thread-safe: one thread builds the client.
        self._lock = threading.Lock()

    def __call__(self) -> S3Client:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._factory(self._region)
        return self._client
