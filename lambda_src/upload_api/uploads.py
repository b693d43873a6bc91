"""Single PUTs and form uploads: validate what the client announces, choose the key, sign,
describe the result. (Multipart uploads are :mod:`upload_api.multipart`.)

Nothing here knows about events or HTTP; errors are raised as typed :mod:`upload_api.errors`.
"""

from __future__ import annotations

import re

from upload_api.errors import BadRequest, Forbidden
from upload_api.keys import new_key
from upload_api.responses import iso8601
from upload_api.signer import PostConstraints, PutConstraints
from upload_api.validation import (
    one_checksum,
    only_fields,
    parse_content_type,
    parse_crc64nvme,
    parse_filename,
    parse_sha256,
    parse_size,
    require_allowed_type,
)

# Type-only imports: typing stays out of a cold start (see upload_api.interfaces).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from upload_api.config import Config
    from upload_api.interfaces import UploadSigner
    from upload_api.signer import SignedRequest

_UPLOAD_FIELDS = {"content_type", "size", "sha256", "crc64nvme", "filename"}
_FORM_FIELDS = {"content_type", "filename", "max_size", "sha256", "success_redirect"}
MAX_REDIRECT_LENGTH = 2048
# A redirect URL is printable ASCII without spaces, quotes, angle brackets or backslashes: it goes
# into a form field and S3's Location header as it is. Its authority (up to the first / ? or #)
# holds no brackets either: an allowed origin never has an IPv6 literal.
_REDIRECT = r"https?://[!$-&(-.0-;=@-Z^-~]+(?:[/?#][!#-&(-;=?-\[\]-~]*)?"


class UploadRequest:
    """A validated ``POST /uploads`` body (a plain class, not a dataclass: see :mod:`upload_api.signer`)."""

    __slots__ = ("content_type", "crc64nvme_base64", "filename", "sha256_base64", "size")

    def __init__(
        self,
        content_type: str,
        size: int,
        sha256_base64: str | None,
        filename: str | None,
        crc64nvme_base64: str | None = None,
    ) -> None:
        self.content_type = content_type
        self.size = size
        self.sha256_base64 = sha256_base64
        self.filename = filename
        self.crc64nvme_base64 = crc64nvme_base64


def parse_upload_request(body: dict[str, Any], config: Config) -> UploadRequest:
    """Validate a ``POST /uploads`` body against the contract and the deployment's limits."""
    only_fields(body, _UPLOAD_FIELDS)
    content_type = parse_content_type(body.get("content_type"))
    size = parse_size(body.get("size"), config.max_size_bytes)
    require_allowed_type(content_type, config)
    one_checksum(body, "sha256", "crc64nvme")
    sha256, crc64nvme = body.get("sha256"), body.get("crc64nvme")
    return UploadRequest(
        content_type=content_type,
        size=size,
        sha256_base64=None if sha256 is None else parse_sha256(sha256),
        filename=parse_filename(body.get("filename")),
        crc64nvme_base64=None if crc64nvme is None else parse_crc64nvme(crc64nvme),
    )


class FormUploadRequest:
    """A validated ``POST /uploads/form`` body."""

    __slots__ = ("content_type", "filename", "max_size", "sha256_base64", "success_redirect")

    def __init__(
        self,
        content_type: str,
        max_size: int,
        sha256_base64: str | None,
        filename: str | None,
        success_redirect: str | None,
    ) -> None:
        self.content_type = content_type
        self.max_size = max_size
        self.sha256_base64 = sha256_base64
        self.filename = filename
        self.success_redirect = success_redirect


def parse_form_request(body: dict[str, Any], config: Config) -> FormUploadRequest:
    """Validate a ``POST /uploads/form`` body: the rules of ``POST /uploads``, with ``max_size``
    (optional, the deployment's maximum when absent) instead of an exact size."""
    only_fields(body, _FORM_FIELDS)
    content_type = parse_content_type(body.get("content_type"))
    max_size = body.get("max_size")
    max_size = config.max_size_bytes if max_size is None else parse_size(max_size, config.max_size_bytes, "max_size")
    require_allowed_type(content_type, config)
    sha256 = body.get("sha256")
    return FormUploadRequest(
        content_type=content_type,
        max_size=max_size,
        sha256_base64=None if sha256 is None else parse_sha256(sha256),
        filename=parse_filename(body.get("filename")),
        success_redirect=parse_redirect(body.get("success_redirect"), config.allowed_origins),
    )


def parse_redirect(value: Any, allowed_origins: tuple[str, ...]) -> str | None:
    """An optional URL on one of the deployment's allowed origins (S3 sends the browser there)."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_REDIRECT_LENGTH or not re.fullmatch(_REDIRECT, value):
        raise BadRequest(
            f"success_redirect must be an http(s) URL of at most {MAX_REDIRECT_LENGTH} printable ASCII characters"
        )
    from urllib.parse import urlsplit  # only forms with a redirect need it (2 ms of a cold start)

    try:
        parts = urlsplit(value)  # raises on an unbalanced IPv6 bracket: "https://[x"
    except ValueError as error:
        raise BadRequest(f"success_redirect is not a valid URL: {error}") from None
    if parts.fragment:
        raise BadRequest("success_redirect must not have a fragment: S3 appends the upload's key to its query")
    if f"{parts.scheme}://{parts.netloc}" not in allowed_origins:
        # Well formed, but this deployment does not send browsers there: refused, like a CORS
        # preflight from an origin that is not allowed.
        raise Forbidden(
            f"success_redirect must be a URL on one of the deployment's allowed origins ({', '.join(allowed_origins)})"
        )
    return value


def create_upload(request: UploadRequest, prefix: str, signer: UploadSigner) -> dict[str, Any]:
    """Sign a constrained PUT for a new key under ``prefix``: the ``201`` body of ``POST /uploads``."""
    key, _ = new_key(prefix, request.filename)
    signed = signer.sign_put(
        key,
        PutConstraints(
            content_type=request.content_type,
            content_length=request.size,
            sha256_base64=request.sha256_base64,
            crc64nvme_base64=request.crc64nvme_base64,
        ),
    )
    return {
        "key": key,
        "method": signed.method,
        "url": signed.url,
        "headers": signed.headers,
        "expires_at": iso8601(signed.expires_at),
    }


def create_form_upload(request: FormUploadRequest, prefix: str, signer: UploadSigner) -> dict[str, Any]:
    """Sign a POST policy for a new key under ``prefix``: the ``201`` body of ``POST /uploads/form``."""
    key, _ = new_key(prefix, request.filename)
    signed = signer.sign_post(
        key,
        PostConstraints(
            content_type=request.content_type,
            max_size=request.max_size,
            sha256_base64=request.sha256_base64,
            success_redirect=request.success_redirect,
        ),
    )
    return {"url": signed.url, "fields": signed.fields, "key": key, "expires_at": iso8601(signed.expires_at)}


def legacy_upload_url(prefix: str, signer: UploadSigner) -> dict[str, Any]:
    """The seed's answer, ``{"PUT_URL", "UUID"}``: a PUT URL that binds only the key."""
    key, upload_id = new_key(prefix)
    signed: SignedRequest = signer.sign_put(key)
    return {"PUT_URL": signed.url, "UUID": upload_id}
