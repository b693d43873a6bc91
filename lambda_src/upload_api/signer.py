"""Presigning S3 uploads: the only module that knows how URLs are signed.

Routing and validation talk to :class:`UploadSigner` alone, so the implementation behind it
(boto3 today) can change without touching them. Signing is local computation: no network call.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from upload_api.s3 import regional_s3_client

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


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

    def sign_part(self, key: str, upload_id: str, part_number: int, sha256_base64: str | None = None) -> SignedRequest:
        """Sign the PUT of one part of a multipart upload; with a digest the signature binds it."""
        ...

    def sign_get(self, key: str, attachment_filename: str | None = None) -> SignedRequest:
        """Sign a short-lived GET of ``key``; with a file name the browser saves it under it."""
        ...


class Boto3UploadSigner:
    """SigV4 presigned URLs from boto3 (see :mod:`upload_api.s3` for the endpoint rules)."""

    def __init__(
        self,
        *,
        bucket: str,
        region: str,
        expiry_seconds: int,
        download_expiry_seconds: int = 60,
        client: S3Client | None = None,
    ) -> None:
        self._bucket = bucket
        self._expiry_seconds = expiry_seconds
        self._download_expiry_seconds = download_expiry_seconds
        self._client = client or regional_s3_client(region)

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
        return self._presign("put_object", params, headers)

    def sign_part(self, key: str, upload_id: str, part_number: int, sha256_base64: str | None = None) -> SignedRequest:
        params: dict[str, Any] = {"Bucket": self._bucket, "Key": key, "UploadId": upload_id, "PartNumber": part_number}
        headers: dict[str, str] = {}
        if sha256_base64 is not None:
            params["ChecksumSHA256"] = sha256_base64
            headers["x-amz-checksum-sha256"] = sha256_base64
        return self._presign("upload_part", params, headers)

    def sign_get(self, key: str, attachment_filename: str | None = None) -> SignedRequest:
        params: dict[str, Any] = {"Bucket": self._bucket, "Key": key}
        if attachment_filename is not None:
            params["ResponseContentDisposition"] = f'attachment; filename="{attachment_filename}"'
        return self._presign("get_object", params, {}, method="GET", expiry=self._download_expiry_seconds)

    def _presign(
        self,
        operation: str,
        params: dict[str, Any],
        headers: dict[str, str],
        *,
        method: str = "PUT",
        expiry: int | None = None,
    ) -> SignedRequest:
        seconds = expiry or self._expiry_seconds
        # Take the time before signing: the signature's own clock (X-Amz-Date) is the same or
        # later, so the real expiry is never earlier than the expires_at we promise.
        signed_at = int(time.time())
        url = self._client.generate_presigned_url(operation, Params=params, ExpiresIn=seconds, HttpMethod=method)
        expires_at = datetime.fromtimestamp(signed_at + seconds, tz=UTC)
        return SignedRequest(method=method, url=url, headers=headers, expires_at=expires_at)
