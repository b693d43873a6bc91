"""Whole-file integrity with CRC64NVME: S3 checks what the API bound, and refuses what differs.

A single PUT binds the file's CRC64NVME like a SHA-256. A multipart upload created with the whole
file's CRC64NVME binds each part's on its URL, and completion hands S3 the whole-file value,
which S3 checks against the assembled object (``x-amz-checksum-type: FULL_OBJECT``), whatever the
part size. S3 stores a CRC64NVME for every new object, so the client can compare it afterwards.
"""

from __future__ import annotations

import os
from typing import Any

import requests
from awscrt.checksums import crc64nvme

from devtools.local_stack import LocalStack
from presigned_upload.crc64nvme import to_base64
from tests.conformance.s3_answers import TIMEOUT, api_post, put, s3_error, stored_bytes, stored_keys

MiB = 1024 * 1024
PART_SIZE = 5 * MiB
FILE = os.urandom(2 * PART_SIZE + 123)  # three parts: 5 MiB, 5 MiB and 123 bytes
CHUNKS = [FILE[:PART_SIZE], FILE[PART_SIZE : 2 * PART_SIZE], FILE[2 * PART_SIZE :]]
OTHER = to_base64(crc64nvme(b"other bytes"))


def crc(data: bytes) -> str:
    return to_base64(crc64nvme(data))


def stored_crc64nvme(stack: LocalStack, key: str) -> str:
    """The CRC64NVME S3 stores with the object (asked for with ChecksumMode)."""
    head = stack.client("s3").head_object(Bucket=stack.outputs["bucket_name"], Key=key, ChecksumMode="ENABLED")
    value: str = head["ChecksumCRC64NVME"]
    return value


def upload_parts(api_url: str, auth: dict[str, str], whole: str, chunks: list[bytes]) -> tuple[dict[str, Any], list]:
    """Create an upload announcing ``whole``, and PUT ``chunks`` as its parts with their CRCs bound."""
    upload = api_post(
        api_url,
        "/uploads/multipart",
        {"content_type": "application/octet-stream", "size": len(FILE), "part_size": PART_SIZE, "crc64nvme": whole},
        auth,
    )
    assert (upload["parts"], upload["crc64nvme"]) == ([], whole)
    signed = api_post(
        api_url,
        f"/uploads/multipart/{upload['upload_id']}/parts",
        {"key": upload["key"], "part_numbers": [1, 2, 3], "crc64nvmes": [crc(chunk) for chunk in chunks]},
        auth,
    )
    parts = []
    for part, chunk in zip(signed["parts"], chunks, strict=True):
        assert part["headers"]["x-amz-checksum-crc64nvme"] == crc(chunk)
        response = put(part["url"], chunk, part["headers"])
        assert response.status_code == 200, response.text
        parts.append({"part_number": part["part_number"], "etag": response.headers["ETag"]})
    return upload, parts


def completion(api_url: str, auth: dict[str, str], upload: dict[str, Any], parts: list, whole: str | None):
    body: dict[str, Any] = {"key": upload["key"], "parts": parts}
    if whole is not None:
        body["crc64nvme"] = whole
    return requests.post(
        f"{api_url}/uploads/multipart/{upload['upload_id']}/complete", json=body, headers=auth, timeout=TIMEOUT
    )


def test_s3_accepts_the_whole_file_crc64nvme_and_stores_it(
    api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    upload, parts = upload_parts(api_url, auth, crc(FILE), CHUNKS)
    response = completion(api_url, auth, upload, parts, crc(FILE))
    assert response.status_code == 200, response.text
    assert response.json()["crc64nvme"] == crc(FILE)
    assert stored_bytes(stack, upload["key"]) == FILE
    assert stored_crc64nvme(stack, upload["key"]) == crc(FILE)


def test_s3_refuses_a_completion_whose_bytes_differ_from_the_announced_crc64nvme(
    api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    """Each part is what its URL bound, but the whole is not the file announced: nothing is stored."""
    upload, parts = upload_parts(api_url, auth, OTHER, CHUNKS)
    response = completion(api_url, auth, upload, parts, OTHER)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "bad_request"
    assert "crc64nvme" in response.json()["error"]["message"].lower()
    assert stored_keys(stack, upload["key"]) == []


def test_s3_refuses_a_part_that_differs_from_its_bound_crc64nvme(api_url: str, auth: dict[str, str]) -> None:
    upload = api_post(
        api_url,
        "/uploads/multipart",
        {"content_type": "application/octet-stream", "size": len(FILE), "part_size": PART_SIZE, "crc64nvme": crc(FILE)},
        auth,
    )
    signed = api_post(
        api_url,
        f"/uploads/multipart/{upload['upload_id']}/parts",
        {"key": upload["key"], "part_numbers": [3], "crc64nvmes": [crc(CHUNKS[2])]},
        auth,
    )
    changed = bytes([CHUNKS[2][0] ^ 1]) + CHUNKS[2][1:]
    response = put(signed["parts"][0]["url"], changed, signed["parts"][0]["headers"])
    assert s3_error(response) == (400, "BadDigest")


def test_a_completion_of_such_an_upload_without_its_crc64nvme_is_refused_by_the_api(
    api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    upload, parts = upload_parts(api_url, auth, crc(FILE), CHUNKS)
    response = completion(api_url, auth, upload, parts, None)
    assert response.status_code == 400, response.text
    assert stored_keys(stack, upload["key"]) == []


def test_s3_checks_a_single_put_s_crc64nvme_and_answers_the_stored_one(
    api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    data = os.urandom(1000)
    refused = api_post(api_url, "/uploads", {"content_type": "text/plain", "size": len(data), "crc64nvme": OTHER}, auth)
    assert s3_error(put(refused["url"], data, refused["headers"])) == (400, "BadDigest")
    assert stored_keys(stack, refused["key"]) == []

    upload = api_post(
        api_url, "/uploads", {"content_type": "text/plain", "size": len(data), "crc64nvme": crc(data)}, auth
    )
    response = put(upload["url"], data, upload["headers"])
    assert response.status_code == 200, response.text
    assert response.headers["x-amz-checksum-crc64nvme"] == crc(data)


def test_s3_stores_a_crc64nvme_for_an_upload_that_bound_none(
    api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    """Why a client can compare even an upload made before CRC64NVME was bound: S3 stores one."""
    data = os.urandom(1000)
    upload = api_post(api_url, "/uploads", {"content_type": "text/plain", "size": len(data)}, auth)
    response = put(upload["url"], data, upload["headers"])
    assert response.status_code == 200, response.text
    assert response.headers["x-amz-checksum-crc64nvme"] == crc(data)
    assert stored_crc64nvme(stack, upload["key"]) == crc(data)
