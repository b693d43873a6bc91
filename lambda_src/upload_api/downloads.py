"""Opt-in download URLs: a short-lived presigned GET for one of the caller's own objects.

A download is always answered as an attachment, and with its stored content type only when that
type is on :data:`SAFE_TYPES`; anything else (HTML, SVG, scripts, types a browser sniffs) is
answered as ``application/octet-stream``. So an uploaded page can never run in a browser, even if
someone opens its URL directly.
"""

from __future__ import annotations

import re

from upload_api import uploads
from upload_api.errors import BadRequest, NotClean, NotFound, ScanPending

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from upload_api.interfaces import MultipartStore, UploadSigner

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
# GuardDuty Malware Protection for S3 tags each scanned object with its verdict.
SCAN_TAG = "GuardDutyMalwareScanStatus"
CLEAN = "NO_THREATS_FOUND"


def served_type(stored: str | None) -> str:
    """The Content-Type a download is answered with: the stored one when safe, else octet-stream."""
    return stored if stored and uploads.media_type(stored) in SAFE_TYPES else FALLBACK_TYPE


def require_clean(key: str, store: MultipartStore) -> None:
    """With the malware scan on, only an object GuardDuty tagged clean is served: 409
    ``scan_pending`` before its verdict, 409 ``not_clean`` for a threat or a failed scan."""
    verdict = store.tags(key).get(SCAN_TAG)
    if verdict is None:
        raise ScanPending("the file is still being scanned for malware; ask again in a minute")
    if verdict != CLEAN:
        raise NotClean(f"the malware scan did not clear this file ({verdict}); it is never served")


def sign_download(
    key: str, filename: Any, prefix: str, signer: UploadSigner, store: MultipartStore, malware_scan: bool = False
) -> dict[str, Any]:
    """``GET /files/{key+}``: a presigned GET when ``key`` is the caller's and exists, else 404."""
    if filename is not None and not (isinstance(filename, str) and _FILENAME.fullmatch(filename)):
        raise BadRequest("filename may hold only letters, digits, spaces, '.', '_' and '-' (at most 255)")
    if not uploads.is_service_key(key, prefix) or not store.exists(key):
        raise NotFound("no such file")
    if malware_scan:
        require_clean(key, store)
    signed = signer.sign_get(key, filename, served_type(store.content_type(key)))
    return {"key": key, "method": signed.method, "url": signed.url, "expires_at": uploads.iso8601(signed.expires_at)}
