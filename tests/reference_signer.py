"""botocore's presigned URLs behind the :class:`~upload_api.signer.UploadSigner` interface.

The reference the hand-written signer (:mod:`upload_api.sigv4`) is proven equal to, and the
"botocore signer" of the benchmarks. It is not in the zip: the function never loads boto3 to sign.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from upload_api.s3 import regional_s3_client
from upload_api.signer import (
    DOWNLOAD_CACHE_CONTROL,
    DOWNLOAD_CONTENT_ENCODING,
    PostConstraints,
    PutConstraints,
    SignedPost,
    SignedRequest,
    attachment,
    part_headers,
    post_form,
    put_headers,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class Boto3UploadSigner:
    """SigV4 presigned URLs from boto3's ``generate_presigned_url`` (see :mod:`upload_api.s3`)."""

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
        if constraints is not None:
            params["ContentType"] = constraints.content_type
            params["ContentLength"] = constraints.content_length
            params["IfNoneMatch"] = "*"
            if constraints.sha256_base64 is not None:
                params["ChecksumSHA256"] = constraints.sha256_base64
            if constraints.crc64nvme_base64 is not None:
                params["ChecksumCRC64NVME"] = constraints.crc64nvme_base64
        return self._presign("put_object", params, put_headers(constraints))

    def sign_part(
        self,
        key: str,
        upload_id: str,
        part_number: int,
        sha256_base64: str | None = None,
        content_length: int | None = None,
        crc64nvme_base64: str | None = None,
    ) -> SignedRequest:
        params: dict[str, Any] = {"Bucket": self._bucket, "Key": key, "UploadId": upload_id, "PartNumber": part_number}
        if content_length is not None:
            params["ContentLength"] = content_length
        if sha256_base64 is not None:
            params["ChecksumSHA256"] = sha256_base64
        if crc64nvme_base64 is not None:
            params["ChecksumCRC64NVME"] = crc64nvme_base64
        headers = part_headers(sha256_base64, content_length, crc64nvme_base64)
        return self._presign("upload_part", params, headers)

    def sign_get(
        self,
        key: str,
        attachment_filename: str | None = None,
        content_type: str | None = None,
        version_id: str | None = None,
    ) -> SignedRequest:
        params: dict[str, Any] = {
            "Bucket": self._bucket,
            "Key": key,
            "ResponseCacheControl": DOWNLOAD_CACHE_CONTROL,
            "ResponseContentDisposition": attachment(attachment_filename),
            "ResponseContentEncoding": DOWNLOAD_CONTENT_ENCODING,
        }
        if content_type is not None:
            params["ResponseContentType"] = content_type
        if version_id is not None:
            params["VersionId"] = version_id
        return self._presign("get_object", params, {}, method="GET", expiry=self._download_expiry_seconds)

    def sign_post(self, key: str, constraints: PostConstraints) -> SignedPost:
        fields, conditions = post_form(constraints)
        signed_at = int(time.time())
        post = self._client.generate_presigned_post(
            self._bucket, key, Fields=fields, Conditions=conditions, ExpiresIn=self._expiry_seconds
        )
        return SignedPost(url=post["url"], fields=post["fields"], expires_at=signed_at + self._expiry_seconds)

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
        return SignedRequest(method=method, url=url, headers=headers, expires_at=signed_at + seconds)
