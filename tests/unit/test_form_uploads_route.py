"""POST /uploads/form: an opt-in HTML form upload (a SigV4 POST policy) with POST /uploads' rules."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

import pytest

from tests.contract import load_contract
from tests.events import json_body, proxy_event
from tests.unit.conftest import BUCKET, EXPIRY, MAX_SIZE, make_api
from tests.unit.test_contract import schema_validator
from tests.unit.test_ownership import ALICE
from upload_api import uploads
from upload_api.app import UploadApi

DIGEST = base64.b64encode(b"\x01" * 32).decode()


@pytest.fixture
def api() -> UploadApi:
    return make_api(form_uploads_enabled=True)


def post(api: UploadApi, body: Any, claims: dict[str, str] | None = None) -> tuple[int, Any]:
    response = api.handle(proxy_event("POST", "/uploads/form", body=body, claims=claims))
    return response["statusCode"], json_body(response)


def policy(answer: dict[str, Any]) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.b64decode(answer["fields"]["policy"]))
    return decoded


def test_the_answer_pins_key_type_size_and_status(api: UploadApi) -> None:
    status, body = post(api, {"content_type": "image/png", "filename": "cat.PNG"})
    assert status == 201, body
    schema_validator("FormUpload").validate(body)
    assert body["url"] == f"https://{BUCKET}.s3.eu-west-3.amazonaws.com/"
    assert body["key"].startswith("uploads/")
    assert body["key"].endswith(".png")
    fields = body["fields"]
    assert fields["key"] == body["key"]
    assert fields["Content-Type"] == "image/png"
    assert fields["success_action_status"] == "201"
    assert "x-amz-checksum-sha256" not in fields
    conditions = policy(body)["conditions"]
    assert {"key": body["key"]} in conditions
    assert {"bucket": BUCKET} in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, MAX_SIZE] in conditions


def test_max_size_digest_and_redirect_are_pinned(api: UploadApi) -> None:
    redirect = "https://app.example.com/uploader/?uploaded=1"
    status, body = post(
        api, {"content_type": "text/plain", "max_size": 10, "sha256": DIGEST, "success_redirect": redirect}
    )
    assert status == 201, body
    conditions = policy(body)["conditions"]
    assert ["content-length-range", 1, 10] in conditions
    assert {"x-amz-checksum-sha256": DIGEST} in conditions
    assert {"x-amz-checksum-algorithm": "SHA256"} in conditions
    assert {"success_action_redirect": redirect} in conditions
    assert body["fields"]["success_action_redirect"] == redirect
    assert "success_action_status" not in body["fields"]


def test_the_policy_expires_with_the_deployment_s_url_expiry(api: UploadApi) -> None:
    _, body = post(api, {"content_type": "text/plain"})
    assert policy(body)["expiration"] == body["expires_at"]
    date = body["fields"]["x-amz-date"]
    signed = f"{date[:4]}-{date[4:6]}-{date[6:8]}T{date[9:11]}:{date[11:13]}:{date[13:15]}Z"
    seconds = datetime.fromisoformat(body["expires_at"]) - datetime.fromisoformat(signed)
    assert seconds.total_seconds() == EXPIRY


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"content_type": "image/png", "max_size": MAX_SIZE + 1}, 413, "too_large"),
        ({"content_type": "application/x-msdownload"}, 415, "unsupported_content_type"),
        ({"content_type": "image/png", "max_size": 0}, 400, "bad_request"),
        ({"content_type": "image/png", "max_size": True}, 400, "bad_request"),
        ({"content_type": "image/png", "size": 5}, 400, "bad_request"),
        ({}, 400, "bad_request"),
        ({"content_type": "image/png", "sha256": "abc"}, 400, "bad_request"),
    ],
)
def test_refusals(api: UploadApi, body: dict[str, Any], status: int, code: str) -> None:
    answer_status, answer = post(api, body)
    assert (answer_status, answer["error"]["code"]) == (status, code), answer
    schema_validator("Error").validate(answer)


# Well-formed URLs whose origin the deployment does not allow: 403, as a foreign CORS preflight.
FOREIGN_REDIRECTS = [
    "https://evil.example/",
    "https://app.example.com.evil.example/",
    "https://app.example.com@evil.example/",
    "http://app.example.com/",
]
# Not a usable redirect at all: 400.
MALFORMED_REDIRECTS = [
    "https://app.example.com/#x",
    'https://app.example.com/"><script>',
    "javascript:alert(1)",
    5,
    "https://app.example.com/" + "a" * 2048,
    # An unclosed IPv6 bracket: urlsplit raises on it (this was a 500).
    "https://[x",
    "https://app.example.com]/",
]


@pytest.mark.parametrize("redirect", FOREIGN_REDIRECTS)
def test_a_redirect_off_the_allowed_origins_is_refused(api: UploadApi, redirect: object) -> None:
    status, answer = post(api, {"content_type": "image/png", "success_redirect": redirect})
    assert (status, answer["error"]["code"]) == (403, "forbidden"), answer


def test_the_contract_s_redirect_pattern_is_the_function_s() -> None:
    """Brackets out of the authority in both: the contract promised what the function refused."""
    schema = load_contract()["components"]["schemas"]["FormUploadRequest"]["properties"]["success_redirect"]
    assert schema["pattern"] == f"^{uploads._REDIRECT}$"


@pytest.mark.parametrize("redirect", MALFORMED_REDIRECTS)
def test_a_malformed_redirect_is_400(api: UploadApi, redirect: object) -> None:
    status, answer = post(api, {"content_type": "image/png", "success_redirect": redirect})
    assert (status, answer["error"]["code"]) == (400, "bad_request"), answer


def test_the_route_is_off_unless_enabled() -> None:
    status, body = post(make_api(), {"content_type": "image/png"})
    assert status == 404
    assert body["error"]["code"] == "not_found"


def test_keys_are_made_under_the_caller_s_sub() -> None:
    api = make_api(form_uploads_enabled=True, auth_mode="cognito")
    status, body = post(api, {"content_type": "text/plain"}, ALICE)
    assert status == 201, body
    assert body["key"].startswith(f"uploads/{ALICE['sub']}/")
    assert {"key": body["key"]} in policy(body)["conditions"]
    assert post(api, {"content_type": "text/plain"})[0] == 401
