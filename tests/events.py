"""Events and answers for handler tests: JSON requests from an allowed origin by default."""

from __future__ import annotations

import json
from typing import Any

from devtools.proxy_events import proxy_event as gateway_event

ALLOWED_ORIGIN = "https://app.example.com"


def proxy_event(
    method: str,
    resource: str,
    *,
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw_body: str | None = None,
    path_parameters: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    claims: dict[str, str] | None = None,
    request_id: str | None = None,
) -> dict[str, Any]:
    """An event for ``method resource``; ``body`` is JSON-encoded unless ``raw_body`` is given."""
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
    all_headers = {"Origin": ALLOWED_ORIGIN, **(headers or {})}
    path = resource
    for name, value in (path_parameters or {}).items():
        path = path.replace(f"{{{name}}}", value)
    event = gateway_event(
        method,
        resource,
        path=path,
        headers={name: [value] for name, value in all_headers.items()},
        query={name: [value] for name, value in (query or {}).items()},
        path_parameters=path_parameters,
        request_id=request_id,
    )
    event["body"] = text  # raw, so tests can send text that is not valid UTF-8 or JSON
    if claims is not None:
        event["requestContext"]["authorizer"] = {"claims": claims}
    return event


def json_body(response: dict[str, Any]) -> Any:
    """The parsed JSON body of a proxy response."""
    return json.loads(response["body"])
