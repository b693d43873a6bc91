"""What a request may say: the checks every route shares, each failure a typed API error.

Fields, content types against the deployment's allowlist, sizes, digests and file names; the
routes' own rules (a form's redirect, a multipart plan) stay with their routes.
"""

from __future__ import annotations

import binascii
import re

from upload_api.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

# Type-only imports: typing stays out of a cold start (see upload_api.interfaces).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from upload_api.config import Config

# Patterns are strings that re compiles on first use (and caches): a cold start compiles only
# those its request needs.
# type/subtype with optional parameters, e.g. "text/plain; charset=utf-8" (RFC 9110 tokens).
# Only spaces separate parameters, and a quoted value holds printable ASCII: the value
# becomes a signed header, where a line break or exotic whitespace has no business.
_CONTENT_TYPE = (
    r"(?P<type>[A-Za-z0-9!#$&^_.+-]+)/(?P<subtype>[A-Za-z0-9!#$&^_.+-]+)"
    r"(?: *; *[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|\"[ !#-\[\]-~]*\"))*"
)
MAX_CONTENT_TYPE_LENGTH = 255
MAX_FILENAME_LENGTH = 1024


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


def content_type_allowed(content_type: str, allowed: tuple[str, ...]) -> bool:
    """Whether the media type (parameters ignored) matches an entry, exactly or as ``type/*``."""
    essence = media_type(content_type)
    major = essence.split("/", 1)[0]
    return essence in allowed or f"{major}/*" in allowed


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


def parse_sha256(value: Any, name: str = "sha256") -> str:
    """The base64 of a 32-byte SHA-256 digest, or :class:`BadRequest`."""
    return _base64_digest(value, name, 32, "SHA-256 digest")


def parse_crc64nvme(value: Any, name: str = "crc64nvme") -> str:
    """The base64 of an 8-byte CRC64NVME (as S3 writes it: big-endian), or :class:`BadRequest`."""
    return _base64_digest(value, name, 8, "CRC64NVME")


def _base64_digest(value: Any, name: str, size: int, what: str) -> str:
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string: the base64 of the {size}-byte {what}")
    try:
        digest = binascii.a2b_base64(value, strict_mode=True)  # = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(f"{name} must be base64 (standard alphabet, padded)") from None
    if len(digest) != size:
        raise BadRequest(f"{name} must encode {size} bytes, got {len(digest)}")
    return value


def one_checksum(body: dict[str, Any], *names: str) -> None:
    """:class:`BadRequest` when ``body`` gives more than one of the checksum fields ``names``:
    S3 checks one checksum per request."""
    given = [name for name in names if body.get(name) is not None]
    if len(given) > 1:
        raise BadRequest(f"give one of {' or '.join(names)}, not {' and '.join(given)}: S3 checks one checksum")


def parse_filename(value: Any) -> str | None:
    """An optional file name (only its extension is ever used)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest("filename must be a string")
    if len(value) > MAX_FILENAME_LENGTH:
        raise BadRequest(f"filename must be at most {MAX_FILENAME_LENGTH} characters")
    return value
