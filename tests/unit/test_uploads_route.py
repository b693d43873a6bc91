"""POST /uploads: what the signature binds, the key it makes, and every error status."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.events import ALLOWED_ORIGIN, json_body, proxy_event
from tests.unit.conftest import EXPIRY, MAX_SIZE, make_api
from upload_api.app import UploadApi

SHA256 = base64.b64encode(hashlib.sha256(b"hello").digest()).decode()
UUID4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def create(api: UploadApi, body: object, **kwargs: object) -> dict[str, object]:
    return api.handle(proxy_event("POST", "/uploads", body=body, **kwargs))  # type: ignore[arg-type]


def signed_query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def test_created_upload_has_the_contract_shape(api: UploadApi) -> None:
    response = create(api, {"content_type": "text/plain", "size": 5, "filename": "notes.TXT"})
    assert response["statusCode"] == 201
    body = json_body(response)  # type: ignore[arg-type]
    assert set(body) == {"key", "method", "url", "headers", "expires_at"}
    assert body["method"] == "PUT"
    assert re.fullmatch(rf"uploads/{UUID4}\.txt", body["key"])
    assert body["headers"] == {"Content-Type": "text/plain", "Content-Length": "5", "If-None-Match": "*"}


def test_signature_binds_type_length_and_no_overwrite(api: UploadApi) -> None:
    body = json_body(create(api, {"content_type": "image/png", "size": 1234}))  # type: ignore[arg-type]
    query = signed_query(body["url"])
    assert query["X-Amz-SignedHeaders"] == "content-length;content-type;host;if-none-match"
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Expires"] == str(EXPIRY)


def test_signature_binds_the_checksum_when_given(api: UploadApi) -> None:
    body = json_body(create(api, {"content_type": "text/plain", "size": 5, "sha256": SHA256}))  # type: ignore[arg-type]
    query = signed_query(body["url"])
    assert query["X-Amz-SignedHeaders"] == "content-length;content-type;host;if-none-match;x-amz-checksum-sha256"
    assert body["headers"]["x-amz-checksum-sha256"] == SHA256


CRC64NVME = base64.b64encode(bytes(range(8))).decode()  # the API checks the form; S3 the value


def test_signature_binds_a_crc64nvme_when_given(api: UploadApi) -> None:
    body = json_body(create(api, {"content_type": "text/plain", "size": 5, "crc64nvme": CRC64NVME}))  # type: ignore[arg-type]
    query = signed_query(body["url"])
    assert query["X-Amz-SignedHeaders"] == "content-length;content-type;host;if-none-match;x-amz-checksum-crc64nvme"
    assert body["headers"]["x-amz-checksum-crc64nvme"] == CRC64NVME


@pytest.mark.parametrize(
    "checksums",
    [{"sha256": SHA256, "crc64nvme": CRC64NVME}, {"crc64nvme": SHA256}, {"crc64nvme": 5}],
    ids=["both", "a-sha256-length", "not-a-string"],
)
def test_a_crc64nvme_that_cannot_bind_is_400(api: UploadApi, checksums: dict[str, object]) -> None:
    response = create(api, {"content_type": "text/plain", "size": 5, **checksums})
    assert response["statusCode"] == 400
    assert "crc64nvme" in json_body(response)["error"]["message"]  # type: ignore[arg-type]


def test_expires_at_matches_the_signed_expiry(api: UploadApi) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    body = json_body(create(api, {"content_type": "text/plain", "size": 5}))  # type: ignore[arg-type]
    expires_at = datetime.strptime(body["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    signed_at = datetime.strptime(signed_query(body["url"])["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before + timedelta(seconds=EXPIRY) <= expires_at <= signed_at + timedelta(seconds=EXPIRY)


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("us-east-1", "uploads-test-bucket.s3.us-east-1.amazonaws.com"),
        ("eu-west-3", "uploads-test-bucket.s3.eu-west-3.amazonaws.com"),
    ],
)
def test_urls_are_regional_and_virtual_hosted(region: str, host: str) -> None:
    api = make_api(region=region)
    url = urlsplit(json_body(create(api, {"content_type": "text/plain", "size": 5}))["url"])  # type: ignore[arg-type]
    assert url.scheme == "https"
    assert url.hostname == host
    assert signed_query(url.geturl())["X-Amz-Credential"].split("/")[2] == region


@pytest.mark.parametrize(
    ("filename", "extension"),
    [
        ("photo.PNG", ".png"),
        ("archive.tar.gz", ".gz"),
        ("../../etc/passwd", ""),
        ("..\\..\\windows\\evil.exe", ".exe"),
        (".bashrc", ""),
        ("no-extension", ""),
        ("weird.p$p", ""),
        ("long.abcdefghijklmnopq", ""),
        ("unicode.日本", ""),
        ("trailing.", ""),
        ("photo.png\n", ""),
    ],
)
def test_filename_only_lends_a_safe_extension(api: UploadApi, filename: str, extension: str) -> None:
    body = json_body(create(api, {"content_type": "text/plain", "size": 5, "filename": filename}))  # type: ignore[arg-type]
    assert re.fullmatch(rf"uploads/{UUID4}{re.escape(extension)}", body["key"])


def test_keys_are_never_reused(api: UploadApi) -> None:
    keys = {json_body(create(api, {"content_type": "text/plain", "size": 5}))["key"] for _ in range(50)}  # type: ignore[arg-type]
    assert len(keys) == 50


@pytest.mark.parametrize(
    "content_type", ["image/png", "IMAGE/PNG", "text/plain; charset=utf-8", "video/mp4", "video/webm"]
)
def test_allowed_content_types_including_wildcards(api: UploadApi, content_type: str) -> None:
    assert create(api, {"content_type": content_type, "size": 5})["statusCode"] == 201


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"content_type": "application/x-msdownload", "size": 5}, 415, "unsupported_content_type"),
        ({"content_type": "image/svg+xml", "size": 5}, 415, "unsupported_content_type"),
        ({"content_type": "text/plain", "size": MAX_SIZE + 1}, 413, "too_large"),
        ({"content_type": "text/plain", "size": 10**400}, 413, "too_large"),
        ({"size": 5}, 400, "bad_request"),
        ({"content_type": "text/plain"}, 400, "bad_request"),
        ({"content_type": "text/plain", "size": 0}, 400, "bad_request"),
        ({"content_type": "text/plain", "size": -1}, 400, "bad_request"),
        ({"content_type": "text/plain", "size": 5.5}, 400, "bad_request"),
        ({"content_type": "text/plain", "size": "5"}, 400, "bad_request"),
        ({"content_type": "text/plain", "size": True}, 400, "bad_request"),
        ({"content_type": 7, "size": 5}, 400, "bad_request"),
        ({"content_type": "text", "size": 5}, 400, "bad_request"),
        ({"content_type": "text/plain\r\nx-evil: 1", "size": 5}, 400, "bad_request"),
        ({"content_type": "text/plain\n", "size": 5}, 400, "bad_request"),
        ({"content_type": "text/plain;\u00a0charset=utf-8", "size": 5}, 400, "bad_request"),
        ({"content_type": "text/plain;\tcharset=utf-8", "size": 5}, 400, "bad_request"),
        ({"content_type": "text/plain;\u2028charset=utf-8", "size": 5}, 400, "bad_request"),
        ({"content_type": 'text/plain; name="a\x01b"', "size": 5}, 400, "bad_request"),
        ({"content_type": "text/plain", "size": 5, "sha256": "not base64!"}, 400, "bad_request"),
        ({"content_type": "text/plain", "size": 5, "sha256": base64.b64encode(b"short").decode()}, 400, "bad_request"),
        ({"content_type": "text/plain", "size": 5, "sha256": 42}, 400, "bad_request"),
        ({"content_type": "text/plain", "size": 5, "filename": ["a"]}, 400, "bad_request"),
        ({"content_type": "text/plain", "size": 5, "filename": "x" * 1025}, 400, "bad_request"),
        ({"content_type": "text/plain", "size": 5, "bucket": "someone-elses"}, 400, "bad_request"),
        ([], 400, "bad_request"),
        ("text", 400, "bad_request"),
    ],
)
def test_bad_requests_get_a_specific_error(api: UploadApi, body: object, status: int, code: str) -> None:
    response = create(api, body)
    assert response["statusCode"] == status
    error = json_body(response)["error"]  # type: ignore[arg-type]
    assert error["code"] == code
    assert error["message"]


@pytest.mark.parametrize(
    ("raw_body", "reason"),
    [
        ("", "must be a JSON object"),
        ("{", "not valid JSON"),
        ('{"size": 5, "size": 6, "content_type": "text/plain"}', "size"),
        # Every other field valid, so the refusal can only be the number itself.
        ('{"content_type": "text/plain", "size": NaN}', "NaN is not a JSON number"),
        ('{"content_type": "text/plain", "size": Infinity}', "Infinity is not a JSON number"),
        ('{"content_type": "text/plain", "size": 1e999}', "size must be a whole number"),
        ("\x00", "not valid JSON"),
    ],
)
def test_malformed_json_is_400(api: UploadApi, raw_body: str, reason: str) -> None:
    response = api.handle(proxy_event("POST", "/uploads", raw_body=raw_body))
    assert response["statusCode"] == 400
    error = json_body(response)["error"]
    assert error["code"] == "bad_request"
    assert reason in error["message"]


def test_an_oversized_request_body_is_413(api: UploadApi) -> None:
    response = create(api, {"content_type": "text/plain", "size": 5, "filename": "a" * 20_000})
    assert response["statusCode"] == 413


def test_errors_carry_cors_headers_for_allowed_origins(api: UploadApi) -> None:
    response = create(api, {"content_type": "application/x-msdownload", "size": 5})
    assert response["headers"]["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN  # type: ignore[index]
    assert response["headers"]["Vary"] == "Origin"  # type: ignore[index]


def test_foreign_origins_get_no_allow_origin_header(api: UploadApi) -> None:
    response = create(api, {"content_type": "text/plain", "size": 5}, headers={"Origin": "https://evil.example"})
    assert response["statusCode"] == 201
    assert "Access-Control-Allow-Origin" not in response["headers"]  # type: ignore[operator]
