"""Routes, methods, CORS preflight, the seed's route, and events that are not what they should be."""

from __future__ import annotations

import base64
import json
import logging
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.events import ALLOWED_ORIGIN, json_body, proxy_event
from tests.unit.conftest import make_api
from upload_api.app import UploadApi
from upload_api.signer import PutConstraints, SignedRequest


def test_unknown_route_is_404(api: UploadApi) -> None:
    response = api.handle(proxy_event("GET", "/nope"))
    assert response["statusCode"] == 404
    assert json_body(response)["error"]["code"] == "not_found"
    assert response["headers"]["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN


@pytest.mark.parametrize(("method", "resource"), [("GET", "/uploads"), ("DELETE", "/uploads"), ("POST", "/upload-url")])
def test_wrong_method_is_405_with_allow(api: UploadApi, method: str, resource: str) -> None:
    response = api.handle(proxy_event(method, resource))
    assert response["statusCode"] == 405
    assert json_body(response)["error"]["code"] == "method_not_allowed"
    assert "OPTIONS" in response["headers"]["Allow"]


def test_preflight_from_an_allowed_origin(api: UploadApi) -> None:
    event = proxy_event("OPTIONS", "/uploads", headers={"Access-Control-Request-Method": "POST"})
    response = api.handle(event)
    assert response["statusCode"] == 204
    headers = response["headers"]
    assert headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert headers["Access-Control-Allow-Methods"] == "POST,OPTIONS"
    assert "content-type" in headers["Access-Control-Allow-Headers"]
    assert headers["Vary"] == "Origin"


def test_preflight_from_a_foreign_origin_is_refused(api: UploadApi) -> None:
    event = proxy_event(
        "OPTIONS", "/uploads", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    response = api.handle(event)
    assert response["statusCode"] == 403
    assert "Access-Control-Allow-Origin" not in response["headers"]


def test_preflight_for_a_method_the_route_lacks_is_400(api: UploadApi) -> None:
    event = proxy_event("OPTIONS", "/uploads", headers={"Access-Control-Request-Method": "DELETE"})
    assert api.handle(event)["statusCode"] == 400


def test_the_seed_route_answers_the_seed_shape(api: UploadApi) -> None:
    response = api.handle(proxy_event("GET", "/upload-url"))
    assert response["statusCode"] == 200
    body = json_body(response)
    assert set(body) == {"PUT_URL", "UUID"}
    url = urlsplit(body["PUT_URL"])
    assert url.path == f"/uploads/{body['UUID']}"
    assert parse_qs(url.query)["X-Amz-SignedHeaders"] == ["host"]
    assert re.fullmatch(r"[0-9a-f-]{36}", body["UUID"])


def test_the_seed_route_is_404_when_switched_off() -> None:
    api = make_api(legacy_route_enabled=False)
    assert api.handle(proxy_event("GET", "/upload-url"))["statusCode"] == 404


def test_base64_bodies_are_decoded(api: UploadApi) -> None:
    event = proxy_event("POST", "/uploads")
    event["body"] = base64.b64encode(json.dumps({"content_type": "text/plain", "size": 5}).encode()).decode()
    event["isBase64Encoded"] = True
    assert api.handle(event)["statusCode"] == 201


def _event_with(**changes: Any) -> dict[str, Any]:
    event = proxy_event("POST", "/uploads", body={"content_type": "text/plain", "size": 5})
    event.update(changes)
    return event


MALFORMED_EVENTS: list[Any] = [
    None,
    [],
    "GET /uploads",
    {},
    {"httpMethod": "POST"},
    {"resource": "/uploads"},
    _event_with(httpMethod=None),
    _event_with(httpMethod=7),
    _event_with(resource=None, path=None),
    _event_with(resource="uploads"),
    _event_with(headers=None, multiValueHeaders=None),
    _event_with(headers="Origin: x", multiValueHeaders=[1, 2]),
    _event_with(headers={"Origin": None, 7: "x"}, multiValueHeaders={"Origin": [None], "x": []}),
    _event_with(body=None),
    _event_with(body=12),
    _event_with(body={"content_type": "text/plain"}),
    _event_with(body="not base64 at all!!", isBase64Encoded=True),
    _event_with(body=base64.b64encode(b"\xff\xfe").decode(), isBase64Encoded=True),
    _event_with(body='{"content_type": "text/plain", "size": ' + "9" * 5000 + "}"),
    _event_with(body='{"content_type": "text/plain", "size": 1' + "0" * 400 + "}"),
    _event_with(body="[" * 100_000),
    _event_with(body='{"content_type": "テキスト/プレーン", "size": 5}'),
    _event_with(body='{"content_type": "text/plain", "size": 5, "filename": "\\ud800"}'),
    _event_with(body="\ud800"),
    _event_with(body='{"content_type": null, "size": null}'),
    _event_with(httpMethod="OPTIONS", headers={}, multiValueHeaders={}),
]


@pytest.mark.parametrize("event", MALFORMED_EVENTS)
def test_odd_events_never_reach_the_500_path(api: UploadApi, event: Any, caplog: pytest.LogCaptureFixture) -> None:
    response = api.handle(event)
    # Some of these are odd but valid (API Gateway sends null headers when there are none).
    assert response["statusCode"] < 500, response
    if response["statusCode"] >= 400:
        assert json_body(response)["error"]["code"] != "internal_error"
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


class ExplodingSigner:
    def sign_put(self, key: str, constraints: PutConstraints | None = None) -> SignedRequest:
        raise RuntimeError("secret internals https://bucket/key?X-Amz-Signature=abc")


def test_an_unexpected_failure_is_a_bare_500_logged_with_the_request_id(caplog: pytest.LogCaptureFixture) -> None:
    from tests.unit.conftest import make_config

    api = UploadApi(make_config(), ExplodingSigner(), store=None)  # type: ignore[arg-type]
    event = proxy_event("POST", "/uploads", body={"content_type": "text/plain", "size": 5}, request_id="req-42")
    with caplog.at_level(logging.ERROR):
        response = api.handle(event)
    assert response["statusCode"] == 500
    assert "secret" not in response["body"]
    assert json_body(response)["error"]["code"] == "internal_error"
    assert response["headers"]["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert [record.correlation_id for record in caplog.records] == ["req-42"]  # type: ignore[attr-defined]


def test_every_record_of_a_request_carries_api_gateway_s_request_id(
    api: UploadApi, caplog: pytest.LogCaptureFixture
) -> None:
    """Function logs join API Gateway's access logs (and the caller's x-amzn-RequestId) on it."""
    signed = proxy_event("POST", "/uploads", body={"content_type": "text/plain", "size": 5}, request_id="gw-1")
    refused = proxy_event("POST", "/uploads", body={"content_type": "bad/type", "size": 5}, request_id="gw-2")
    unusable = proxy_event("GET", "/upload-url", request_id="gw-3\nforged")
    with caplog.at_level(logging.INFO, logger="upload_api"):
        api.handle(signed)
        api.handle(refused)
        api.handle(unusable)
    assert [getattr(record, "correlation_id", None) for record in caplog.records] == ["gw-1", "gw-2", None]


def test_logs_never_hold_a_url_or_signature(api: UploadApi, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        api.handle(proxy_event("POST", "/uploads", body={"content_type": "text/plain", "size": 5}))
        api.handle(proxy_event("GET", "/upload-url"))
        api.handle(proxy_event("POST", "/uploads", body={"content_type": "bad/type", "size": 5}))
    logged = " ".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert caplog.records
    assert "X-Amz-Signature" not in logged
    assert "https://" not in logged
