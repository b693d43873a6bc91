"""Real HTTP, end to end: the API through the local gateway, then the bytes straight to S3.

These check the API's side (what the URL binds, CORS, errors); S3's own refusal of every
deviation from a URL is the conformance suite's (tests/conformance/).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from devtools.deployed_function import DeployedFunction
from devtools.local_stack import LocalStack
from tests.stack_fixtures import TEST_ORIGIN

DATA = b"integration bytes \x00\x01\x02" * 1000
SHA256 = base64.b64encode(hashlib.sha256(DATA).digest()).decode()


def signed(url: str, name: str) -> str:
    return parse_qs(urlsplit(url).query)[name][0]


def stored_key(stack: LocalStack, uuid: str) -> str:
    """The key of the object whose name is ``uuid`` (under whichever user prefix)."""
    listed = stack.client("s3").list_objects_v2(Bucket=stack.outputs["bucket_name"])["Contents"]
    return next(item["Key"] for item in listed if item["Key"].endswith(f"/{uuid}"))


@pytest.fixture(scope="module")
def upload(api_url: str, auth: dict[str, str]) -> dict[str, Any]:
    response = requests.post(
        f"{api_url}/uploads",
        json={"content_type": "application/octet-stream", "size": len(DATA), "sha256": SHA256, "filename": "blob.bin"},
        headers={"Origin": TEST_ORIGIN, **auth},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    assert response.headers["Access-Control-Allow-Origin"] == TEST_ORIGIN
    return response.json()  # type: ignore[no-any-return]


def test_the_url_binds_type_length_no_overwrite_and_checksum(
    upload: dict[str, Any], function: DeployedFunction
) -> None:
    url = upload["url"]
    assert signed(url, "X-Amz-SignedHeaders") == "content-length;content-type;host;if-none-match;x-amz-checksum-sha256"
    assert signed(url, "X-Amz-Expires") == function.environment["UPLOAD_URL_EXPIRY_SECONDS"]
    assert upload["key"].startswith(function.environment["UPLOAD_KEY_PREFIX"])
    assert upload["key"].endswith(".bin")


def test_put_with_the_returned_headers_stores_the_bytes(upload: dict[str, Any], stack: LocalStack) -> None:
    response = requests.put(upload["url"], data=DATA, headers=upload["headers"], timeout=30)
    assert response.status_code == 200, response.text

    stored = stack.client("s3").get_object(Bucket=stack.outputs["bucket_name"], Key=upload["key"])
    body = stored["Body"].read()
    assert body == DATA
    assert stored["ContentType"] == "application/octet-stream"
    assert stored["ContentLength"] == len(DATA)
    # S3 checked the signed checksum on the way in (the conformance suite shows it refusing
    # other bytes); here the stored bytes are hashed once more.
    assert base64.b64encode(hashlib.sha256(body).digest()).decode() == SHA256


def test_a_second_put_to_the_same_key_is_refused(upload: dict[str, Any]) -> None:
    # Runs after the first PUT (pytest keeps file order): If-None-Match: * stops an overwrite.
    response = requests.put(upload["url"], data=DATA, headers=upload["headers"], timeout=30)
    assert response.status_code == 412


def test_the_seed_flow_works_as_written(api_url: str, auth: dict[str, str], stack: LocalStack) -> None:
    response = requests.get(f"{api_url}/upload-url", headers=auth, timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"PUT_URL", "UUID"}
    assert signed(body["PUT_URL"], "X-Amz-SignedHeaders") == "host"

    # What `curl -X PUT --upload-file f "$PUT_URL"` sends: the bytes, no content type.
    assert requests.put(body["PUT_URL"], data=b"seed", timeout=30).status_code == 200
    stored = stack.client("s3").get_object(Bucket=stack.outputs["bucket_name"], Key=stored_key(stack, body["UUID"]))
    assert stored["Body"].read() == b"seed"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"content_type": "application/x-msdownload", "size": 10}, 415),
        ({"content_type": "text/plain", "size": 10**12}, 413),
        ({"content_type": "text/plain", "size": "ten"}, 400),
    ],
)
def test_refusals_carry_the_error_envelope_and_cors(
    api_url: str, auth: dict[str, str], body: object, status: int
) -> None:
    response = requests.post(f"{api_url}/uploads", json=body, headers={"Origin": TEST_ORIGIN, **auth}, timeout=30)
    assert response.status_code == status
    assert response.json()["error"]["code"]
    assert response.headers["Access-Control-Allow-Origin"] == TEST_ORIGIN


def test_preflight_through_the_gateway(api_url: str) -> None:
    headers = {"Origin": TEST_ORIGIN, "Access-Control-Request-Method": "POST"}
    allowed = requests.options(f"{api_url}/uploads", headers=headers, timeout=30)
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == TEST_ORIGIN
    foreign = requests.options(f"{api_url}/uploads", headers={**headers, "Origin": "https://evil.example"}, timeout=30)
    assert foreign.status_code == 403
    assert "Access-Control-Allow-Origin" not in foreign.headers


def test_wrong_method_and_unknown_route(api_url: str, auth: dict[str, str]) -> None:
    assert requests.get(f"{api_url}/uploads", headers=auth, timeout=30).status_code == 405
    unknown = requests.get(f"{api_url}/nope", timeout=30)
    assert unknown.status_code == 403
    assert unknown.json() == {"message": "Missing Authentication Token"}
