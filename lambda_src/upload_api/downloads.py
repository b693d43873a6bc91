"""Opt-in download URLs: a short-lived presigned GET for one of the caller's own objects.

A download is always answered as an attachment, and with its stored content type only when that
type is on :data:`SAFE_TYPES`; anything else (HTML, SVG, scripts, types a browser sniffs) is
answered as ``application/octet-stream``. So an uploaded page can never run in a browser, even if
someone opens its URL directly.
"""

from __future__ import annotations

import re

from upload_api import keys, validation
from upload_api.errors import BadRequest, NotClean, NotFound, ScanPending, UpstreamFailed
from upload_api.log import get_logger
from upload_api.responses import iso8601

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from upload_api.interfaces import ObjectStore, UploadSigner

logger = get_logger(__name__)

# The file name goes into a Content-Disposition header: plain characters only, no quotes.
_FILENAME = re.compile(r"[A-Za-z0-9._ -]{1,255}")
# Types served as stored: none of them is rendered as a document that can run script.
SAFE_TYPES = frozenset(
    {
        "application/pdf",
        "audio/mpeg",
        "image/gif",
        "image/jpeg",
        "image/png",
        "image/webp",
        "text/plain",
        "video/mp4",
        "video/webm",
    }
)
FALLBACK_TYPE = "application/octet-stream"
# The only parameter a served type keeps, and only with one of these values (lower case).
SAFE_CHARSETS = frozenset({"utf-8", "us-ascii", "iso-8859-1"})
# GuardDuty Malware Protection for S3 tags each scanned object with its verdict.
SCAN_TAG = "GuardDutyMalwareScanStatus"
CLEAN = "NO_THREATS_FOUND"


def served_type(stored: str | None) -> str:
    """The Content-Type a download is answered with: the stored media type when it is safe, with
    a charset only from :data:`SAFE_CHARSETS`; else octet-stream.

    Never the stored string itself: a type stored through the legacy route (which binds none)
    such as ``text/plain;,text/html`` would reach the browser, which takes the last type it can
    parse from a list.
    """
    if not stored:
        return FALLBACK_TYPE
    essence = validation.media_type(stored)
    if essence not in SAFE_TYPES:
        return FALLBACK_TYPE
    charset = _charset(stored)
    return f"{essence}; charset={charset}" if charset in SAFE_CHARSETS else essence


def _charset(content_type: str) -> str | None:
    """The lower-cased value of the ``charset`` parameter, unquoted, or ``None``."""
    for parameter in content_type.split(";")[1:]:
        name, equals, value = parameter.partition("=")
        if equals and name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def require_clean(key: str, store: ObjectStore) -> str:
    """With the malware scan on, only an object GuardDuty tagged clean is served: 409
    ``scan_pending`` before its verdict, 409 ``not_clean`` for a threat or a failed scan.

    Returns the version that was scanned: the download is signed for it, so an object replaced
    after the check (a form posted again, a legacy URL replayed) is never what the URL serves.
    """
    tagged = store.tags(key)
    verdict = tagged.tags.get(SCAN_TAG)
    if verdict is None:
        raise ScanPending("the file is still being scanned for malware; ask again in a minute")
    if verdict != CLEAN:
        raise NotClean(f"the malware scan did not clear this file ({verdict}); it is never served")
    if tagged.version_id is None or tagged.version_id == "null":
        # An unversioned bucket: no URL could be bound to what was scanned. Terraform refuses the
        # scan without versioning; a bucket brought along (create_bucket = false) may lack it.
        logger.error("the malware scan needs a versioned bucket: no download is signed", extra={"key": key})
        raise UpstreamFailed("downloads with the malware scan need the bucket's versioning on; none is signed")
    return tagged.version_id


def sign_download(
    key: str, filename: Any, prefix: str, signer: UploadSigner, store: ObjectStore, malware_scan: bool = False
) -> dict[str, Any]:
    """``GET /files/{key+}``: a presigned GET when ``key`` is the caller's and exists, else 404."""
    if filename is not None and not (isinstance(filename, str) and _FILENAME.fullmatch(filename)):
        raise BadRequest("filename may hold only letters, digits, spaces, '.', '_' and '-' (at most 255)")
    if not keys.is_service_key(key, prefix) or not store.exists(key):
        raise NotFound("no such file")
    version_id = require_clean(key, store) if malware_scan else None
    signed = signer.sign_get(key, filename, served_type(store.content_type(key, version_id)), version_id)
    return {"key": key, "method": signed.method, "url": signed.url, "expires_at": iso8601(signed.expires_at)}
