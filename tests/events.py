"""API Gateway REST proxy events (payload format 1.0), minimal but shaped like the real thing."""

from __future__ import annotations

import json
from typing import Any

ALLOWED_ORIGIN = "https://app.example.com"


def proxy_event(
    method: str,
    resource: str,
    *,
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw_body: str | None = None,
) -> dict[str, Any]:
    """An event for ``method resource``; ``body`` is JSON-encoded unless ``raw_body`` is given."""
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
    all_headers = {"Origin": ALLOWED_ORIGIN, **(headers or {})}
    return {
        "resource": resource,
        "path": resource,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"requestId": "test-request", "stage": "v1", "resourcePath": resource},
        "body": text,
        "isBase64Encoded": False,
    }


def json_body(response: dict[str, Any]) -> Any:
    """The parsed JSON body of a proxy response."""
    return json.loads(response["body"])
