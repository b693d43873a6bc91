"""Part URLs (with and without a per-part checksum) and download URLs: S3 accepts the request made
exactly as the API said, and S3 itself refuses every deviation, storing (or serving) nothing.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

import pytest
import requests

from devtools.deployed_function import DeployedFunction
from devtools.local_stack import LocalStack
from tests.conformance.expired_urls import answer_in_the_past, assert_expired
from tests.conformance.s3_answers import (
    TIMEOUT,
    api_post,
    put,
    s3_error,
    stored_bytes,
    tampered_signature,
    with_query,
)

MiB = 1024 * 1024
PART_SIZE = 5 * MiB
FILE = os.urandom(PART_SIZE + MiB)  # two parts: 5 MiB and 1 MiB
CHUNKS = [FILE[:PART_SIZE], FILE[PART_SIZE:]]


def b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def create(api_url: str, auth: dict[str, str], *, checksums: bool = False) -> dict[str, Any]:
    body = {
        "content_type": "application/octet-stream",
        "size": len(FILE),
        "filename": "video.bin",
        "part_size": PART_SIZE,
        "checksums": checksums,
    }
    return api_post(api_url, "/uploads/multipart", body, auth)


def parts_held(stack: LocalStack, upload: dict[str, Any]) -> list[int]:
    listed = stack.client("s3").list_parts(
        Bucket=stack.outputs["bucket_name"], Key=upload["key"], UploadId=upload["upload_id"]
    )
    return [part["PartNumber"] for part in listed.get("Parts", [])]


def complete(api_url: str, auth: dict[str, str], upload: dict[str, Any], etags: list[str]) -> dict[str, Any]:
    parts = [{"part_number": number, "etag": etag} for number, etag in enumerate(etags, start=1)]
    return api_post(
        api_url, f"/uploads/multipart/{upload['upload_id']}/complete", {"key": upload["key"], "parts": parts}, auth
    )


def test_a_multipart_upload_made_as_answered_completes_whole(
    api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    upload = create(api_url, auth)
    etags = []
    for part, chunk in zip(upload["parts"], CHUNKS, strict=True):
        response = put(part["url"], chunk, part["headers"])
        assert response.status_code == 200, response.text
        etags.append(response.headers["ETag"])
    done = complete(api_url, auth, upload, etags)
    assert done["size"] == len(FILE)
    stored = stored_bytes(stack, upload["key"])
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(FILE).hexdigest()


def test_a_checksum_bound_multipart_upload_completes_whole(
    api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    upload = create(api_url, auth, checksums=True)
    assert upload["parts"] == []  # each URL binds its part's digest: the client asks with them
    signed = api_post(
        api_url,
        f"/uploads/multipart/{upload['upload_id']}/parts",
        {"key": upload["key"], "part_numbers": [1, 2], "sha256s": [b64_sha256(chunk) for chunk in CHUNKS]},
        auth,
    )
    etags = []
    for part, chunk in zip(signed["parts"], CHUNKS, strict=True):
        assert part["headers"] == {"Content-Length": str(len(chunk)), "x-amz-checksum-sha256": b64_sha256(chunk)}
        response = put(part["url"], chunk, part["headers"])
        assert response.status_code == 200, response.text
        etags.append(response.headers["ETag"])
    done = complete(api_url, auth, upload, etags)
    assert done["size"] == len(FILE)
    assert hashlib.sha256(stored_bytes(stack, upload["key"])).digest() == hashlib.sha256(FILE).digest()


@pytest.fixture
def first_part(api_url: str, auth: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A fresh upload and the URL of its first part."""
    upload = create(api_url, auth)
    return upload, upload["parts"][0]


def test_s3_refuses_a_part_url_sent_with_another_part_number(
    first_part: tuple[dict[str, Any], dict[str, Any]], stack: LocalStack
) -> None:
    upload, part = first_part
    edited = with_query(part["url"], partNumber="2")
    assert s3_error(put(edited, CHUNKS[0], part["headers"])) == (403, "SignatureDoesNotMatch")
    assert parts_held(stack, upload) == []


def test_s3_refuses_a_part_url_sent_with_another_upload_id(
    first_part: tuple[dict[str, Any], dict[str, Any]], stack: LocalStack
) -> None:
    upload, part = first_part
    # Another real upload of the same key: the only upload id S3 would otherwise take here.
    other = stack.client("s3").create_multipart_upload(Bucket=stack.outputs["bucket_name"], Key=upload["key"])
    edited = with_query(part["url"], uploadId=other["UploadId"])
    assert s3_error(put(edited, CHUNKS[0], part["headers"])) == (403, "SignatureDoesNotMatch")
    assert parts_held(stack, upload) == []
    assert parts_held(stack, {"key": upload["key"], "upload_id": other["UploadId"]}) == []


@pytest.mark.parametrize("extra", [b"x", b"x" * MiB], ids=["one-byte-more", "one-MiB-more"])
def test_s3_refuses_a_part_with_more_bytes_than_planned(
    first_part: tuple[dict[str, Any], dict[str, Any]], stack: LocalStack, extra: bytes
) -> None:
    # The URL binds the part's planned Content-Length: a client cannot park more than it announced.
    upload, part = first_part
    headers = {name: value for name, value in part["headers"].items() if name != "Content-Length"}
    assert s3_error(put(part["url"], CHUNKS[0] + extra, headers)) == (403, "SignatureDoesNotMatch")
    assert parts_held(stack, upload) == []


def test_the_api_signs_no_part_beyond_the_plan(
    api_url: str, auth: dict[str, str], first_part: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    upload, _ = first_part
    body = {"key": upload["key"], "part_numbers": [3, 9001]}
    response = requests.post(
        f"{api_url}/uploads/multipart/{upload['upload_id']}/parts", json=body, headers=auth, timeout=TIMEOUT
    )
    assert response.status_code == 400
    assert "beyond this upload's 2 parts" in response.json()["error"]["message"]


def test_s3_refuses_a_part_url_with_a_changed_signature(
    first_part: tuple[dict[str, Any], dict[str, Any]], stack: LocalStack
) -> None:
    upload, part = first_part
    assert s3_error(put(tampered_signature(part["url"]), CHUNKS[0], part["headers"])) == (
        403,
        "SignatureDoesNotMatch",
    )
    assert parts_held(stack, upload) == []


def test_s3_refuses_other_bytes_under_a_signed_part_checksum(
    api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    upload = create(api_url, auth, checksums=True)
    signed = api_post(
        api_url,
        f"/uploads/multipart/{upload['upload_id']}/parts",
        {"key": upload["key"], "part_numbers": [1], "sha256s": [b64_sha256(CHUNKS[0])]},
        auth,
    )
    part = signed["parts"][0]
    tampered = CHUNKS[0][:-1] + bytes([CHUNKS[0][-1] ^ 1])
    assert s3_error(put(part["url"], tampered, part["headers"])) == (400, "BadDigest")
    assert parts_held(stack, upload) == []


def test_s3_refuses_a_part_url_past_its_expiry(
    auth: dict[str, str], function: DeployedFunction, stack: LocalStack
) -> None:
    body = {"content_type": "application/octet-stream", "size": len(FILE), "part_size": PART_SIZE}
    upload = answer_in_the_past(function, auth["Authorization"], "POST", "/uploads/multipart", body=body)
    part = upload["parts"][0]
    assert_expired(put(part["url"], CHUNKS[0], part["headers"]))
    assert parts_held(stack, upload) == []


@pytest.fixture(scope="module")
def stored_file(api_url: str, auth: dict[str, str]) -> dict[str, Any]:
    """A file uploaded through the API, to download."""
    data = b"download me\n"
    upload = api_post(api_url, "/uploads", {"content_type": "text/plain", "size": len(data)}, auth)
    assert put(upload["url"], data, upload["headers"]).status_code == 200
    return {"key": upload["key"], "data": data}


def download_url(api_url: str, auth: dict[str, str], key: str) -> str:
    response = requests.get(f"{api_url}/files/{key}", headers=auth, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    url: str = response.json()["url"]
    return url


def test_a_download_url_serves_the_object(api_url: str, auth: dict[str, str], stored_file: dict[str, Any]) -> None:
    response = requests.get(download_url(api_url, auth, stored_file["key"]), timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.content == stored_file["data"]


def test_s3_refuses_a_download_url_with_a_changed_signature(
    api_url: str, auth: dict[str, str], stored_file: dict[str, Any]
) -> None:
    response = requests.get(tampered_signature(download_url(api_url, auth, stored_file["key"])), timeout=TIMEOUT)
    assert s3_error(response) == (403, "SignatureDoesNotMatch")
    assert stored_file["data"] not in response.content


def test_s3_refuses_a_download_url_past_its_expiry(
    auth: dict[str, str], function: DeployedFunction, stored_file: dict[str, Any]
) -> None:
    key = stored_file["key"]
    answer = answer_in_the_past(
        function, auth["Authorization"], "GET", "/files/{key+}", path=f"/files/{key}", path_parameters={"key": key}
    )
    response = requests.get(answer["url"], timeout=TIMEOUT)
    assert_expired(response)
    assert stored_file["data"] not in response.content


def test_an_uploaded_svg_is_served_as_an_attachment_never_as_an_image(api_url: str, auth: dict[str, str]) -> None:
    # SVG is an image type the local stack allows (image/*) and a document that runs script.
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    upload = api_post(api_url, "/uploads", {"content_type": "image/svg+xml", "size": len(svg)}, auth)
    assert put(upload["url"], svg, upload["headers"]).status_code == 200
    response = requests.get(download_url(api_url, auth, upload["key"]), timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"] == "attachment"


def test_unsigned_encoding_and_caching_headers_on_a_put_are_never_served(api_url: str, auth: dict[str, str]) -> None:
    """A PUT URL binds only x-amz-* and the headers it names: S3 stores an added Content-Encoding
    or Cache-Control. The download URL signs what S3 answers with instead."""
    data = b"plain text, not gzip\n"
    upload = api_post(api_url, "/uploads", {"content_type": "text/plain", "size": len(data)}, auth)
    added = {"Content-Encoding": "gzip", "Cache-Control": "public, max-age=31536000"}
    assert put(upload["url"], data, {**upload["headers"], **added}).status_code == 200
    response = requests.get(download_url(api_url, auth, upload["key"]), timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "identity"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.content == data
