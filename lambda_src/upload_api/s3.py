"""The one S3 client of a cold start: SigV4, regional and virtual-hosted.

``us_east_1_regional_endpoint='regional'`` keeps us-east-1 on ``s3.us-east-1.amazonaws.com``: the
global endpoint answers a fresh bucket with a 307 redirect, which breaks browser CORS. A custom
endpoint (``AWS_ENDPOINT_URL_S3``, as in the local stack) is honoured by botocore itself.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config as BotoConfig

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# botocore's DEBUG records hold canonical requests and signatures. Even when the function's log
# level is lowered to DEBUG, they must never reach the logs.
for _noisy in ("botocore", "boto3", "urllib3"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)


def regional_s3_client(region: str) -> S3Client:
    """An S3 client for ``region`` that signs SigV4 URLs on the regional virtual-hosted endpoint."""
    return boto3.client(
        "s3",
        region_name=region,
        config=BotoConfig(
            signature_version="s3v4",
            s3={"addressing_style": "virtual", "us_east_1_regional_endpoint": "regional"},
            retries={"mode": "standard", "max_attempts": 3},
        ),
    )
