"""With Cognito every key belongs to the caller: another user's uploads and files are 404."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.events import json_body, proxy_event
from tests.unit.conftest import APP_CLIENT_ID, BUCKET, make_api
from upload_api.app import UploadApi
from upload_api.downloads import served_type
from upload_api.multipart import MiB

ID_TOKEN = {"token_use": "id", "aud": APP_CLIENT_ID}
ALICE = {"sub": "0f5c2f8e-1111-4aaa-8bbb-000000000001", "cognito:username": "alice", **ID_TOKEN}
BOB = {"sub": "0f5c2f8e-2222-4aaa-8bbb-000000000002", "cognito:username": "bob", **ID_TOKEN}


@pytest.fixture
def api(s3: Any) -> UploadApi:
    return make_api(auth_mode="cognito", downloads_enabled=True)


def call(api: UploadApi, method: str, resource: str, claims: dict[str, str] | None, **kwargs: Any) -> tuple[int, Any]:
    response = api.handle(proxy_event(method, resource, claims=claims, **kwargs))
    return response["statusCode"], (json_body(response) if response["body"] else None)


def test_keys_are_made_under_the_callers_sub(api: UploadApi) -> None:
    status, body = call(api, "POST", "/uploads", ALICE, body={"content_type": "text/plain", "size": 5})
    assert status == 201
    assert body["key"].startswith(f"uploads/{ALICE['sub']}/")


@pytest.mark.parametrize("claims", [None, {}, {"sub": "../../other"}, {"sub": ""}])
def test_without_a_usable_identity_the_answer_is_401(api: UploadApi, claims: dict[str, str] | None) -> None:
    status, body = call(api, "POST", "/uploads", claims, body={"content_type": "text/plain", "size": 5})
    assert status == 401
    assert body["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("method", "resource", "path_parameters"),
    [
        ("POST", "/uploads", {}),
        ("POST", "/uploads/multipart", {}),
        ("POST", "/uploads/multipart/{upload_id}/parts", {"upload_id": "u1"}),
        ("POST", "/uploads/multipart/{upload_id}/complete", {"upload_id": "u1"}),
        ("GET", "/uploads/multipart/{upload_id}/parts", {"upload_id": "u1"}),
        ("DELETE", "/uploads/multipart/{upload_id}", {"upload_id": "u1"}),
        ("GET", "/files/{key+}", {"key": "uploads/x"}),
    ],
)
def test_identity_is_checked_before_the_body_on_every_route(
    api: UploadApi, method: str, resource: str, path_parameters: dict[str, str]
) -> None:
    """A caller without claims gets 401, not the 400 or 413 its body would earn."""
    status, body = call(api, method, resource, None, raw_body="x" * 2_000_000, path_parameters=path_parameters)
    assert (status, body["error"]["code"]) == (401, "unauthorized")
    status, body = call(
        api, method, resource, {**ALICE, "token_use": "access"}, raw_body="x", path_parameters=path_parameters
    )
    assert (status, body["error"]["code"]) == (403, "forbidden")


@pytest.mark.parametrize(
    "claims",
    [
        {**ALICE, "aud": "another0client0of0the0pool"},  # the authorizer takes any client of the pool
        {k: v for k, v in ALICE.items() if k != "aud"},
        {**ALICE, "token_use": "access"},
        {k: v for k, v in ALICE.items() if k != "token_use"},
    ],
    ids=["another-app-client", "no-aud", "access-token", "no-token-use"],
)
def test_only_id_tokens_of_the_deployment_s_app_clients_are_accepted(api: UploadApi, claims: dict[str, str]) -> None:
    status, body = call(api, "POST", "/uploads", claims, body={"content_type": "text/plain", "size": 5})
    assert status == 403
    assert body["error"]["code"] == "forbidden"


def test_another_users_upload_is_404_for_every_operation(api: UploadApi) -> None:
    status, upload = call(
        api,
        "POST",
        "/uploads/multipart",
        ALICE,
        body={"content_type": "video/mp4", "size": 6 * MiB, "part_size": 5 * MiB},
    )
    assert status == 201
    upload_id, key = upload["upload_id"], upload["key"]
    parts = "/uploads/multipart/{upload_id}/parts"
    path = {"upload_id": upload_id}
    assert call(api, "GET", parts, BOB, path_parameters=path, query={"key": key})[0] == 404
    assert call(api, "POST", parts, BOB, path_parameters=path, body={"key": key, "part_numbers": [1]})[0] == 404
    complete = {"key": key, "parts": [{"part_number": 1, "etag": '"x"'}]}
    assert (
        call(api, "POST", "/uploads/multipart/{upload_id}/complete", BOB, path_parameters=path, body=complete)[0] == 404
    )
    assert (
        call(api, "DELETE", "/uploads/multipart/{upload_id}", BOB, path_parameters=path, query={"key": key})[0] == 404
    )
    # ...while Alice still can.
    assert call(api, "GET", parts, ALICE, path_parameters=path, query={"key": key})[0] == 200
    assert (
        call(api, "DELETE", "/uploads/multipart/{upload_id}", ALICE, path_parameters=path, query={"key": key})[0] == 204
    )


def stored_file(api: UploadApi, claims: dict[str, str], content_type: str = "text/plain") -> str:
    status, body = call(api, "POST", "/uploads", claims, body={"content_type": content_type, "size": 5})
    assert status == 201
    assert requests.put(body["url"], data=b"hello", headers=body["headers"], timeout=10).status_code == 200
    return str(body["key"])


def test_downloads_only_for_the_owner(api: UploadApi) -> None:
    key = stored_file(api, ALICE)
    status, body = call(
        api, "GET", "/files/{key+}", ALICE, path_parameters={"key": key}, query={"filename": "notes.txt"}
    )
    assert status == 200
    assert body["method"] == "GET"
    query = parse_qs(urlsplit(body["url"]).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert query["response-content-disposition"] == ['attachment; filename="notes.txt"']
    assert requests.get(body["url"], timeout=10).content == b"hello"
    assert call(api, "GET", "/files/{key+}", BOB, path_parameters={"key": key})[0] == 404


@pytest.mark.parametrize(
    ("stored", "served"),
    [
        ("image/png", "image/png"),
        ("text/plain; charset=utf-8", "text/plain; charset=utf-8"),
        ('Text/Plain; Charset="UTF-8"', "text/plain; charset=utf-8"),
        ("text/plain; charset=utf-7", "text/plain"),  # not on the short list of charsets
        ("text/plain; format=flowed", "text/plain"),  # parameters are never passed through
        ("image/svg+xml", "application/octet-stream"),  # SVG runs script when rendered
        ("text/html", "application/octet-stream"),
        ("video/quicktime", "application/octet-stream"),  # not on the short safe list
    ],
)
def test_downloads_are_attachments_with_a_safe_type(s3: Any, stored: str, served: str) -> None:
    api = make_api(auth_mode="cognito", downloads_enabled=True, allowed_content_types=("image/*", "text/*", "video/*"))
    key = stored_file(api, ALICE, stored)
    status, body = call(api, "GET", "/files/{key+}", ALICE, path_parameters={"key": key})
    assert status == 200
    query = parse_qs(urlsplit(body["url"]).query)
    assert query["response-content-disposition"] == ["attachment"]
    assert query["response-content-type"] == [served]
    assert requests.get(body["url"], timeout=10).headers["Content-Type"] == served


def test_a_stored_type_with_a_list_in_its_parameters_is_served_as_its_media_type_only() -> None:
    """The legacy route binds no type, so ``text/plain;,text/html`` can be stored; it is never served."""
    assert served_type("text/plain;,text/html") == "text/plain"
    assert served_type("text/plain; charset=utf-8, text/html") == "text/plain"
    assert served_type(None) == served_type("") == "application/octet-stream"


def test_downloads_are_never_cached_and_never_re_encoded(s3: Any) -> None:
    """A PUT may carry unsigned Content-Encoding and Cache-Control, which S3 stores; the download
    URL overrides both (the conformance suite shows S3 honouring it)."""
    api = make_api(auth_mode="cognito", downloads_enabled=True)
    key = stored_file(api, ALICE)
    status, body = call(api, "GET", "/files/{key+}", ALICE, path_parameters={"key": key})
    assert status == 200
    query = parse_qs(urlsplit(body["url"]).query)
    assert query["response-cache-control"] == ["private, no-store"]
    assert query["response-content-encoding"] == ["identity"]


@pytest.mark.parametrize("filename", ['a"b.txt', "x\r\nSet-Cookie: y", "é.txt", "a" * 256])
def test_a_download_file_name_that_would_break_the_header_is_400(api: UploadApi, filename: str) -> None:
    key = stored_file(api, ALICE)
    query = {"filename": filename}
    assert call(api, "GET", "/files/{key+}", ALICE, path_parameters={"key": key}, query=query)[0] == 400


def test_a_missing_file_is_404(api: UploadApi) -> None:
    key = f"uploads/{ALICE['sub']}/0b6f3e8e-0a52-4b7c-9f53-8c1f7cbb1a52.txt"
    assert call(api, "GET", "/files/{key+}", ALICE, path_parameters={"key": key})[0] == 404


def test_downloads_are_off_unless_enabled(mocked_aws: None) -> None:
    api = make_api(auth_mode="cognito")
    assert call(api, "GET", "/files/{key+}", ALICE, path_parameters={"key": "uploads/x"})[0] == 404


def test_without_authentication_keys_share_the_prefix(mocked_aws: None) -> None:
    api = make_api(auth_mode="none")
    status, body = call(api, "POST", "/uploads", None, body={"content_type": "text/plain", "size": 5})
    assert status == 201
    assert body["key"].count("/") == 1


@pytest.mark.parametrize(
    ("tags", "status", "code"),
    [
        ([], 409, "scan_pending"),
        ([{"Key": "GuardDutyMalwareScanStatus", "Value": "THREATS_FOUND"}], 409, "not_clean"),
        ([{"Key": "GuardDutyMalwareScanStatus", "Value": "FAILED"}], 409, "not_clean"),
        ([{"Key": "GuardDutyMalwareScanStatus", "Value": "NO_THREATS_FOUND"}], 200, None),
    ],
    ids=["not-scanned-yet", "threat", "scan-failed", "clean"],
)
def test_with_the_malware_scan_only_clean_files_are_served(
    s3: Any, tags: list[dict[str, str]], status: int, code: str | None
) -> None:
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    api = make_api(auth_mode="cognito", downloads_enabled=True, malware_scan=True)
    key = stored_file(api, ALICE)
    if tags:
        s3.put_object_tagging(Bucket=BUCKET, Key=key, Tagging={"TagSet": tags})
    answer_status, body = call(api, "GET", "/files/{key+}", ALICE, path_parameters={"key": key})
    assert answer_status == status, body
    if code is not None:
        assert body["error"]["code"] == code
        assert "url" not in body


def scanned_clean(s3: Any, key: str) -> None:
    """What GuardDuty does once it found nothing (on the current version)."""
    clean = [{"Key": "GuardDutyMalwareScanStatus", "Value": "NO_THREATS_FOUND"}]
    s3.put_object_tagging(Bucket=BUCKET, Key=key, Tagging={"TagSet": clean})


def test_with_the_malware_scan_the_url_serves_the_version_that_was_scanned(s3: Any) -> None:
    """Bytes that replace a clean file after its download was signed (a form posted again, a
    legacy URL replayed) are not what the URL serves: it names the scanned version."""
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    api = make_api(auth_mode="cognito", downloads_enabled=True, malware_scan=True)
    key = stored_file(api, ALICE)
    scanned_clean(s3, key)
    scanned_version = s3.head_object(Bucket=BUCKET, Key=key)["VersionId"]
    status, body = call(api, "GET", "/files/{key+}", ALICE, path_parameters={"key": key})
    assert status == 200, body
    assert parse_qs(urlsplit(body["url"]).query)["versionId"] == [scanned_version]

    s3.put_object(Bucket=BUCKET, Key=key, Body=b"EICAR", ContentType="text/plain")  # unscanned
    assert requests.get(body["url"], timeout=10).content == b"hello"


def test_with_the_malware_scan_an_unversioned_bucket_gets_no_download(s3: Any) -> None:
    """Without versioning no URL can be bound to what was scanned: refused, and said why."""
    api = make_api(auth_mode="cognito", downloads_enabled=True, malware_scan=True)
    key = stored_file(api, ALICE)
    scanned_clean(s3, key)
    status, body = call(api, "GET", "/files/{key+}", ALICE, path_parameters={"key": key})
    assert status == 502
    assert body["error"]["code"] == "upstream_failed"
    assert "versioning" in body["error"]["message"]
