"""The S3 calls a multipart upload needs beyond signing: create, list parts, complete, abort.

S3's refusals become typed API errors here, in words a client can act on: an upload that does
not exist is 404, a completion S3 rejects is 400 with S3's reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from upload_api.errors import BadRequest, NotFound

if TYPE_CHECKING:
    from botocore.exceptions import ClientError
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

# S3's error codes for a completion it refuses because of the parts given.
_REJECTED_COMPLETION = {"InvalidPart", "InvalidPartOrder", "EntityTooSmall", "InvalidRequest", "MalformedXML"}


@dataclass(frozen=True)
class StoredPart:
    """A part S3 holds."""

    part_number: int
    etag: str
    size: int
    sha256_base64: str | None = None


class MultipartStore(Protocol):
    """The narrow interface the multipart logic depends on."""

    def create(self, key: str, content_type: str, checksums: bool) -> str:
        """Start an upload of ``key``; return its upload id."""
        ...

    def describe(self, key: str, upload_id: str) -> tuple[StoredPart, ...]:
        """Every part S3 holds (all pages); :class:`NotFound` when there is no such upload."""
        ...

    def complete(self, key: str, upload_id: str, parts: list[StoredPart]) -> str:
        """Assemble ``parts`` into the object; return its ETag."""
        ...

    def abort(self, key: str, upload_id: str) -> None:
        """Abort the upload and free its parts."""
        ...

    def exists(self, key: str) -> bool:
        """Whether an object is stored at ``key``."""
        ...


class Boto3MultipartStore:
    """:class:`MultipartStore` on a boto3 S3 client, which ``client`` builds on first need
    (:class:`upload_api.s3.LazyS3Client`): boto3 loads only when a route calls S3."""

    def __init__(self, *, bucket: str, client: Callable[[], S3Client]) -> None:
        self._bucket = bucket
        self._client_factory = client

    @property
    def _client(self) -> S3Client:
        return self._client_factory()

    def create(self, key: str, content_type: str, checksums: bool) -> str:
        params: dict[str, Any] = {"Bucket": self._bucket, "Key": key, "ContentType": content_type}
        if checksums:
            params["ChecksumAlgorithm"] = "SHA256"
        return self._client.create_multipart_upload(**params)["UploadId"]

    def describe(self, key: str, upload_id: str) -> tuple[StoredPart, ...]:
        parts: list[StoredPart] = []
        marker = 0
        while True:
            try:
                page = self._client.list_parts(
                    Bucket=self._bucket, Key=key, UploadId=upload_id, PartNumberMarker=marker, MaxParts=1000
                )
            except _client_error() as error:
                raise _not_found_or_reraise(error) from None
            for part in page.get("Parts", []):
                parts.append(
                    StoredPart(
                        part_number=part["PartNumber"],
                        etag=part["ETag"],
                        size=part["Size"],
                        sha256_base64=part.get("ChecksumSHA256"),
                    )
                )
            if not page.get("IsTruncated"):
                return tuple(parts)
            marker = int(page["NextPartNumberMarker"])

    def complete(self, key: str, upload_id: str, parts: list[StoredPart]) -> str:
        completed: list[CompletedPartTypeDef] = []
        for part in parts:
            entry: CompletedPartTypeDef = {"PartNumber": part.part_number, "ETag": part.etag}
            if part.sha256_base64:
                entry["ChecksumSHA256"] = part.sha256_base64
            completed.append(entry)
        try:
            response = self._client.complete_multipart_upload(
                Bucket=self._bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": completed}
            )
        except _client_error() as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in _REJECTED_COMPLETION:
                message = error.response.get("Error", {}).get("Message") or code
                raise BadRequest(f"S3 refused to complete the upload: {message}") from None
            raise _not_found_or_reraise(error) from None
        return response["ETag"]

    def abort(self, key: str, upload_id: str) -> None:
        try:
            self._client.abort_multipart_upload(Bucket=self._bucket, Key=key, UploadId=upload_id)
        except _client_error() as error:
            raise _not_found_or_reraise(error) from None

    def exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self._bucket, Key=key)
        except _client_error() as error:
            # Without s3:ListBucket (which the role does not get) S3 answers a missing key with 403.
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound", "403", "AccessDenied"}:
                return False
            raise
        return True


def _client_error() -> type[ClientError]:
    """botocore's ClientError, imported when a call is made (botocore is loaded by then)."""
    from botocore.exceptions import ClientError

    return ClientError


def _not_found_or_reraise(error: ClientError) -> Exception:
    code = error.response.get("Error", {}).get("Code", "")
    if code in {"NoSuchUpload", "NoSuchKey", "404"}:
        return NotFound("no such upload for this key")
    return error
