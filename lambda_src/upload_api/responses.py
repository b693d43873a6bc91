"""Building proxy responses: JSON bodies, CORS headers and the error envelope."""

from __future__ import annotations

import json
import time

from upload_api.errors import ApiError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Responses hold short-lived credentials (signed URLs): no cache may keep them.
_BASE_HEADERS = {
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}

# Headers a browser may send to this API, and how long it may cache a preflight answer.
CORS_ALLOW_HEADERS = "authorization,content-type,x-api-key"
CORS_MAX_AGE_SECONDS = "600"


def cors_headers(origin: str | None, allowed_origins: tuple[str, ...]) -> dict[str, str]:
    """CORS headers for an answer to ``origin``: it is named only when it is allowed."""
    headers = {"Vary": "Origin"}
    if origin is not None and origin in allowed_origins:
        headers["Access-Control-Allow-Origin"] = origin
    return headers


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A proxy response carrying ``body`` as JSON."""
    return {
        "statusCode": status,
        "headers": {**_BASE_HEADERS, **(headers or {})},
        "body": json.dumps(body, separators=(",", ":")),
        "isBase64Encoded": False,
    }


def empty_response(status: int, headers: dict[str, str]) -> dict[str, Any]:
    """A proxy response with no body (a preflight answer)."""
    return {"statusCode": status, "headers": headers, "body": "", "isBase64Encoded": False}


def error_response(error: ApiError, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """The error envelope ``{"error": {"code", "message"}}`` with the error's status."""
    body = {"error": {"code": error.code, "message": error.message}}
    return json_response(error.status, body, {**error.headers, **(headers or {})})


def internal_error_response(headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A 500 that reveals nothing about what went wrong."""
    body = {"error": {"code": "internal_error", "message": "internal error; the request id is in the logs"}}
    return json_response(500, body, headers)


def iso8601(epoch_seconds: int) -> str:
    """``2026-11-29T04:05:00Z``: a Unix time in UTC."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch_seconds))
