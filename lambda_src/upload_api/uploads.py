"""The upload logic: validate what the client announces, choose the key, sign, describe the result.

Nothing here knows about events or HTTP; errors are raised as typed :mod:`upload_api.errors`.
"""

from __future__ import annotations

import binascii
import os
import re
import time

from upload_api.errors import BadRequest, Forbidden, PayloadTooLarge, UnsupportedMediaType
from upload_api.signer import PostConstraints, PutConstraints

# Type-only imports: typing stays out of a cold start (see upload_api.interfaces).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from upload_api.config import Config
    from upload_api.interfaces import UploadSigner
    from upload_api.signer import SignedRequest

_UPLOAD_FIELDS = {"content_type", "size", "sha256", "filename"}
_FORM_FIELDS = {"content_type", "filename", "max_size", "sha256", "success_redirect"}
MAX_REDIRECT_LENGTH = 2048
# Patterns are strings that re compiles on first use (and caches): a cold start compiles only
# those its request needs.
# A redirect URL is printable ASCII without spaces, quotes, angle brackets or backslashes: it goes
# into a form field and S3's Location header as it is. Its authority (up to the first / ? or #)
# holds no brackets either: an allowed origin never has an IPv6 literal.
_REDIRECT = r"https?://[!$-&(-.0-;=@-Z^-~]+(?:[/?#][!#-&(-;=?-\[\]-~]*)?"
# type/subtype with optional parameters, e.g. "text/plain; charset=utf-8" (RFC 9110 tokens).
# Only spaces separate parameters, and a quoted value holds printable ASCII: the value
# becomes a signed header, where a line break or exotic whitespace has no business.
_CONTENT_TYPE = (
    r"(?P<type>[A-Za-z0-9!#$&^_.+-]+)/(?P<subtype>[A-Za-z0-9!#$&^_.+-]+)"
    r"(?: *; *[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|\"[ !#-\[\]-~]*\"))*"
)
MAX_CONTENT_TYPE_LENGTH = 255
MAX_FILENAME_LENGTH = 1024
# An extension is only kept when it is short, plain ASCII: it ends up in the object key.
_SAFE_EXTENSION = r"^\.[a-z0-9]{1,16}$"
# What new_key() makes after the prefix: a uuid4, a multipart plan (``-<size>x<part_size>``) for
# multipart uploads, and an optional safe extension.
_SERVICE_KEY = (
    r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    r"(-[1-9][0-9]{0,15}x[1-9][0-9]{0,10})?(\.[a-z0-9]{1,16})?"
)


class UploadRequest:
    """A validated ``POST /uploads`` body (a plain class, not a dataclass: see :mod:`upload_api.signer`)."""

    __slots__ = ("content_type", "filename", "sha256_base64", "size")

    def __init__(self, content_type: str, size: int, sha256_base64: str | None, filename: str | None) -> None:
        self.content_type = content_type
        self.size = size
        self.sha256_base64 = sha256_base64
        self.filename = filename


def parse_upload_request(body: dict[str, Any], config: Config) -> UploadRequest:
    """Validate a ``POST /uploads`` body against the contract and the deployment's limits."""
    only_fields(body, _UPLOAD_FIELDS)
    content_type = parse_content_type(body.get("content_type"))
    size = parse_size(body.get("size"), config.max_size_bytes)
    require_allowed_type(content_type, config)
    sha256 = body.get("sha256")
    return UploadRequest(
        content_type=content_type,
        size=size,
        sha256_base64=None if sha256 is None else parse_sha256(sha256),
        filename=parse_filename(body.get("filename")),
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


def only_fields(body: dict[str, Any], allowed: set[str]) -> None:
    """:class:`BadRequest` naming the fields of ``body`` that are not ``allowed`` (and those that are)."""
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise BadRequest(f"unknown field(s): {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")


def require_allowed_type(content_type: str, config: Config) -> None:
    """:class:`UnsupportedMediaType`, saying what is allowed, for a type the deployment does not take."""
    if not content_type_allowed(content_type, config.allowed_content_types):
        raise UnsupportedMediaType(
            f"content_type {media_type(content_type)!r} is not allowed; "
            f"allowed: {', '.join(config.allowed_content_types)}"
        )


def is_service_key(key: str, prefix: str) -> bool:
    """Whether ``key`` has the shape of a key this service makes under ``prefix``."""
    return re.fullmatch(_SERVICE_KEY, key.removeprefix(prefix)) is not None and key.startswith(prefix)


def content_type_allowed(content_type: str, allowed: tuple[str, ...]) -> bool:
    """Whether the media type (parameters ignored) matches an entry, exactly or as ``type/*``."""
    essence = media_type(content_type)
    major = essence.split("/", 1)[0]
    return essence in allowed or f"{major}/*" in allowed


def new_key(prefix: str, filename: str | None = None, plan: str = "") -> tuple[str, str]:
    """A fresh, unguessable key ``<prefix><uuid4><plan><ext>`` and its uuid.

    ``filename`` only lends its extension, and only a safe one: it is never used as a path.
    ``plan`` is a multipart upload's ``-<size>x<part_size>`` (see :mod:`upload_api.multipart`).
    """
    upload_id = uuid4_string(os.urandom(16))
    return f"{prefix}{upload_id}{plan}{safe_extension(filename)}", upload_id


def uuid4_string(random_bytes: bytes) -> str:
    """The canonical form of the version 4 UUID made of 16 random bytes, as
    ``str(uuid.UUID(bytes=random_bytes, version=4))`` writes it (a unit test proves it on
    generated bytes). The uuid module costs 2 ms of a cold start to import (it imports platform)."""
    octets = bytearray(random_bytes)
    octets[6] = (octets[6] & 0x0F) | 0x40  # version 4
    octets[8] = (octets[8] & 0x3F) | 0x80  # RFC 4122 variant
    digits = octets.hex()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def safe_extension(filename: str | None) -> str:
    """The lower-cased last extension of ``filename`` when it is short and alphanumeric, else ``""``."""
    if not filename:
        return ""
    basename = re.split(r"[/\\]", filename)[-1]
    stem, dot, extension = basename.rpartition(".")
    if not dot or not stem.strip("."):
        return ""
    candidate = f".{extension.lower()}"
    return candidate if re.fullmatch(_SAFE_EXTENSION, candidate) else ""


def create_upload(request: UploadRequest, prefix: str, signer: UploadSigner) -> dict[str, Any]:
    """Sign a constrained PUT for a new key under ``prefix``: the ``201`` body of ``POST /uploads``."""
    key, _ = new_key(prefix, request.filename)
    signed = signer.sign_put(
        key,
        PutConstraints(
            content_type=request.content_type,
            content_length=request.size,
            sha256_base64=request.sha256_base64,
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


def parse_content_type(value: Any) -> str:
    """A syntactically valid content type, or :class:`BadRequest`."""
    if value is None:
        raise BadRequest("content_type is required")
    if not isinstance(value, str):
        raise BadRequest("content_type must be a string such as 'image/png'")
    if len(value) > MAX_CONTENT_TYPE_LENGTH or not re.fullmatch(_CONTENT_TYPE, value):
        raise BadRequest("content_type must be a media type such as 'image/png'")
    return value


def media_type(content_type: str) -> str:
    """The ``type/subtype`` of a content type, lower case, without its parameters."""
    return content_type.split(";", 1)[0].strip().lower()


def parse_size(value: Any, maximum: int, name: str = "size") -> int:
    """A size from 1 to ``maximum`` bytes: :class:`BadRequest`, or :class:`PayloadTooLarge` above it."""
    if value is None:
        raise BadRequest(f"{name} is required")
    # bool is an int subclass in Python; JSON true is not a size.
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{name} must be a whole number of bytes")
    if value < 1:
        raise BadRequest(f"{name} must be at least 1 byte")
    if value > maximum:
        raise PayloadTooLarge(f"{name} {value} is over the maximum of {maximum} bytes")
    return value


def parse_sha256(value: Any) -> str:
    """The base64 of a 32-byte SHA-256 digest, or :class:`BadRequest`."""
    if not isinstance(value, str):
        raise BadRequest("sha256 must be a string: the base64 of the file's 32-byte SHA-256 digest")
    try:
        digest = binascii.a2b_base64(value, strict_mode=True)  # = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("sha256 must be base64 (standard alphabet, padded)") from None
    if len(digest) != 32:
        raise BadRequest(f"sha256 must encode 32 bytes, got {len(digest)}")
    return value


def parse_filename(value: Any) -> str | None:
    """An optional file name (only its extension is ever used)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest("filename must be a string")
    if len(value) > MAX_FILENAME_LENGTH:
        raise BadRequest(f"filename must be at most {MAX_FILENAME_LENGTH} characters")
    return value


def iso8601(epoch_seconds: int) -> str:
    """``2026-11-29T04:05:00Z``: a Unix time in UTC."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch_seconds))
