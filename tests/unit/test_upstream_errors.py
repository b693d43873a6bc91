"""What S3's failures become: 503 with Retry-After when a retry may work, 502 otherwise, never 500.

S3's answers come from botocore's Stubber (parsed as the real client parses them); timeouts and
unreachable endpoints are raised where botocore's HTTP layer raises them, on a client without
retries so each test makes exactly one attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber

from tests.events import ALLOWED_ORIGIN, json_body, proxy_event
from tests.unit.conftest import BUCKET, make_config, make_signer
from upload_api.app import UploadApi
from upload_api.s3_store import Boto3ObjectStore

KEY = "uploads/0b6f3e8e-0a52-4b7c-9f53-8c1f7cbb1a52-10x5242880.mp4"  # a 10-byte, one-part plan
UPLOAD_ID = "an-upload-id"
PARTS = [{"part_number": 1, "etag": '"e1"'}]
COMPLETE_BODY = {"key": KEY, "parts": PARTS}


@dataclass(frozen=True)
class Route:
    """One S3-calling route and the S3 operation it calls first."""

    method: str
    resource: str
    parameters: dict[str, str] | None
    extra: dict[str, Any]
    first_call: str
    operation: str


CREATE = Route(
    "POST", "/uploads/multipart", None, {"body": {"content_type": "video/mp4", "size": 10}},
    "create_multipart_upload", "CreateMultipartUpload",
)  # fmt: skip
LIST = Route(
    "GET", "/uploads/multipart/{upload_id}/parts", {"upload_id": UPLOAD_ID}, {"query": {"key": KEY}},
    "list_parts", "ListParts",
)  # fmt: skip
COMPLETE = Route(
    "POST", "/uploads/multipart/{upload_id}/complete", {"upload_id": UPLOAD_ID}, {"body": COMPLETE_BODY},
    "list_parts", "ListParts",
)  # fmt: skip
ABORT = Route(
    "DELETE", "/uploads/multipart/{upload_id}", {"upload_id": UPLOAD_ID}, {"query": {"key": KEY}},
    "abort_multipart_upload", "AbortMultipartUpload",
)  # fmt: skip
DOWNLOAD = Route("GET", "/files/{key+}", {"key": KEY}, {}, "list_objects_v2", "ListObjectsV2")
ROUTES = pytest.mark.parametrize(
    "route", [CREATE, LIST, COMPLETE, ABORT, DOWNLOAD], ids=["create", "list", "complete", "abort", "download"]
)


@pytest.fixture
def s3() -> Any:
    return boto3.client(
        "s3",
        region_name="eu-west-3",
        config=BotoConfig(signature_version="s3v4", retries={"mode": "standard", "max_attempts": 1}),
    )


@pytest.fixture
def api(s3: Any) -> UploadApi:
    config = make_config(downloads_enabled=True)
    return UploadApi(config, make_signer(downloads_enabled=True), Boto3ObjectStore(bucket=BUCKET, client=lambda: s3))


@pytest.fixture
def stubber(s3: Any) -> Iterator[Stubber]:
    with Stubber(s3) as stub:
        yield stub


def call(api: UploadApi, route: Route) -> dict[str, Any]:
    event = proxy_event(route.method, route.resource, path_parameters=route.parameters, **route.extra)
    return api.handle(event)


def assert_error(response: dict[str, Any], status: int, code: str) -> None:
    assert response["statusCode"] == status
    assert json_body(response) == {"error": {"code": code, "message": json_body(response)["error"]["message"]}}
    assert response["headers"]["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert response["headers"]["Content-Type"] == "application/json"


@ROUTES
@pytest.mark.parametrize(
    ("code", "http_status"),
    [("SlowDown", 503), ("ThrottlingException", 400), ("InternalError", 500), ("ServiceUnavailable", 503)],
)
def test_throttling_and_s3_5xx_are_503_with_retry_after(
    api: UploadApi, stubber: Stubber, route: Route, code: str, http_status: int
) -> None:
    stubber.add_client_error(route.first_call, service_error_code=code, http_status_code=http_status)
    response = call(api, route)
    assert_error(response, 503, "upstream_unavailable")
    assert int(response["headers"]["Retry-After"]) >= 1
    stubber.assert_no_pending_responses()


def raise_on_send(s3: Any, failure: Exception) -> None:
    def send(**kwargs: Any) -> None:
        raise failure

    s3.meta.events.register_first("before-send.s3", send)


@ROUTES
@pytest.mark.parametrize(
    "failure",
    [
        ReadTimeoutError(endpoint_url="https://uploads-test-bucket.s3.eu-west-3.amazonaws.com/"),
        EndpointConnectionError(endpoint_url="https://uploads-test-bucket.s3.eu-west-3.amazonaws.com/"),
    ],
    ids=["read-timeout", "unreachable"],
)
def test_timeouts_and_unreachable_s3_are_503(api: UploadApi, s3: Any, route: Route, failure: Exception) -> None:
    raise_on_send(s3, failure)
    response = call(api, route)
    assert_error(response, 503, "upstream_unavailable")
    assert "Retry-After" in response["headers"]


@ROUTES
def test_access_denied_is_502_and_logged_as_a_configuration_error(
    api: UploadApi, stubber: Stubber, route: Route, caplog: pytest.LogCaptureFixture
) -> None:
    stubber.add_client_error(
        route.first_call,
        service_error_code="AccessDenied",
        service_message="User: arn:aws:sts::123:assumed-role/r/f is not authorized to perform: s3:X",
        http_status_code=403,
    )
    with caplog.at_level(logging.INFO):
        response = call(api, route)
    assert_error(response, 502, "upstream_failed")
    assert "Retry-After" not in response["headers"]
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].__dict__["operation"] == route.operation
    assert errors[0].__dict__["s3_code"] == "AccessDenied"
    logged = " ".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert "X-Amz-Signature" not in logged
    assert "https://" not in logged
    assert "assumed-role" not in logged


def test_access_denied_on_the_completion_itself_is_502(
    api: UploadApi, stubber: Stubber, caplog: pytest.LogCaptureFixture
) -> None:
    stubber.add_response(
        "list_parts",
        {"Parts": [{"PartNumber": 1, "ETag": '"e1"', "Size": 10}], "IsTruncated": False},
    )
    stubber.add_client_error("complete_multipart_upload", service_error_code="AccessDenied", http_status_code=403)
    response = call(api, COMPLETE)
    assert_error(response, 502, "upstream_failed")
    assert [record.__dict__["operation"] for record in caplog.records if record.levelno == logging.ERROR] == [
        "CompleteMultipartUpload"
    ]


@ROUTES
def test_an_unexpected_s3_answer_is_502_never_500(api: UploadApi, stubber: Stubber, route: Route) -> None:
    stubber.add_client_error(route.first_call, service_error_code="NoSuchBucket", http_status_code=404)
    assert_error(call(api, route), 502, "upstream_failed")


def test_upstream_errors_fit_the_contract(api: UploadApi, stubber: Stubber) -> None:
    from tests.unit.test_contract import schema_validator

    stubber.add_client_error("create_multipart_upload", service_error_code="SlowDown", http_status_code=503)
    schema_validator("Error").validate(json_body(call(api, CREATE)))
