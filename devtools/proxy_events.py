"""API Gateway REST proxy events (payload format 1.0), built the way API Gateway builds them."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping, Sequence
from typing import Any


def proxy_event(
    method: str,
    resource: str,
    *,
    path: str | None = None,
    headers: Mapping[str, Sequence[str]] | None = None,
    query: Mapping[str, Sequence[str]] | None = None,
    path_parameters: Mapping[str, str] | None = None,
    body: bytes | None = None,
    binary: bool = False,
    stage: str = "v1",
    source_ip: str = "127.0.0.1",
    request_id: str | None = None,
) -> dict[str, Any]:
    """An event as API Gateway sends it to an AWS_PROXY integration.

    ``headers`` and ``query`` map a name to all its values; the single-value maps hold the last
    value, as API Gateway does. ``binary`` bodies travel base64-encoded.
    """
    headers = headers or {}
    query = query or {}
    text: str | None = None
    if body is not None:
        text = base64.b64encode(body).decode() if binary else body.decode("utf-8", errors="surrogateescape")
    return {
        "resource": resource,
        "path": path or resource,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in headers.items() if values} or None,
        "multiValueHeaders": {name: list(values) for name, values in headers.items() if values} or None,
        "queryStringParameters": {name: values[-1] for name, values in query.items() if values} or None,
        "multiValueQueryStringParameters": {name: list(values) for name, values in query.items() if values} or None,
        "pathParameters": dict(path_parameters) if path_parameters else None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/{stage}{path or resource}",
            "stage": stage,
            "requestId": request_id or str(uuid.uuid4()),
            "identity": {"sourceIp": source_ip},
        },
        "body": text,
        "isBase64Encoded": binary and body is not None,
    }
