"""The two narrow interfaces the request logic depends on: signing, and S3's objects and uploads.

Protocols for the type checker: the function's modules import this one only when type checking
(``typing`` costs 3 ms of a cold start), so nothing here runs in the function. Implementations
need not subclass: :class:`~upload_api.signer.SigV4UploadSigner` and
:class:`~upload_api.s3_store.Boto3ObjectStore` in the function, botocore's signer
(``tests/reference_signer.py``) and the fakes in the tests.
"""

from __future__ import annotations

from typing import Protocol

from upload_api.s3_store import ObjectTags, StoredObject, StoredPart, StoredUpload
from upload_api.signer import PostConstraints, PutConstraints, SignedPost, SignedRequest


class UploadSigner(Protocol):
    """The narrow interface the request logic depends on."""

    def sign_put(self, key: str, constraints: PutConstraints | None = None) -> SignedRequest:
        """Sign a PUT of ``key``; with ``constraints`` the signature binds them as headers."""
        ...

    def sign_part(
        self,
        key: str,
        upload_id: str,
        part_number: int,
        sha256_base64: str | None = None,
        content_length: int | None = None,
        crc64nvme_base64: str | None = None,
    ) -> SignedRequest:
        """Sign the PUT of one part of a multipart upload; the signature binds a given checksum and length."""
        ...

    def sign_request(
        self, method: str, key: str, params: list[tuple[str, str]], headers: dict[str, str]
    ) -> SignedRequest:
        """Sign any other S3 request on ``key`` (its query ``params`` and the ``headers`` it must
        send), for the upload URLs' lifetime: a client that drives S3 itself sends it."""
        ...

    def sign_get(
        self,
        key: str,
        attachment_filename: str | None = None,
        content_type: str | None = None,
        version_id: str | None = None,
    ) -> SignedRequest:
        """Sign a short-lived GET of ``key`` (of its version ``version_id`` when given), answered as
        an attachment (named ``attachment_filename`` when given), never cached, never re-encoded,
        and, with ``content_type``, with that Content-Type whatever is stored."""
        ...

    def sign_post(self, key: str, constraints: PostConstraints) -> SignedPost:
        """Sign an HTML form upload (a POST policy) of ``key`` that binds ``constraints``."""
        ...


class ObjectStore(Protocol):
    """What the multipart and download logic ask of S3: uploads in progress, and stored objects."""

    def create(self, key: str, content_type: str, checksum_algorithm: str | None) -> str:
        """Start an upload of ``key`` (checked by ``SHA256`` part by part, or by a whole-file
        ``CRC64NVME``); return its upload id."""
        ...

    def describe(self, key: str, upload_id: str) -> StoredUpload:
        """Every part S3 holds (all pages); :class:`NotFound` when there is no such upload."""
        ...

    def complete(
        self, key: str, upload_id: str, parts: list[StoredPart], crc64nvme_base64: str | None = None
    ) -> StoredObject:
        """Assemble ``parts`` into the object, which S3 checks against a whole-file CRC64NVME
        when given; return the object."""
        ...

    def abort(self, key: str, upload_id: str) -> None:
        """Abort the upload and free its parts."""
        ...

    def stat(self, key: str) -> StoredObject | None:
        """The object stored at ``key``, or ``None`` when there is none."""
        ...

    def exists(self, key: str) -> bool:
        """Whether an object is stored at ``key``."""
        ...

    def content_type(self, key: str, version_id: str | None = None) -> str | None:
        """The Content-Type stored with the object at ``key`` (which exists), or with its version."""
        ...

    def tags(self, key: str) -> ObjectTags:
        """The tags of the object at ``key`` (which exists), and the version they are of."""
        ...
