"""The S3 calls the API makes beyond signing: create, list parts, complete, abort, look up.

S3's answers become typed API errors here, in one place (:func:`_s3_call`), in words a client
can act on: an upload that does not exist is 404, a completion S3 rejects is 400 with S3's
reason; throttling, timeouts and S3's 5xx are 503 with ``Retry-After``; access denied (the
function's role lacks a permission: a configuration error, logged as one) and any other answer
the logic does not expect are 502. None of them is a 500.
"""

from __future__ import annotations

from contextlib import contextmanager

from upload_api.errors import ApiError, BadRequest, Conflict, NotFound, UpstreamFailed, UpstreamUnavailable
from upload_api.log import get_logger

# Type-only imports: typing and collections.abc stay out of a cold start (see upload_api.interfaces).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator
    from typing import Any

    from botocore.exceptions import ClientError
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

logger = get_logger(__name__)

# S3's error codes for a completion it refuses because of the parts given.
# BadDigest: the assembled object is not the whole-file CRC64NVME the client announced.
_REJECTED_COMPLETION = {
    "InvalidPart",
    "InvalidPartOrder",
    "EntityTooSmall",
    "InvalidRequest",
    "MalformedXML",
    "BadDigest",
}
# S3's answers for an object that is not there.
_NO_SUCH_OBJECT = {"NoSuchKey", "NotFound", "404"}
# S3's answers for an upload id that does not exist (any more) for the key.
_NO_SUCH_UPLOAD = {"NoSuchUpload", "NoSuchKey", "404"}
# A completion's If-None-Match found an object at the key: S3 wrote nothing.
_KEY_TAKEN = {"PreconditionFailed"}
# Answers that say "not now": retrying later is likely to work (ConditionalRequestConflict: another
# conditional write to the key is in flight).
_TRANSIENT = {
    "ConditionalRequestConflict",
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "RequestThrottled",
    "RequestThrottledException",
    "BandwidthLimitExceeded",
    "RequestTimeout",
    "RequestTimeTooSkewed",
    "InternalError",
    "ServiceUnavailable",
}
# Answers that say the function's own identity or role is refused: a deployment's configuration.
_DENIED = {
    "AccessDenied",
    "AllAccessDisabled",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "TokenRefreshRequired",
    "KMS.AccessDeniedException",
    "KMS.DisabledException",
    "KMS.KMSInvalidStateException",
}


class StoredPart:
    """A part S3 holds (a plain class, not a dataclass: see :mod:`upload_api.signer`)."""

    __slots__ = ("crc64nvme_base64", "etag", "part_number", "sha256_base64", "size")

    def __init__(
        self,
        part_number: int,
        etag: str,
        size: int,
        sha256_base64: str | None = None,
        crc64nvme_base64: str | None = None,
    ) -> None:
        self.part_number = part_number
        self.etag = etag
        self.size = size
        self.sha256_base64 = sha256_base64
        self.crc64nvme_base64 = crc64nvme_base64


class KeyTaken(Conflict):
    """A completion found an object already stored at its key (If-None-Match): nothing was
    written. The multipart logic tells a repeated completion from a real conflict."""


class StoredUpload:
    """A multipart upload in progress: its parts, and the checksum it was created with
    (``SHA256``: each part's; ``CRC64NVME``: the whole file's; ``None``: none, or an S3 that
    does not say)."""

    __slots__ = ("checksum_algorithm", "parts")

    def __init__(self, parts: tuple[StoredPart, ...], checksum_algorithm: str | None = None) -> None:
        self.parts = parts
        self.checksum_algorithm = checksum_algorithm


class StoredObject:
    """An object S3 holds: what a completion reports (with S3's whole-file CRC64NVME when known)."""

    __slots__ = ("crc64nvme_base64", "etag", "key", "size")

    def __init__(self, key: str, etag: str, size: int, crc64nvme_base64: str | None = None) -> None:
        self.key = key
        self.etag = etag
        self.size = size
        self.crc64nvme_base64 = crc64nvme_base64


class ObjectTags:
    """An object's tags, and the version they belong to (``None`` in an unversioned bucket)."""

    __slots__ = ("tags", "version_id")

    def __init__(self, tags: dict[str, str], version_id: str | None) -> None:
        self.tags = tags
        self.version_id = version_id


class Boto3ObjectStore:
    """:class:`~upload_api.interfaces.ObjectStore` on a boto3 S3 client, which ``client`` builds on first need
    (:class:`upload_api.s3.LazyS3Client`): boto3 loads only when a route calls S3."""

    def __init__(self, *, bucket: str, client: Callable[[], S3Client]) -> None:
        self._bucket = bucket
        self._client_factory = client

    @property
    def _client(self) -> S3Client:
        return self._client_factory()

    def create(self, key: str, content_type: str, checksum_algorithm: str | None) -> str:
        params: dict[str, Any] = {"Bucket": self._bucket, "Key": key, "ContentType": content_type}
        if checksum_algorithm is not None:
            params["ChecksumAlgorithm"] = checksum_algorithm
            # SHA-256 is checked part by part (a composite); CRC64NVME over the whole object.
            params["ChecksumType"] = "FULL_OBJECT" if checksum_algorithm == "CRC64NVME" else "COMPOSITE"
        with _s3_call("CreateMultipartUpload"):
            return self._client.create_multipart_upload(**params)["UploadId"]

    def describe(self, key: str, upload_id: str) -> StoredUpload:
        parts: list[StoredPart] = []
        marker = 0
        while True:
            with _s3_call("ListParts", not_found=_NO_SUCH_UPLOAD):
                page = self._client.list_parts(
                    Bucket=self._bucket, Key=key, UploadId=upload_id, PartNumberMarker=marker, MaxParts=1000
                )
            for part in page.get("Parts", []):
                parts.append(
                    StoredPart(
                        part_number=part["PartNumber"],
                        etag=part["ETag"],
                        size=part["Size"],
                        sha256_base64=part.get("ChecksumSHA256"),
                        crc64nvme_base64=part.get("ChecksumCRC64NVME"),
                    )
                )
            if not page.get("IsTruncated"):
                return StoredUpload(tuple(parts), page.get("ChecksumAlgorithm"))
            marker = int(page["NextPartNumberMarker"])

    def complete(
        self, key: str, upload_id: str, parts: list[StoredPart], crc64nvme_base64: str | None = None
    ) -> StoredObject:
        completed: list[CompletedPartTypeDef] = []
        for part in parts:
            entry: CompletedPartTypeDef = {"PartNumber": part.part_number, "ETag": part.etag}
            if part.sha256_base64:
                entry["ChecksumSHA256"] = part.sha256_base64
            if part.crc64nvme_base64:
                entry["ChecksumCRC64NVME"] = part.crc64nvme_base64
            completed.append(entry)
        # With a whole-file CRC64NVME, S3 checks the assembled object against it (BadDigest).
        whole: dict[str, Any] = {}
        if crc64nvme_base64 is not None:
            whole = {"ChecksumCRC64NVME": crc64nvme_base64, "ChecksumType": "FULL_OBJECT"}
        # If-None-Match: never onto an existing object, and (with the bucket policy that requires
        # it) never an unconditional write.
        with _s3_call(
            "CompleteMultipartUpload", not_found=_NO_SUCH_UPLOAD, rejected=_REJECTED_COMPLETION, taken=_KEY_TAKEN
        ):
            response = self._client.complete_multipart_upload(
                Bucket=self._bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": completed},
                IfNoneMatch="*",
                **whole,
            )
        # S3 leaves the checksum out of its answer for an SSE-KMS object; it checked the one given.
        stored_crc = response.get("ChecksumCRC64NVME") or crc64nvme_base64
        return StoredObject(key, response["ETag"], sum(part.size for part in parts), stored_crc)

    def abort(self, key: str, upload_id: str) -> None:
        with _s3_call("AbortMultipartUpload", not_found=_NO_SUCH_UPLOAD):
            self._client.abort_multipart_upload(Bucket=self._bucket, Key=key, UploadId=upload_id)

    def stat(self, key: str) -> StoredObject | None:
        # A listing of exactly this key, not HeadObject: HeadObject needs s3:GetObject (reading
        # every upload) and, without s3:ListBucket, answers a missing key with 403, which cannot
        # be told from a real denial. The role may list only under its prefix (s3:prefix).
        with _s3_call("ListObjectsV2"):
            listed = self._client.list_objects_v2(Bucket=self._bucket, Prefix=key, MaxKeys=1)
        for item in listed.get("Contents", []):
            if item.get("Key") == key:  # a key sorts before every longer key it prefixes
                return StoredObject(key=key, etag=item.get("ETag", ""), size=item.get("Size", 0))
        return None

    def exists(self, key: str) -> bool:
        return self.stat(key) is not None

    def content_type(self, key: str, version_id: str | None = None) -> str | None:
        # HeadObject only once the listing found the object: the role reads objects only with
        # downloads on (s3:GetObject), and a 404 here is a race with a deletion.
        with _s3_call("HeadObject", not_found=_NO_SUCH_OBJECT, missing="no such file"):
            if version_id is None:
                return self._client.head_object(Bucket=self._bucket, Key=key).get("ContentType")
            return self._client.head_object(Bucket=self._bucket, Key=key, VersionId=version_id).get("ContentType")

    def tags(self, key: str) -> ObjectTags:
        with _s3_call("GetObjectTagging", not_found=_NO_SUCH_OBJECT, missing="no such file"):
            answer = self._client.get_object_tagging(Bucket=self._bucket, Key=key)
        return ObjectTags({tag["Key"]: tag["Value"] for tag in answer["TagSet"]}, answer.get("VersionId"))


@contextmanager
def _s3_call(
    operation: str,
    *,
    not_found: Collection[str] = (),
    rejected: Collection[str] = (),
    taken: Collection[str] = (),
    missing: str = "no such upload for this key",
) -> Iterator[None]:
    """``with _s3_call("Operation"):`` around one S3 call turns whatever S3 (or the way to it)
    answers into a typed API error.

    ``not_found`` codes become 404, ``rejected`` codes (a completion's parts) 400 with S3's
    reason, and ``taken`` codes (a conditional write that found an object) :class:`KeyTaken`;
    everything else is an upstream failure: 503 with ``Retry-After`` when retrying later may
    work, else 502.
    """
    try:
        yield
    except Exception as error:
        # Imported here, not at module level: botocore loads only on the routes that call S3.
        from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
        from botocore.exceptions import ConnectionError as BotoConnectionError

        if isinstance(error, ClientError):
            if _code(error) in taken:
                raise KeyTaken("an object is already stored at this key") from None
            raise _client_error(operation, error, not_found, rejected, missing) from None
        if isinstance(error, (BotoConnectionError, HTTPClientError)):
            # Timeouts (connect or read), refused or dropped connections, after botocore's retries.
            logger.warning("S3 did not answer", extra={"operation": operation, "error_type": type(error).__name__})
            raise UpstreamUnavailable(f"the storage service did not answer {operation} in time; retry later") from None
        if isinstance(error, BotoCoreError):
            # No credentials, a bad parameter: nothing a client can change.
            logger.error(
                "S3 call failed before an answer (configuration?)",
                extra={"operation": operation, "error_type": type(error).__name__},
            )
            raise UpstreamFailed(f"the storage service could not be called for {operation}") from None
        raise  # anything else (an API error raised inside) goes on as it is


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _client_error(
    operation: str, error: ClientError, not_found: Collection[str], rejected: Collection[str], missing: str
) -> ApiError:
    details = error.response.get("Error", {})
    code = str(details.get("Code", ""))
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    if code in not_found:
        return NotFound(missing)
    if code in rejected:
        return BadRequest(f"S3 refused to complete the upload: {details.get('Message') or code}")
    where = {"operation": operation, "s3_code": code, "http_status": status}
    if code in _TRANSIENT or status == 429 or status >= 500:
        logger.warning("S3 is throttling or failing; answered 503", extra=where)
        return UpstreamUnavailable(f"the storage service is busy or failing ({code or status}); retry later")
    if code in _DENIED or status == 403:
        # Never S3's message or the request: only what an operator needs to find the policy.
        logger.error("S3 denied the function's own request: check its role and key policy", extra=where)
        return UpstreamFailed(f"the storage service refused {operation}; the deployment's permissions need fixing")
    logger.error("S3 answered something unexpected", extra=where)
    return UpstreamFailed(f"the storage service answered {operation} unexpectedly ({code or status})")
