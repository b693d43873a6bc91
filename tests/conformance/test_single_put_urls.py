"""Single-PUT URLs (`POST /uploads` and the seed's `GET /upload-url`): S3 accepts the request made
exactly as the API said, and S3 itself refuses every deviation, storing nothing.

Each case uses a fresh URL and key, so no refusal depends on another test's leftovers.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
import requests

from devtools.deployed_function import DeployedFunction
from devtools.local_stack import LocalStack
from tests.conformance.expired_urls import answer_in_the_past, assert_expired
from tests.conformance.s3_answers import TIMEOUT, api_post, put, s3_error, stored_bytes, stored_keys, tampered_signature

DATA = b"conformance bytes\n" * 64
SHA256 = base64.b64encode(hashlib.sha256(DATA).digest()).decode()
REQUEST = {"content_type": "text/plain", "size": len(DATA), "sha256": SHA256, "filename": "notes.txt"}

Upload = dict[str, Any]


@pytest.fixture
def new_upload(api_url: str, auth: dict[str, str]) -> Callable[..., Upload]:
    """A fresh `POST /uploads` answer (its own key) for ``DATA``, or for the fields given."""

    def create(**fields: Any) -> Upload:
        return api_post(api_url, "/uploads", {**REQUEST, **fields}, auth)

    return create


def test_the_put_made_as_answered_is_stored(new_upload: Callable[..., Upload], stack: LocalStack) -> None:
    upload = new_upload()
    response = put(upload["url"], DATA, upload["headers"])
    assert response.status_code == 200, response.text
    assert stored_bytes(stack, upload["key"]) == DATA
    head = stack.client("s3").head_object(
        Bucket=stack.outputs["bucket_name"], Key=upload["key"], ChecksumMode="ENABLED"
    )
    assert head["ContentType"] == "text/plain"
    assert head["ChecksumSHA256"] == SHA256


# (what the client changes, S3's status, S3's error code)
DEVIATIONS: list[tuple[str, Callable[[Upload], tuple[str, bytes, dict[str, str]]], int, str]] = [
    (
        "another content type",
        lambda u: (u["url"], DATA, {**u["headers"], "Content-Type": "text/html"}),
        403,
        "SignatureDoesNotMatch",
    ),
    (
        "no content type",
        lambda u: (u["url"], DATA, {k: v for k, v in u["headers"].items() if k != "Content-Type"}),
        403,
        "SignatureDoesNotMatch",
    ),
    (
        "a longer body",
        lambda u: (u["url"], DATA + b"!", {k: v for k, v in u["headers"].items() if k != "Content-Length"}),
        403,
        "SignatureDoesNotMatch",
    ),
    (
        "a shorter body",
        lambda u: (u["url"], DATA[:-1], {k: v for k, v in u["headers"].items() if k != "Content-Length"}),
        403,
        "SignatureDoesNotMatch",
    ),
    (
        "an added unsigned header",
        lambda u: (u["url"], DATA, {**u["headers"], "x-amz-meta-owner": "someone-else"}),
        403,
        "AccessDenied",
    ),
    (
        "a changed signature",
        lambda u: (tampered_signature(u["url"]), DATA, u["headers"]),
        403,
        "SignatureDoesNotMatch",
    ),
    (
        "no If-None-Match",
        lambda u: (u["url"], DATA, {k: v for k, v in u["headers"].items() if k != "If-None-Match"}),
        403,
        "SignatureDoesNotMatch",
    ),
    (
        "other bytes of the same length under the signed checksum",
        lambda u: (u["url"], DATA[::-1], u["headers"]),
        400,
        "BadDigest",
    ),
]


@pytest.mark.parametrize(
    ("change", "status", "code"), [(d[1], d[2], d[3]) for d in DEVIATIONS], ids=[d[0] for d in DEVIATIONS]
)
def test_s3_refuses_a_put_that_strays_from_the_signature(
    new_upload: Callable[..., Upload],
    stack: LocalStack,
    change: Callable[[Upload], tuple[str, bytes, dict[str, str]]],
    status: int,
    code: str,
) -> None:
    upload = new_upload()
    url, data, headers = change(upload)
    assert s3_error(put(url, data, headers)) == (status, code)
    assert stored_keys(stack, upload["key"]) == []


def test_s3_refuses_a_second_put_to_the_same_key(new_upload: Callable[..., Upload], stack: LocalStack) -> None:
    upload = new_upload()
    assert put(upload["url"], DATA, upload["headers"]).status_code == 200
    # The same URL again, with other bytes of the same length and digest-free headers: the
    # signed If-None-Match: * makes S3 refuse before anything is replaced.
    assert s3_error(put(upload["url"], DATA, upload["headers"])) == (412, "PreconditionFailed")
    assert stored_bytes(stack, upload["key"]) == DATA


def test_s3_refuses_a_url_past_its_expiry(auth: dict[str, str], function: DeployedFunction, stack: LocalStack) -> None:
    upload = answer_in_the_past(function, auth["Authorization"], "POST", "/uploads", body=REQUEST)
    assert_expired(put(upload["url"], DATA, upload["headers"]))
    assert stored_keys(stack, upload["key"]) == []


def test_the_seed_url_takes_a_plain_curl_put(api_url: str, auth: dict[str, str], stack: LocalStack) -> None:
    answer = api_get_seed(api_url, auth)
    assert put(answer["PUT_URL"], b"seed bytes").status_code == 200
    key = seed_key(stack, answer["UUID"])
    assert stored_bytes(stack, key) == b"seed bytes"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda url: (tampered_signature(url), {}), "SignatureDoesNotMatch"),
        (lambda url: (url, {"x-amz-meta-owner": "someone-else"}), "AccessDenied"),
    ],
    ids=["a changed signature", "an added unsigned header"],
)
def test_s3_refuses_a_seed_put_that_strays(
    api_url: str,
    auth: dict[str, str],
    stack: LocalStack,
    change: Callable[[str], tuple[str, dict[str, str]]],
    code: str,
) -> None:
    answer = api_get_seed(api_url, auth)
    url, headers = change(answer["PUT_URL"])
    assert s3_error(put(url, b"seed bytes", headers)) == (403, code)
    assert not [key for key in all_keys(stack) if key.endswith(f"/{answer['UUID']}")]


def test_s3_refuses_a_seed_url_past_its_expiry(
    auth: dict[str, str], function: DeployedFunction, stack: LocalStack
) -> None:
    answer = answer_in_the_past(function, auth["Authorization"], "GET", "/upload-url")
    assert_expired(put(answer["PUT_URL"], b"seed bytes"))
    assert not [key for key in all_keys(stack) if key.endswith(f"/{answer['UUID']}")]


def api_get_seed(api_url: str, auth: dict[str, str]) -> dict[str, str]:
    response = requests.get(f"{api_url}/upload-url", headers=auth, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    answer: dict[str, str] = response.json()
    return answer


def all_keys(stack: LocalStack) -> list[str]:
    listed = stack.client("s3").list_objects_v2(Bucket=stack.outputs["bucket_name"])
    return [item["Key"] for item in listed.get("Contents", [])]


def seed_key(stack: LocalStack, name: str) -> str:
    return next(key for key in all_keys(stack) if key.endswith(f"/{name}"))
