"""API Gateway REST proxy events (payload format 1.0), built the way API Gateway builds them."""

from __future__ import annotations

import base64
import time
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
    api_id: str = "local",
    account_id: str = "123456789012",
    host: str = "127.0.0.1",
) -> dict[str, Any]:
    """An event as API Gateway sends it to an AWS_PROXY integration.

    ``headers`` and ``query`` map a name to all its values; the single-value maps hold the last
    value, as API Gateway does. ``binary`` bodies travel base64-encoded.
    """
    headers = headers or {}
    query = query or {}
    now = time.time()
    request_id = request_id or str(uuid.uuid4())
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
            "accountId": account_id,
            "apiId": api_id,
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0],
            "extendedRequestId": request_id,
            "httpMethod": method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": source_ip,
                "user": None,
                "userAgent": _last(headers, "user-agent"),
                "userArn": None,
            },
            "path": f"/{stage}{path or resource}",
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "resourceId": "local",
            "resourcePath": resource,
            "stage": stage,
        },
        "body": text,
        "isBase64Encoded": binary and body is not None,
    }


def _last(headers: Mapping[str, Sequence[str]], name: str) -> str | None:
    for key, values in headers.items():
        if key.lower() == name and values:
            return values[-1]
    return None
