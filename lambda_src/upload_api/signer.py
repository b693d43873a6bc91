"""Presigning S3 uploads: the only module that knows how URLs are signed.

Routing and validation talk to :class:`UploadSigner` alone, so the implementation behind it
(boto3 today) can change without touching them. Signing is local computation: no network call.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import boto3
from botocore.config import Config as BotoConfig

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# botocore's DEBUG records hold canonical requests and signatures. Even when the function's log
# level is lowered to DEBUG, they must never reach the logs.
for _noisy in ("botocore", "boto3", "urllib3"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)


@dataclass(frozen=True)
class PutConstraints:
    """What the signature binds besides the key: the client must send exactly these."""

    content_type: str
    content_length: int
    sha256_base64: str | None = None
    no_overwrite: bool = True


@dataclass(frozen=True)
class SignedRequest:
    """A presigned request: where to send it, which headers to send, and until when it is valid."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    expires_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class UploadSigner(Protocol):
    """The narrow interface the request logic depends on."""

    def sign_put(self, key: str, constraints: PutConstraints | None = None) -> SignedRequest:
        """Sign a PUT of ``key``; with ``constraints`` the signature binds them as headers."""
        ...


class Boto3UploadSigner:
    """SigV4 presigned URLs from boto3, regional and virtual-hosted.

    ``us_east_1_regional_endpoint='regional'`` keeps us-east-1 on ``s3.us-east-1.amazonaws.com``:
    the global endpoint answers a fresh bucket with a 307 redirect, which breaks browser CORS.
    A custom endpoint (``AWS_ENDPOINT_URL_S3``, as in the local stack) is honoured by botocore.
    """

    def __init__(self, *, bucket: str, region: str, expiry_seconds: int, client: Any = None) -> None:
        self._bucket = bucket
        self._expiry_seconds = expiry_seconds
        self._client: S3Client = client or boto3.client(
            "s3",
            region_name=region,
            config=BotoConfig(
                signature_version="s3v4",
                s3={"addressing_style": "virtual", "us_east_1_regional_endpoint": "regional"},
            ),
        )

    def sign_put(self, key: str, constraints: PutConstraints | None = None) -> SignedRequest:
        params: dict[str, Any] = {"Bucket": self._bucket, "Key": key}
        headers: dict[str, str] = {}
        if constraints is not None:
            params["ContentType"] = constraints.content_type
            params["ContentLength"] = constraints.content_length
            headers["Content-Type"] = constraints.content_type
            headers["Content-Length"] = str(constraints.content_length)
            if constraints.no_overwrite:
                params["IfNoneMatch"] = "*"
                headers["If-None-Match"] = "*"
            if constraints.sha256_base64 is not None:
                params["ChecksumSHA256"] = constraints.sha256_base64
                headers["x-amz-checksum-sha256"] = constraints.sha256_base64
        # Take the time before signing: the signature's own clock (X-Amz-Date) is the same or
        # later, so the real expiry is never earlier than the expires_at we promise.
        signed_at = int(time.time())
        url = self._client.generate_presigned_url(
            "put_object", Params=params, ExpiresIn=self._expiry_seconds, HttpMethod="PUT"
        )
        expires_at = datetime.fromtimestamp(signed_at + self._expiry_seconds, tz=UTC)
        return SignedRequest(method="PUT", url=url, headers=headers, expires_at=expires_at)
