"""What a message may say about a URL or a network failure: never a signature, a credential or a token.

A presigned URL is a bearer credential until it expires, and requests' exception messages quote
the whole URL (its query string holds the signature). Messages name a URL by host and path only,
and a network failure by its kind and reason with every URL and query string taken out.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A URL, or anything with a query string: `https://…`, `/key?X-Amz-…`.
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]*|[^\s'\"<>]*\?[^\s'\"<>]*")
# What must never leave, whatever shape it came in.
_SECRET = re.compile(r"x-amz-(signature|credential|security-token)|eyJ[A-Za-z0-9_-]{8,}", re.I)


def where(url: str) -> str:
    """``host/path`` of ``url``: enough to tell which request failed, nothing that grants access."""
    parts = urlsplit(url)
    return f"{parts.hostname or '?'}{f':{parts.port}' if parts.port else ''}{parts.path}"


def scrub(text: str) -> str:
    """``text`` with URLs and query strings replaced by ``<url>``; ``<redacted>`` if a secret remains."""
    cleaned = _URL.sub("<url>", text)
    return "<redacted>" if _SECRET.search(cleaned) else cleaned


def network_failure(error: BaseException) -> str:
    """The kind of a network failure and its innermost reason (``ConnectionError: [Errno 111]
    Connection refused``), without the URL requests put in the message."""
    reason: BaseException = error
    seen = {id(reason)}
    while True:
        inner = getattr(reason, "reason", None)
        if not isinstance(inner, BaseException):
            inner = reason.args[0] if reason.args and isinstance(reason.args[0], BaseException) else None
        if inner is None or id(inner) in seen:
            break
        seen.add(id(inner))
        reason = inner
    detail = str(reason)
    # urllib3 starts its messages with the connection object's repr.
    detail = re.sub(r"^<[^>]*>:\s*", "", detail)
    detail = scrub(detail)[:200]
    return f"{type(error).__name__}: {detail}" if detail and reason is not error else type(error).__name__
