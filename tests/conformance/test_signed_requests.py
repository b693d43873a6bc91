"""POST /signed-requests and ETag-free completion, against an S3 that checks signatures.

A client that drives S3 itself (Uppy 6) sends each request the API signed: S3 accepts them as
signed, refuses them changed, and never completes an upload onto an existing object. The API's
own completion needs no ETags from the client.
"""

from __future__ import annotations

import hashlib
import os
import re
from typing import Any

import requests

from devtools.local_stack import LocalStack
from tests.conformance.s3_answers import TIMEOUT, api_post, put, s3_error, stored_bytes, tampered_signature

MiB = 1024 * 1024
PART_SIZE = 5 * MiB
FILE = os.urandom(PART_SIZE + 1000)  # two parts: 5 MiB and 1000 bytes
CHUNKS = [FILE[:PART_SIZE], FILE[PART_SIZE:]]


def sign(api_url: str, auth: dict[str, str], **body: Any) -> dict[str, Any]:
    return api_post(api_url, "/signed-requests", body, auth)


def send(signed: dict[str, Any], data: bytes = b"") -> requests.Response:
    return requests.request(signed["method"], signed["url"], data=data, headers=signed["headers"], timeout=TIMEOUT)


def completion_xml(etags: list[str]) -> bytes:
    parts = "".join(f"<Part><PartNumber>{n}</PartNumber><ETag>{etag}</ETag></Part>" for n, etag in enumerate(etags, 1))
    return f"<CompleteMultipartUpload>{parts}</CompleteMultipartUpload>".encode()


def created_upload(api_url: str, auth: dict[str, str]) -> tuple[dict[str, Any], str]:
    """A multipart upload created the way Uppy 6 creates one: the API signs, the client sends."""
    create = sign(
        api_url,
        auth,
        operation="create_multipart_upload",
        content_type="video/mp4",
        size=len(FILE),
        part_size=PART_SIZE,
    )
    response = send(create)
    assert response.status_code == 200, response.text
    found = re.search(r"<UploadId>([^<]+)</UploadId>", response.text)
    assert found, response.text
    return create, found.group(1)


def upload_parts(api_url: str, auth: dict[str, str], key: str, upload_id: str) -> list[str]:
    etags = []
    for number, chunk in enumerate(CHUNKS, start=1):
        part = sign(api_url, auth, operation="upload_part", key=key, upload_id=upload_id, part_number=number)
        response = send(part, chunk)
        assert response.status_code == 200, response.text
        etags.append(response.headers["ETag"])
    return etags


def test_an_upload_driven_by_the_client_with_signed_requests_lands_whole(
    api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    create, upload_id = created_upload(api_url, auth)
    key = create["key"]
    etags = upload_parts(api_url, auth, key, upload_id)
    listed = send(sign(api_url, auth, operation="list_parts", key=key, upload_id=upload_id))
    assert listed.status_code == 200, listed.text
    assert listed.text.count("<Part>") == 2
    done = send(
        sign(api_url, auth, operation="complete_multipart_upload", key=key, upload_id=upload_id), completion_xml(etags)
    )
    assert done.status_code == 200, done.text
    assert hashlib.sha256(stored_bytes(stack, key)).digest() == hashlib.sha256(FILE).digest()


def test_s3_refuses_a_second_completion_onto_an_existing_key(
    api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    """The signed completion binds If-None-Match: another upload to the same key cannot replace it."""
    create, upload_id = created_upload(api_url, auth)
    key = create["key"]
    etags = upload_parts(api_url, auth, key, upload_id)
    signed = sign(api_url, auth, operation="complete_multipart_upload", key=key, upload_id=upload_id)
    assert send(signed, completion_xml(etags)).status_code == 200

    # A second upload to the same key (made here with the stack's own credentials), completed
    # with a URL the API signed for it: S3 refuses to write it over the first.
    s3 = stack.client("s3")
    bucket = stack.outputs["bucket_name"]
    second = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=second, PartNumber=1, Body=b"other bytes")["ETag"]
    again = sign(api_url, auth, operation="complete_multipart_upload", key=key, upload_id=second)
    assert s3_error(send(again, completion_xml([etag]))) == (412, "PreconditionFailed")
    assert stored_bytes(stack, key) == FILE


def test_s3_refuses_a_signed_request_that_was_changed(api_url: str, auth: dict[str, str]) -> None:
    create = sign(api_url, auth, operation="create_multipart_upload", content_type="video/mp4", size=len(FILE))
    assert s3_error(send({**create, "url": tampered_signature(create["url"])}))[0] == 403
    other_type = {**create, "headers": {"Content-Type": "text/html"}}
    assert s3_error(send(other_type))[0] == 403


def test_the_api_completes_an_upload_without_the_client_s_etags(
    api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    """What a browser does when the bucket's CORS hides ETag: it completes with the key alone."""
    upload = api_post(
        api_url,
        "/uploads/multipart",
        {"content_type": "video/mp4", "size": len(FILE), "part_size": PART_SIZE},
        auth,
    )
    for part, chunk in zip(upload["parts"], CHUNKS, strict=True):
        assert put(part["url"], chunk, part["headers"]).status_code == 200
    done = api_post(api_url, f"/uploads/multipart/{upload['upload_id']}/complete", {"key": upload["key"]}, auth)
    assert done["size"] == len(FILE)
    assert stored_bytes(stack, upload["key"]) == FILE
