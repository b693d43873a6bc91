"""What S3 answered, and what it holds: the two things every conformance case asserts."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from devtools.local_stack import LocalStack

_CODE = re.compile(r"<Code>([^<]+)</Code>")
TIMEOUT = 30


def s3_error(response: requests.Response) -> tuple[int, str]:
    """The status and S3's error code (from its XML body) of a refused request."""
    found = _CODE.search(response.text)
    return response.status_code, found.group(1) if found else ""


def stored_keys(stack: LocalStack, key: str) -> list[str]:
    """Objects at ``key`` (a listing, not a HEAD: LocalStack can hang reading a key after BadDigest)."""
    listed = stack.client("s3").list_objects_v2(Bucket=stack.outputs["bucket_name"], Prefix=key)
    return [item["Key"] for item in listed.get("Contents", []) if item["Key"] == key]


def stored_bytes(stack: LocalStack, key: str) -> bytes:
    body: bytes = stack.client("s3").get_object(Bucket=stack.outputs["bucket_name"], Key=key)["Body"].read()
    return body


def with_query(url: str, **changes: str) -> str:
    """``url`` with some query parameters replaced, the rest (and their order) kept."""
    parts = urlsplit(url)
    query = [(name, changes.pop(name, value)) for name, value in parse_qsl(parts.query, keep_blank_values=True)]
    assert not changes, f"{sorted(changes)} not in the URL's query"
    return urlunsplit(parts._replace(query=urlencode(query, safe="/")))


def tampered_signature(url: str) -> str:
    """The same URL with one hex digit of its signature changed."""
    signature = dict(parse_qsl(urlsplit(url).query))["X-Amz-Signature"]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    return with_query(url, **{"X-Amz-Signature": flipped})


def put(url: str, data: bytes, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.put(url, data=data, headers=headers or {}, timeout=TIMEOUT)


def api_post(api_url: str, path: str, body: dict[str, Any], auth: dict[str, str]) -> dict[str, Any]:
    response = requests.post(f"{api_url}{path}", json=body, headers=auth, timeout=TIMEOUT)
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer
