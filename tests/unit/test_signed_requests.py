"""POST /signed-requests: one S3 request at a time, under the other routes' rules, and no S3 call."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.events import json_body, proxy_event
from tests.unit.conftest import make_config, make_signer
from tests.unit.test_contract import schema_validator
from upload_api.app import UploadApi

ROUTE = "/signed-requests"
UUID = "0b6f3e8e-0a52-4b7c-9f53-8c1f7cbb1a52"
KEY = f"uploads/{UUID}-15728640x5242880.mp4"  # three parts of 5 MiB
CRC = base64.b64encode(bytes(range(8))).decode()


class NoS3:
    """A store that fails the test if the route calls S3."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"POST /signed-requests called S3 ({name})")


@pytest.fixture
def api() -> UploadApi:
    return UploadApi(make_config(), make_signer(), NoS3())  # type: ignore[arg-type]


def sign(api: UploadApi, **body: Any) -> tuple[int, dict[str, Any]]:
    response = api.handle(proxy_event("POST", ROUTE, body=body))
    return response["statusCode"], json_body(response)


def signed(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query, keep_blank_values=True)


def test_put_object_is_what_post_uploads_signs(api: UploadApi) -> None:
    status, answer = sign(api, operation="put_object", content_type="text/plain", size=5)
    assert status == 201, answer
    assert answer["method"] == "PUT"
    assert answer["headers"] == {"Content-Type": "text/plain", "Content-Length": "5", "If-None-Match": "*"}
    schema_validator("SignedS3Request").validate(answer)


def test_create_multipart_upload_makes_a_planned_key_and_binds_the_type(api: UploadApi) -> None:
    status, answer = sign(
        api, operation="create_multipart_upload", content_type="video/mp4", size=15 * 2**20, part_size=5 * 2**20
    )
    assert status == 201, answer
    assert (answer["method"], answer["part_count"], answer["part_size"]) == ("POST", 3, 5 * 2**20)
    assert answer["key"].endswith("-15728640x5242880")
    path, query = signed(answer["url"])
    assert path == f"/{answer['key']}"
    assert query["uploads"] == [""]
    assert "content-type" in query["X-Amz-SignedHeaders"][0]
    assert answer["headers"] == {"Content-Type": "video/mp4"}
    schema_validator("SignedS3Request").validate(answer)


def test_create_with_a_whole_file_crc64nvme_binds_algorithm_and_type(api: UploadApi) -> None:
    status, answer = sign(api, operation="create_multipart_upload", content_type="video/mp4", size=10, crc64nvme=CRC)
    assert status == 201, answer
    assert answer["headers"]["x-amz-checksum-algorithm"] == "CRC64NVME"
    assert answer["headers"]["x-amz-checksum-type"] == "FULL_OBJECT"


def test_upload_part_binds_its_planned_length_and_checksum(api: UploadApi) -> None:
    status, answer = sign(api, operation="upload_part", key=KEY, upload_id="u1", part_number=3, crc64nvme=CRC)
    assert status == 201, answer
    assert answer["method"] == "PUT"
    assert answer["headers"] == {"Content-Length": str(5 * 2**20), "x-amz-checksum-crc64nvme": CRC}
    _, query = signed(answer["url"])
    assert (query["partNumber"], query["uploadId"]) == (["3"], ["u1"])


@pytest.mark.parametrize(
    ("operation", "method"),
    [("list_parts", "GET"), ("abort_multipart_upload", "DELETE"), ("complete_multipart_upload", "POST")],
)
def test_upload_requests_for_the_caller_s_own_key(api: UploadApi, operation: str, method: str) -> None:
    status, answer = sign(api, operation=operation, key=KEY, upload_id="u1")
    assert status == 201, answer
    assert answer["method"] == method
    _, query = signed(answer["url"])
    assert query["uploadId"] == ["u1"]


def test_a_completion_is_bound_to_if_none_match(api: UploadApi) -> None:
    status, answer = sign(api, operation="complete_multipart_upload", key=KEY, upload_id="u1", crc64nvme=CRC)
    assert status == 201, answer
    assert answer["headers"] == {
        "If-None-Match": "*",
        "x-amz-checksum-crc64nvme": CRC,
        "x-amz-checksum-type": "FULL_OBJECT",
    }
    _, query = signed(answer["url"])
    assert "if-none-match" in query["X-Amz-SignedHeaders"][0].split(";")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"operation": "delete_bucket"}, 400),
        ({}, 400),
        ({"operation": "put_object", "content_type": "application/x-msdownload", "size": 5}, 415),
        ({"operation": "put_object", "content_type": "text/plain", "size": 2**40}, 413),
        ({"operation": "create_multipart_upload", "content_type": "video/mp4", "size": 2**60}, 413),
        ({"operation": "upload_part", "key": KEY, "upload_id": "u1", "part_number": 4}, 400),  # beyond the plan
        ({"operation": "upload_part", "key": KEY, "upload_id": "u1"}, 400),
        (
            {
                "operation": "upload_part",
                "key": f"uploads/someone/{UUID}-10x5242880",
                "upload_id": "u1",
                "part_number": 1,
            },
            404,
        ),
        (
            {"operation": "list_parts", "key": f"uploads/{UUID}.txt", "upload_id": "u1"},
            404,
        ),  # a single PUT's key
        ({"operation": "abort_multipart_upload", "key": "elsewhere/x", "upload_id": "u1"}, 404),
        ({"operation": "complete_multipart_upload", "key": KEY}, 400),  # no upload id
        ({"operation": "complete_multipart_upload", "key": KEY, "upload_id": "u1", "parts": []}, 400),
    ],
)
def test_what_the_other_routes_refuse_is_refused(api: UploadApi, body: dict[str, Any], status: int) -> None:
    answer_status, answer = sign(api, **body)
    assert answer_status == status, answer
