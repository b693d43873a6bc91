"""No event yields a 500, and every status a route answers is one its contract declares.

The handler is driven with generated API Gateway proxy events over every route (and routes that
do not exist), every feature on, Cognito identities good and bad, bodies from well-formed to
garbage, and an S3 that answers, refuses or fails each call. Whatever comes in:

- the answer is JSON (the error envelope for an error; empty only for 204), and never a 500;
- a 5xx comes only from S3 failing (502 ``upstream_failed``, 503 ``upstream_unavailable``) or a
  deployment S3 cannot serve (a malware scan on an unversioned bucket: 502);
- its status is one :data:`ROUTE_ERRORS` allows for the route and method, and
  :func:`test_each_operation_declares_exactly_the_statuses_its_route_can_answer` holds the
  contract (``api/openapi.yaml``) to the same table.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import hypothesis
from botocore.exceptions import ClientError, EndpointConnectionError
from hypothesis import given
from hypothesis import strategies as st

from tests.contract import load_contract
from tests.events import ALLOWED_ORIGIN, proxy_event
from tests.unit.conftest import APP_CLIENT_ID, make_config, make_signer
from upload_api.app import UploadApi
from upload_api.s3_store import Boto3ObjectStore

SUB = "0f5c2f8e-1111-4aaa-8bbb-000000000001"
PREFIX = f"uploads/{SUB}/"
UUID = "0b6f3e8e-0a52-4b7c-9f53-8c1f7cbb1a52"
KEYS = [
    f"{PREFIX}{UUID}-10485760x5242880.mp4",  # a two-part plan
    f"{PREFIX}{UUID}-10x5242880",  # a one-part plan
    f"{PREFIX}{UUID}.txt",  # a single PUT's key (no plan)
    f"uploads/0f5c2f8e-2222-4aaa-8bbb-000000000002/{UUID}-10x5242880",  # someone else's
    "uploads/../etc/passwd",
]

# The error statuses each operation can answer, beside its success. Every route checks the
# caller (401, 403), refuses a method it lacks (405) and a malformed event (400), and a bug is a
# bare 500; then each adds its own: 404 for a route switched off or a key that is not the
# caller's, 409 for a completion that contradicts S3 or a download not scanned clean, 413 and 415
# for what the deployment does not take, 502 and 503 when S3 refuses or fails.
EVERY_ROUTE = {400, 401, 403, 405, 500}
ROUTE_ERRORS: dict[tuple[str, str], set[int]] = {
    ("/upload-url", "GET"): EVERY_ROUTE | {404},
    ("/uploads", "POST"): EVERY_ROUTE | {413, 415},
    ("/uploads/form", "POST"): EVERY_ROUTE | {404, 413, 415},
    ("/uploads/multipart", "POST"): EVERY_ROUTE | {413, 415, 502, 503},
    ("/uploads/multipart/{upload_id}", "DELETE"): EVERY_ROUTE | {404, 502, 503},
    ("/uploads/multipart/{upload_id}/parts", "POST"): EVERY_ROUTE | {404, 413},
    ("/uploads/multipart/{upload_id}/parts", "GET"): EVERY_ROUTE | {404, 502, 503},
    ("/uploads/multipart/{upload_id}/complete", "POST"): EVERY_ROUTE | {404, 409, 413, 502, 503},
    ("/files/{key+}", "GET"): EVERY_ROUTE | {404, 409, 502, 503},
    ("/signed-requests", "POST"): EVERY_ROUTE | {404, 413, 415},
}
# A preflight: 204, 403 for an origin not allowed, 400 for a method the route lacks; and what any
# method the route lacks gets.
PREFLIGHT = {204, 400, 403, 404}
OTHER_METHOD = {400, 404, 405}


def test_each_operation_declares_exactly_the_statuses_its_route_can_answer() -> None:
    declared = {
        (path, method.upper()): {int(status) for status in operation["responses"] if int(status) >= 400}
        for path, item in load_contract()["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
    }
    assert declared == ROUTE_ERRORS


class FakeS3:
    """An S3 client whose every call answers, refuses or fails as the test drew it."""

    def __init__(self, outcomes: list[str], parts: list[dict[str, Any]], stored_size: int, tags: dict[str, Any]):
        self._outcomes = outcomes
        self._parts = parts
        self._stored_size = stored_size
        self._tags = tags

    def _answer(self, operation: str, success: dict[str, Any]) -> dict[str, Any]:
        outcome = self._outcomes.pop(0) if self._outcomes else "ok"
        if outcome == "ok":
            return success
        if outcome == "unreachable":
            raise EndpointConnectionError(endpoint_url="https://s3.example")
        status = {"NoSuchUpload": 404, "NoSuchKey": 404, "SlowDown": 503, "AccessDenied": 403}.get(outcome, 400)
        error = {"Error": {"Code": outcome, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}
        raise ClientError(error, operation)  # type: ignore[arg-type]

    def create_multipart_upload(self, **_: Any) -> dict[str, Any]:
        return self._answer("CreateMultipartUpload", {"UploadId": "u1"})

    def list_parts(self, **_: Any) -> dict[str, Any]:
        return self._answer("ListParts", {"Parts": self._parts, "IsTruncated": False})

    def complete_multipart_upload(self, **_: Any) -> dict[str, Any]:
        return self._answer("CompleteMultipartUpload", {"ETag": '"abc-2"'})

    def abort_multipart_upload(self, **_: Any) -> dict[str, Any]:
        return self._answer("AbortMultipartUpload", {})

    def list_objects_v2(self, Prefix: str, **_: Any) -> dict[str, Any]:
        item = {"Key": Prefix, "ETag": '"abc-2"', "Size": self._stored_size}
        return self._answer("ListObjectsV2", {"Contents": [item]})

    def head_object(self, **_: Any) -> dict[str, Any]:
        return self._answer("HeadObject", {"ContentType": "text/plain;,text/html"})

    def get_object_tagging(self, **_: Any) -> dict[str, Any]:
        return self._answer("GetObjectTagging", self._tags)


S3_OUTCOMES = st.sampled_from(["ok", "NoSuchUpload", "NoSuchKey", "SlowDown", "AccessDenied", "InvalidPart", "Odd"])
stored_parts = st.lists(
    st.fixed_dictionaries(
        {"PartNumber": st.integers(1, 3), "ETag": st.sampled_from(['"e1"', '"e2"']), "Size": st.integers(0, 6 << 20)},
        optional={"ChecksumSHA256": st.just("A" * 43 + "=")},
    ),
    max_size=3,
)
tag_answers = st.fixed_dictionaries(
    {
        "TagSet": st.lists(
            st.fixed_dictionaries(
                {
                    "Key": st.just("GuardDutyMalwareScanStatus"),
                    "Value": st.one_of(st.sampled_from(["NO_THREATS_FOUND", "THREATS_FOUND"]), st.text(max_size=20)),
                }
            ),
            max_size=1,
        )
    },
    optional={"VersionId": st.sampled_from(["v1", "null"])},
)

ID_TOKEN = {"sub": SUB, "token_use": "id", "aud": APP_CLIENT_ID}
# Most events are a signed-in caller's; the rest probe the identity checks.
claims = st.one_of(
    st.just(ID_TOKEN),
    st.just(ID_TOKEN),
    st.just(ID_TOKEN),
    st.none(),
    st.just({**ID_TOKEN, "token_use": "access"}),
    st.dictionaries(st.sampled_from(["sub", "token_use", "aud", "x"]), st.text(max_size=40)),
)
FIELDS = [
    "content_type", "size", "sha256", "filename", "max_size", "success_redirect", "part_size", "checksums",
    "key", "part_numbers", "sha256s", "parts", "other",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2**64),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["image/png", "text/plain; charset=utf-8", "video/mp4", "x/y", "A" * 43 + "=", *KEYS]),
    st.sampled_from(
        ["https://app.example.com/done", "https://[x", "https://evil.example/", "http://127.0.0.1:8080/#f"]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["part_number", "etag", "x"]), inner, max_size=3),
    ),
    max_leaves=12,
)
# Bodies near what each route takes, so the logic past validation runs too.
CONTENT_TYPES = st.sampled_from(["text/plain", "video/mp4", "image/svg+xml", "x/y"])
SIZES = st.sampled_from([1, 10, 10485760, 7 << 30])
SHA256 = st.just("A" * 43 + "=")
route_bodies: dict[tuple[str, str], st.SearchStrategy[dict[str, Any]]] = {
    ("/uploads", "POST"): st.fixed_dictionaries(
        {"content_type": CONTENT_TYPES, "size": SIZES},
        optional={"sha256": SHA256, "filename": st.sampled_from(["a.txt", "../../x", "e" * 2000])},
    ),
    ("/uploads/form", "POST"): st.fixed_dictionaries(
        {"content_type": CONTENT_TYPES},
        optional={
            "max_size": SIZES,
            "sha256": SHA256,
            "success_redirect": st.sampled_from(
                ["https://app.example.com/done", "https://evil.example/", "https://[x", "https://app.example.com/#f"]
            ),
        },
    ),
    ("/uploads/multipart", "POST"): st.fixed_dictionaries(
        {"content_type": CONTENT_TYPES, "size": SIZES},
        optional={"part_size": st.sampled_from([5 << 20, 1, 6 << 30]), "checksums": st.booleans()},
    ),
    ("/uploads/multipart/{upload_id}/parts", "POST"): st.fixed_dictionaries(
        {
            "key": st.sampled_from(KEYS),
            "part_numbers": st.one_of(
                st.lists(st.integers(1, 2), min_size=1, max_size=2, unique=True), st.lists(st.integers(0, 3))
            ),
        },
        optional={"sha256s": st.lists(SHA256, max_size=3)},
    ),
    ("/uploads/multipart/{upload_id}/complete", "POST"): st.fixed_dictionaries(
        {
            "key": st.sampled_from(KEYS),
            "parts": st.lists(
                st.fixed_dictionaries({"part_number": st.integers(1, 3), "etag": st.sampled_from(['"e1"', '"e2"'])}),
                max_size=3,
            ),
        },
        optional={"size": SIZES},
    ),
}
any_json_object = st.dictionaries(st.sampled_from(FIELDS), values, max_size=6)


def bodies(operation: tuple[str, str]) -> st.SearchStrategy[str | None]:
    """A route's own kind of body most of the time, else any JSON object, text or nothing."""
    own = route_bodies.get(operation, st.none()).map(lambda body: None if body is None else json.dumps(body))
    return st.one_of(
        own,
        own,
        own,
        any_json_object.map(json.dumps),
        st.none(),
        st.text(max_size=50),
        st.just("x" * (2 << 20)),
    )


# How the body travels: as is, base64-encoded as API Gateway does for binary types, or marked
# base64 without being so.
ENCODINGS = st.sampled_from(["plain", "plain", "plain", "base64", "not-base64"])
OPERATIONS = st.sampled_from(list(ROUTE_ERRORS))
OTHER_ROUTES = st.tuples(
    st.sampled_from([*dict.fromkeys(path for path, _ in ROUTE_ERRORS), "/nope", "/uploads/{other}"]),
    st.one_of(st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD"]), st.text(max_size=8)),
)
operations = st.one_of(OPERATIONS, OPERATIONS, OPERATIONS, OTHER_ROUTES)


@given(
    operation=operations,
    caller=claims,
    data=st.data(),
    encoding=ENCODINGS,
    upload_id=st.one_of(st.just("u1"), st.just("u1"), st.text(max_size=20)),
    key=st.one_of(st.sampled_from(KEYS), st.sampled_from(KEYS), st.text(max_size=30)),
    query=st.one_of(
        st.fixed_dictionaries({"key": st.sampled_from(KEYS)}, optional={"filename": st.just("a.txt")}),
        st.dictionaries(
            st.sampled_from(["key", "filename", "x"]), st.one_of(st.sampled_from(KEYS), st.text(max_size=20))
        ),
    ),
    origin=st.sampled_from([ALLOWED_ORIGIN, "https://evil.example", None]),
    asked_method=st.sampled_from(["GET", "POST", "PUT", ""]),
    outcomes=st.lists(st.one_of(S3_OUTCOMES, st.just("unreachable")), max_size=3),
    parts=stored_parts,
    stored_size=st.sampled_from([10, 10485760, 7]),
    tags=tag_answers,
)
def test_no_event_yields_a_500_and_every_status_is_declared(
    operation: tuple[str, str],
    caller: dict[str, str] | None,
    data: st.DataObject,
    encoding: str,
    upload_id: str,
    key: str,
    query: dict[str, str],
    origin: str | None,
    asked_method: str,
    outcomes: list[str],
    parts: list[dict[str, Any]],
    stored_size: int,
    tags: dict[str, Any],
) -> None:
    resource, method = operation
    body = data.draw(bodies(operation), label="body")
    features = {
        "auth_mode": "cognito",
        "legacy_route_enabled": True,
        "downloads_enabled": True,
        "form_uploads_enabled": True,
        "malware_scan": True,
    }
    s3 = FakeS3(list(outcomes), parts, stored_size, tags)
    store = Boto3ObjectStore(bucket=make_config().bucket, client=lambda: s3)  # type: ignore[arg-type,return-value]
    api = UploadApi(make_config(**features), make_signer(**features), store)
    headers = {} if origin is None else {"Origin": origin}
    headers["Access-Control-Request-Method"] = asked_method
    event = proxy_event(
        "GET",
        resource,
        headers=headers,
        path_parameters={"upload_id": upload_id, "key": key},
        query=query,
        claims=caller,
    )
    event["httpMethod"] = method
    if body is not None and encoding == "base64":
        body = base64.b64encode(body.encode()).decode()
    event["body"] = body
    event["isBase64Encoded"] = encoding != "plain"
    if origin is None:
        event["headers"].pop("Origin", None)
        event["multiValueHeaders"].pop("Origin", None)

    response = api.handle(event)

    status = response["statusCode"]
    hypothesis.event(f"{method if (resource, method) in ROUTE_ERRORS else 'other'} {resource} -> {status}")
    assert status != 500, response
    allowed = ROUTE_ERRORS.get((resource, method.upper()))
    if allowed is not None:
        assert status < 400 or status in allowed, (resource, method, response)
    elif method.upper() == "OPTIONS":
        assert status in PREFLIGHT, response
    else:
        assert status in OTHER_METHOD, response
    if status >= 500:
        # S3 refused or failed a call (an answer the route does not expect is 502), or the
        # deployment scans for malware in a bucket without versions (502, logged as such).
        unversioned = resource == "/files/{key+}" and tags.get("VersionId") in (None, "null")
        assert set(outcomes) - {"ok"} or unversioned, response
    if status == 204:
        assert response["body"] == ""
        return
    answer = json.loads(response["body"])
    if status >= 400:
        assert set(answer) == {"error"}, answer
        assert set(answer["error"]) == {"code", "message"}, answer
    assert response["headers"]["Vary"] == "Origin"
