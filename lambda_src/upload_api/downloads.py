"""Opt-in download URLs: a short-lived presigned GET for one of the caller's own objects."""

from __future__ import annotations

import re
from typing import Any

from upload_api import uploads
from upload_api.errors import BadRequest, NotFound
from upload_api.multipart_store import MultipartStore
from upload_api.signer import UploadSigner

# The file name goes into a Content-Disposition header: plain characters only, no quotes.
_FILENAME = re.compile(r"[A-Za-z0-9._ -]{1,255}")


def sign_download(key: str, filename: Any, prefix: str, signer: UploadSigner, store: MultipartStore) -> dict[str, Any]:
    """``GET /files/{key+}``: a presigned GET when ``key`` is the caller's and exists, else 404."""
    if filename is not None and not (isinstance(filename, str) and _FILENAME.fullmatch(filename)):
        raise BadRequest("filename may hold only letters, digits, spaces, '.', '_' and '-' (at most 255)")
    if not uploads.is_service_key(key, prefix) or not store.exists(key):
        raise NotFound("no such file")
    signed = signer.sign_get(key, filename)
    return {"key": key, "method": signed.method, "url": signed.url, "expires_at": uploads.iso8601(signed.expires_at)}
