"""The bucket's CORS rules, as S3 applies them to a browser's preflight before a PUT.

The uploader page's origin is in ``allowed_origins`` (the same Terraform variable feeds the API's
CORS and the bucket's); any other origin gets no CORS grant from S3, so a browser there cannot
send the bytes even with a valid URL.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from devtools.served_stack import ServedStack
from tests.conformance.s3_answers import TIMEOUT, api_post


@pytest.fixture(scope="module")
def upload(api_url: str, auth: dict[str, str]) -> dict[str, Any]:
    return api_post(api_url, "/uploads", {"content_type": "text/plain", "size": 5}, auth)


# A browser sets Content-Length itself and never lists it in a preflight (a forbidden header name).
SET_BY_THE_BROWSER = {"content-length"}


def preflight(url: str, origin: str, headers: dict[str, str]) -> requests.Response:
    """The OPTIONS request a browser at ``origin`` sends before a PUT with ``headers``."""
    asked = [name.lower() for name in headers if name.lower() not in SET_BY_THE_BROWSER]
    return requests.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": ",".join(asked),
        },
        timeout=TIMEOUT,
    )


def page_origin(served: ServedStack) -> str:
    return served.page_url.rsplit("/", 1)[0]


def test_s3_grants_the_page_origin_a_put_with_the_signed_headers(served: ServedStack, upload: dict[str, Any]) -> None:
    origin = page_origin(served)
    response = preflight(upload["url"], origin, upload["headers"])
    assert response.status_code == 200, response.text
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]


def test_s3_refuses_an_origin_that_is_not_allowed(upload: dict[str, Any]) -> None:
    response = preflight(upload["url"], "https://evil.example", upload["headers"])
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers
