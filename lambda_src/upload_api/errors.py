"""Typed errors raised by the request logic, each carrying the HTTP status it maps to.

The handler turns any :class:`ApiError` into ``{"error": {"code", "message"}}``; everything
else is a bug and becomes a 500 without internals.
"""

from __future__ import annotations


class ApiError(Exception):
    """A client-facing error: ``status`` and ``code`` are part of the API contract."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadRequest(ApiError):
    """The request is malformed: not JSON, wrong types, a missing or unknown field."""

    status = 400
    code = "bad_request"


class Unauthorized(ApiError):
    """No caller identity where one is required (the authorizer should have refused already)."""

    status = 401
    code = "unauthorized"


class Forbidden(ApiError):
    """The request is understood but refused, e.g. a CORS preflight from a foreign origin."""

    status = 403
    code = "forbidden"


class NotFound(ApiError):
    """No such route (or a route switched off by configuration)."""

    status = 404
    code = "not_found"


class MethodNotAllowed(ApiError):
    """The route exists but not with this method; ``Allow`` lists the ones it has."""

    status = 405
    code = "method_not_allowed"


class PayloadTooLarge(ApiError):
    """The announced upload (or the request body itself) is larger than allowed."""

    status = 413
    code = "too_large"


class UnsupportedMediaType(ApiError):
    """The upload's content type is outside the configured allowlist."""

    status = 415
    code = "unsupported_content_type"


class Conflict(ApiError):
    """The request contradicts what S3 holds, e.g. a repeated completion whose object differs."""

    status = 409
    code = "conflict"


class ScanPending(Conflict):
    """The malware scan has not marked the object clean yet: ask again later."""

    code = "scan_pending"


class NotClean(Conflict):
    """The malware scan found a threat in the object, or could not scan it: it is never served."""

    code = "not_clean"


# How long a client should wait before retrying an upstream failure that is likely to pass.
RETRY_AFTER_SECONDS = "2"


class UpstreamUnavailable(ApiError):
    """S3 throttled us, timed out, could not be reached, or failed with a 5xx: retry later."""

    status = 503
    code = "upstream_unavailable"

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"Retry-After": RETRY_AFTER_SECONDS})


class UpstreamFailed(ApiError):
    """S3 refused the function itself (access denied: a configuration error) or answered
    something the logic does not expect; retrying will not help."""

    status = 502
    code = "upstream_failed"


class ConfigError(Exception):
    """The function's environment is missing or has a bad value; raised at cold start."""
