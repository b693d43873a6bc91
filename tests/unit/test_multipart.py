"""Multipart uploads against moto's in-process S3: plan, sign in pages, resume, complete, abort."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.events import json_body, proxy_event
from tests.unit.conftest import BUCKET, MULTIPART_MAX_SIZE
from upload_api.app import UploadApi
from upload_api.errors import BadRequest, NotFound
from upload_api.multipart import MAX_PARTS, MiB, plan_parts
from upload_api.s3_store import Boto3ObjectStore, KeyTaken, StoredObject, StoredPart, StoredUpload

UPLOAD = "/uploads/multipart"
PARTS = "/uploads/multipart/{upload_id}/parts"
COMPLETE = "/uploads/multipart/{upload_id}/complete"
ABORT = "/uploads/multipart/{upload_id}"


def call(api: UploadApi, method: str, resource: str, upload_id: str | None = None, **kwargs: Any) -> tuple[int, Any]:
    parameters = {"upload_id": upload_id} if upload_id is not None else None
    response = api.handle(proxy_event(method, resource, path_parameters=parameters, **kwargs))
    return response["statusCode"], (json_body(response) if response["body"] else None)


def create(api: UploadApi, **body: Any) -> dict[str, Any]:
    status, answer = call(api, "POST", UPLOAD, body={"content_type": "video/mp4", **body})
    assert status == 201, answer
    return answer  # type: ignore[no-any-return]


def put_parts(upload: dict[str, Any], data: bytes) -> list[dict[str, Any]]:
    size = upload["part_size"]
    done = []
    for part in upload["parts"]:
        chunk = data[(part["part_number"] - 1) * size : part["part_number"] * size]
        response = requests.put(part["url"], data=chunk, headers=part["headers"], timeout=10)
        assert response.status_code == 200
        done.append({"part_number": part["part_number"], "etag": response.headers["ETag"]})
    return done


@pytest.mark.parametrize(
    ("size", "asked", "part_size", "part_count"),
    [
        (1, None, 8 * MiB, 1),
        (17 * MiB, 5 * MiB, 5 * MiB, 4),
        (17 * MiB, None, 8 * MiB, 3),
        (10_000 * 8 * MiB + 1, None, 9 * MiB, 8_889),
        (MAX_PARTS * 5 * 1024 * MiB, None, 5 * 1024 * MiB, MAX_PARTS),
    ],
)
def test_part_plans(size: int, asked: int | None, part_size: int, part_count: int) -> None:
    plan = plan_parts(size, asked)
    assert (plan.part_size, plan.part_count) == (part_size, part_count)
    assert plan.part_count <= MAX_PARTS


@pytest.mark.parametrize(
    ("size", "asked"), [(10, 5 * MiB - 1), (10, 5 * 1024 * MiB + 1), (10_000 * 5 * MiB + 1, 5 * MiB)]
)
def test_part_sizes_s3_cannot_take_are_refused(size: int, asked: int) -> None:
    with pytest.raises(BadRequest):
        plan_parts(size, asked)


def test_create_signs_the_first_page(api: UploadApi, s3: Any) -> None:
    upload = create(api, size=17 * MiB, part_size=5 * MiB, filename="film.MP4")
    assert upload["key"].startswith("uploads/")
    assert upload["key"].endswith(".mp4")
    assert (upload["part_count"], upload["next_part"], upload["checksums"]) == (4, None, False)
    assert [part["part_number"] for part in upload["parts"]] == [1, 2, 3, 4]
    query = parse_qs(urlsplit(upload["parts"][1]["url"]).query)
    assert query["partNumber"] == ["2"]
    assert query["uploadId"] == [upload["upload_id"]]
    # Each part URL binds its exact length: 5, 5, 5 and the 2 MiB left.
    assert query["X-Amz-SignedHeaders"] == ["content-length;host"]
    assert [part["headers"] for part in upload["parts"]] == [{"Content-Length": str(n * MiB)} for n in (5, 5, 5, 2)]
    assert query["X-Amz-Expires"] == ["300"]


def test_a_whole_upload_completes_into_one_object(api: UploadApi, s3: Any) -> None:
    data = bytes(range(256)) * (11 * MiB // 256)
    upload = create(api, size=len(data), part_size=5 * MiB)
    parts = put_parts(upload, data)

    status, listed = call(api, "GET", PARTS, upload["upload_id"], query={"key": upload["key"]})
    assert status == 200
    assert [(p["part_number"], p["size"]) for p in listed["parts"]] == [(1, 5 * MiB), (2, 5 * MiB), (3, MiB)]

    status, done = call(api, "POST", COMPLETE, upload["upload_id"], body={"key": upload["key"], "parts": parts})
    assert status == 200, done
    assert done["size"] == len(data)
    stored = s3.get_object(Bucket=BUCKET, Key=upload["key"])
    assert hashlib.sha256(stored["Body"].read()).digest() == hashlib.sha256(data).digest()
    assert stored["ContentType"] == "video/mp4"


def test_checksums_bind_each_part_digest(api: UploadApi, s3: Any) -> None:
    upload = create(api, size=6 * MiB, part_size=5 * MiB, checksums=True)
    assert (upload["parts"], upload["next_part"]) == ([], 1)
    body = {"key": upload["key"], "part_numbers": [1, 2], "sha256s": ["A" * 43 + "=", "B" * 43 + "="]}
    status, signed = call(api, "POST", PARTS, upload["upload_id"], body=body)
    assert status == 200, signed
    query = parse_qs(urlsplit(signed["parts"][0]["url"]).query)
    assert query["X-Amz-SignedHeaders"] == ["content-length;host;x-amz-checksum-sha256"]
    assert signed["parts"][1]["headers"] == {"Content-Length": str(MiB), "x-amz-checksum-sha256": "B" * 43 + "="}
    mismatched = {**body, "sha256s": ["A" * 43 + "="]}
    assert call(api, "POST", PARTS, upload["upload_id"], body=mismatched)[0] == 400
    not_base64 = {**body, "sha256s": ["A" * 43 + "=", "nope"]}
    assert call(api, "POST", PARTS, upload["upload_id"], body=not_base64)[0] == 400


def test_ten_thousand_parts_are_signed_across_pages_each_once(api: UploadApi, s3: Any) -> None:
    upload = create(api, size=MAX_PARTS * 5 * MiB, part_size=5 * MiB)
    assert upload["part_count"] == MAX_PARTS
    urls = {part["part_number"]: part["url"] for part in upload["parts"]}
    next_part = upload["next_part"]
    while next_part is not None:
        page = list(range(next_part, min(next_part + 1000, MAX_PARTS + 1)))
        status, signed = call(
            api, "POST", PARTS, upload["upload_id"], body={"key": upload["key"], "part_numbers": page}
        )
        assert status == 200
        for part in signed["parts"]:
            assert part["part_number"] not in urls
            urls[part["part_number"]] = part["url"]
        next_part = page[-1] + 1 if page[-1] < MAX_PARTS else None
    assert sorted(urls) == list(range(1, MAX_PARTS + 1))
    assert len(set(urls.values())) == MAX_PARTS


def test_abort_leaves_nothing_behind(api: UploadApi, s3: Any) -> None:
    upload = create(api, size=6 * MiB, part_size=5 * MiB)
    put_parts({**upload, "parts": upload["parts"][:1]}, b"x" * 5 * MiB)
    status, body = call(api, "DELETE", ABORT, upload["upload_id"], query={"key": upload["key"]})
    assert (status, body) == (204, None)
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    status, _ = call(api, "GET", PARTS, upload["upload_id"], query={"key": upload["key"]})
    assert status == 404


@pytest.fixture
def two_parts(api: UploadApi, s3: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    upload = create(api, size=6 * MiB, part_size=5 * MiB)
    return upload, put_parts(upload, b"y" * 6 * MiB)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda parts: [parts[0], {**parts[1], "etag": '"0123456789abcdef"'}], "ETag does not match"),
        (lambda parts: [parts[1]], "missing: 1"),
        (lambda parts: [parts[0]], "leaves out"),
        (lambda parts: [parts[0], parts[0], parts[1]], "listed twice"),
        (lambda parts: [*parts, {"part_number": 3, "etag": '"abc"'}], "part 3 is not in S3"),
        (lambda parts: [], "non-empty"),
        (lambda parts: [{"part_number": "1", "etag": parts[0]["etag"]}], "whole numbers"),
    ],
)
def test_bad_completions_are_400_with_the_reason(
    api: UploadApi, two_parts: tuple[dict[str, Any], list[dict[str, Any]]], change: Any, reason: str
) -> None:
    upload, parts = two_parts
    body = {"key": upload["key"], "parts": change(parts)}
    status, answer = call(api, "POST", COMPLETE, upload["upload_id"], body=body)
    assert status == 400
    assert reason in answer["error"]["message"]


@pytest.mark.parametrize(
    ("upload_id", "key"),
    [
        ("no-such-upload", None),
        ("../../etc", None),
        ("x" * 2000, None),
        (None, "uploads/../secret.txt"),
        (None, "elsewhere/0b6f3e8e-0a52-4b7c-9f53-8c1f7cbb1a52.mp4"),
        # An existing upload id with another well-formed key is 404 on S3 (NoSuchUpload), but
        # moto's ListParts ignores the key, so that case cannot be shown here.
    ],
)
def test_unknown_uploads_and_foreign_keys_are_404(
    api: UploadApi, two_parts: tuple[dict[str, Any], list[dict[str, Any]]], upload_id: str | None, key: str | None
) -> None:
    upload, parts = two_parts
    chosen_id, chosen_key = upload_id or upload["upload_id"], key or upload["key"]
    assert call(api, "GET", PARTS, chosen_id, query={"key": chosen_key})[0] == 404
    assert call(api, "POST", COMPLETE, chosen_id, body={"key": chosen_key, "parts": parts})[0] == 404
    assert call(api, "DELETE", ABORT, chosen_id, query={"key": chosen_key})[0] == 404
    # Signing asks S3 nothing: an id that could be S3's gets URLs that S3 refuses (test below);
    # a key that is not the caller's, or an id no S3 upload can have, is still 404.
    signed = call(api, "POST", PARTS, chosen_id, body={"key": chosen_key, "part_numbers": [1]})[0]
    assert signed == (404 if key is not None or len(chosen_id) > 1024 else 200)


def test_a_part_url_binds_the_upload_id_it_was_signed_for(
    api: UploadApi, two_parts: tuple[dict[str, Any], list[dict[str, Any]]]
) -> None:
    # The id is in the signed query, so the URL only ever reaches that upload; S3 answers one it
    # does not hold for the key with 404 NoSuchUpload. (moto cannot show that: its UploadPart
    # raises KeyError for an unknown id; the signature-checking S3 suite covers S3's refusal.)
    upload, _ = two_parts
    body = {"key": upload["key"], "part_numbers": [1]}
    status, signed = call(api, "POST", PARTS, "no-such-upload", body=body)
    assert status == 200
    query = parse_qs(urlsplit(signed["parts"][0]["url"]).query)
    assert query["uploadId"] == ["no-such-upload"]
    assert query["partNumber"] == ["1"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"content_type": "video/mp4", "size": MULTIPART_MAX_SIZE + 1}, 413),
        ({"content_type": "application/x-msdownload", "size": 10}, 415),
        ({"content_type": "video/mp4", "size": 10, "part_size": 1024}, 400),
        ({"content_type": "video/mp4", "size": 10, "part_size": "big"}, 400),
        ({"content_type": "video/mp4", "size": 10, "checksums": "yes"}, 400),
        ({"content_type": "video/mp4", "size": 10, "parts": 3}, 400),
    ],
)
def test_bad_creates(api: UploadApi, s3: Any, body: dict[str, Any], status: int) -> None:
    assert call(api, "POST", UPLOAD, body=body)[0] == status


@pytest.mark.parametrize("part_numbers", [[], [0], [10_001], [1, 1], list(range(1, 1002)), "1", [True], None])
def test_bad_part_number_pages(api: UploadApi, two_parts: tuple[dict[str, Any], Any], part_numbers: Any) -> None:
    upload, _ = two_parts
    body = {"key": upload["key"], "part_numbers": part_numbers}
    assert call(api, "POST", PARTS, upload["upload_id"], body=body)[0] == 400


class FakeStore:
    """S3's record of one upload, held in memory, for completions too big for moto's memory."""

    def __init__(self, part_count: int, part_size: int) -> None:
        self.parts = tuple(StoredPart(number, f'"etag-{number}"', part_size) for number in range(1, part_count + 1))
        self.aborted = False
        self.completed: list[StoredPart] = []
        self.calls: list[str] = []

    def create(self, key: str, content_type: str, checksum_algorithm: str | None) -> str:
        self.calls.append("create")
        return "fake-upload"

    def describe(self, key: str, upload_id: str) -> StoredUpload:
        self.calls.append("describe")
        return StoredUpload(self.parts)

    def complete(
        self, key: str, upload_id: str, parts: list[StoredPart], crc64nvme_base64: str | None = None
    ) -> StoredObject:
        self.calls.append("complete")
        self.completed = parts
        return StoredObject(key, '"final-etag"', sum(part.size for part in parts))

    def abort(self, key: str, upload_id: str) -> None:
        self.calls.append("abort")
        self.aborted = True


UUID = "0b6f3e8e-0a52-4b7c-9f53-8c1f7cbb1a52"


def planned_key(part_count: int, part_size: int = 5 * MiB) -> str:
    """A key as create makes it for ``part_count`` full parts: the plan travels in the key."""
    return f"uploads/{UUID}-{part_count * part_size}x{part_size}.bin"


def completion(part_count: int) -> dict[str, Any]:
    parts = [{"part_number": n, "etag": f'"etag-{n}"'} for n in range(1, part_count + 1)]
    return {"key": planned_key(part_count), "parts": parts}


def fake_api(store: FakeStore, **changes: Any) -> UploadApi:
    from tests.unit.conftest import make_config, make_signer

    return UploadApi(make_config(**changes), make_signer(**changes), store)


def test_listed_parts_carry_the_sha256_s3_holds() -> None:
    from tests.unit.test_contract import schema_validator

    digest = base64.b64encode(hashlib.sha256(b"part one").digest()).decode()
    store = FakeStore(2, 5 * MiB)
    store.parts = (StoredPart(1, '"etag-1"', 5 * MiB, digest), StoredPart(2, '"etag-2"', MiB))
    status, listed = call(fake_api(store), "GET", PARTS, "fake-upload", query={"key": planned_key(2)})
    assert status == 200, listed
    assert listed["parts"] == [
        {"part_number": 1, "etag": '"etag-1"', "size": 5 * MiB, "sha256": digest, "crc64nvme": None},
        {"part_number": 2, "etag": '"etag-2"', "size": MiB, "sha256": None, "crc64nvme": None},  # no checksums
    ]
    schema_validator("StoredParts").validate(listed)


def test_completing_ten_thousand_parts_fits_in_one_request() -> None:
    store = FakeStore(MAX_PARTS, 5 * MiB)
    status, done = call(fake_api(store), "POST", COMPLETE, "fake-upload", body=completion(MAX_PARTS))
    assert status == 200, done
    assert done["size"] == MAX_PARTS * 5 * MiB
    assert len(store.completed) == MAX_PARTS


def test_parts_that_add_up_past_the_maximum_are_never_assembled() -> None:
    # Part URLs bind no total: a client that announced a small size could upload more parts.
    store = FakeStore(3, 5 * MiB)
    status, answer = call(
        fake_api(store, multipart_max_size_bytes=10 * MiB), "POST", COMPLETE, "fake-upload", body=completion(3)
    )
    assert status == 413
    assert "aborted" in answer["error"]["message"]
    assert store.aborted
    assert store.completed == []


def test_multipart_answers_fit_the_contract(api: UploadApi, s3: Any) -> None:
    from tests.unit.test_contract import schema_validator

    upload = create(api, size=6 * MiB, part_size=5 * MiB)
    schema_validator("MultipartUpload").validate(upload)
    body = {"key": upload["key"], "part_numbers": [1, 2]}
    schema_validator("PartUrls").validate(call(api, "POST", PARTS, upload["upload_id"], body=body)[1])
    parts = put_parts(upload, b"q" * 6 * MiB)
    listed = call(api, "GET", PARTS, upload["upload_id"], query={"key": upload["key"]})[1]
    schema_validator("StoredParts").validate(listed)
    done = call(api, "POST", COMPLETE, upload["upload_id"], body={"key": upload["key"], "parts": parts})[1]
    schema_validator("Completed").validate(done)


def test_signing_part_urls_makes_no_call_to_s3() -> None:
    store = FakeStore(0, 5 * MiB)
    api = fake_api(store)
    body = {"key": planned_key(1000), "part_numbers": list(range(1, 1001))}
    status, signed = call(api, "POST", PARTS, "fake-upload", body=body)
    assert status == 200
    assert len(signed["parts"]) == 1000
    assert store.calls == []


def complete_body(upload: dict[str, Any], parts: list[dict[str, Any]], size: int | None) -> dict[str, Any]:
    return {"key": upload["key"], "parts": parts, **({} if size is None else {"size": size})}


def test_a_repeated_completion_answers_as_the_first(
    api: UploadApi, two_parts: tuple[dict[str, Any], list[dict[str, Any]]]
) -> None:
    from tests.unit.test_contract import schema_validator

    upload, parts = two_parts
    body = complete_body(upload, parts, 6 * MiB)
    first = call(api, "POST", COMPLETE, upload["upload_id"], body=body)
    assert first[0] == 200, first
    # S3 has assembled the object and forgotten the upload: the answer comes from the object.
    again = call(api, "POST", COMPLETE, upload["upload_id"], body=body)
    assert again == first
    schema_validator("Completed").validate(again[1])
    assert again[1]["etag"].strip('"').endswith("-2")


@pytest.mark.parametrize(
    ("change", "status"),
    [
        (lambda upload, parts: complete_body(upload, parts, 6 * MiB + 1), 400),  # not the plan's size
        (lambda upload, parts: complete_body(upload, parts[:1], 6 * MiB), 409),  # another part count
    ],
    ids=["size", "part-count"],
)
def test_a_repeated_completion_that_does_not_match_the_object_is_not_a_success(
    api: UploadApi, two_parts: tuple[dict[str, Any], list[dict[str, Any]]], change: Any, status: int
) -> None:
    upload, parts = two_parts
    assert call(api, "POST", COMPLETE, upload["upload_id"], body=complete_body(upload, parts, 6 * MiB))[0] == 200
    answer = call(api, "POST", COMPLETE, upload["upload_id"], body=change(upload, parts))
    assert answer[0] == status, answer


def test_completing_an_aborted_upload_is_404_when_no_object_is_stored(
    api: UploadApi, two_parts: tuple[dict[str, Any], list[dict[str, Any]]]
) -> None:
    upload, parts = two_parts
    assert call(api, "DELETE", ABORT, upload["upload_id"], query={"key": upload["key"]})[0] == 204
    assert call(api, "POST", COMPLETE, upload["upload_id"], body=complete_body(upload, parts, 6 * MiB))[0] == 404


def test_the_parts_must_add_up_to_the_announced_size(
    api: UploadApi, two_parts: tuple[dict[str, Any], list[dict[str, Any]]]
) -> None:
    upload, parts = two_parts
    status, answer = call(api, "POST", COMPLETE, upload["upload_id"], body=complete_body(upload, parts, 7 * MiB))
    assert status == 400
    assert "size 7340032 is not the 6291456 bytes this upload announced" in answer["error"]["message"]


def test_a_repeated_completion_without_size_answers_from_the_key_s_plan(
    api: UploadApi, two_parts: tuple[dict[str, Any], list[dict[str, Any]]]
) -> None:
    upload, parts = two_parts
    first = call(api, "POST", COMPLETE, upload["upload_id"], body=complete_body(upload, parts, None))
    assert first[0] == 200, first
    assert call(api, "POST", COMPLETE, upload["upload_id"], body=complete_body(upload, parts, None)) == first


def test_part_numbers_beyond_the_plan_are_refused_without_a_call_to_s3() -> None:
    store = FakeStore(0, 5 * MiB)
    body = {"key": planned_key(3), "part_numbers": [3, 4, 9001]}
    status, answer = call(fake_api(store), "POST", PARTS, "fake-upload", body=body)
    assert status == 400
    assert "part(s) 4, 9001 are beyond this upload's 3 parts" in answer["error"]["message"]
    assert store.calls == []


def test_every_part_url_binds_the_plan_s_length() -> None:
    key = f"uploads/{UUID}-{12 * MiB + 7}x{5 * MiB}.bin"  # 5 MiB, 5 MiB, 2 MiB + 7 bytes
    body = {"key": key, "part_numbers": [1, 2, 3]}
    status, signed = call(fake_api(FakeStore(0, 5 * MiB)), "POST", PARTS, "fake-upload", body=body)
    assert status == 200
    assert [part["headers"]["Content-Length"] for part in signed["parts"]] == [
        str(5 * MiB),
        str(5 * MiB),
        str(2 * MiB + 7),
    ]


def test_a_key_without_a_plan_cannot_continue_a_multipart_upload() -> None:
    body = {"key": f"uploads/{UUID}.bin", "part_numbers": [1]}
    assert call(fake_api(FakeStore(0, 5 * MiB)), "POST", PARTS, "fake-upload", body=body)[0] == 404


class RacedStore(FakeStore):
    """S3 finished another call's completion of the upload between ListParts and ours."""

    def complete(
        self, key: str, upload_id: str, parts: list[StoredPart], crc64nvme_base64: str | None = None
    ) -> StoredObject:
        raise NotFound("no such upload for this key")

    def stat(self, key: str) -> StoredObject | None:
        return StoredObject(key, '"abc123-3"', sum(part.size for part in self.parts))


def test_a_completion_that_loses_a_race_with_its_repeat_answers_200() -> None:
    store = RacedStore(3, 5 * MiB)
    status, done = call(fake_api(store), "POST", COMPLETE, "fake-upload", body={**completion(3), "size": 15 * MiB})
    assert (status, done) == (200, {"key": planned_key(3), "etag": '"abc123-3"', "size": 15 * MiB, "crc64nvme": None})


@pytest.mark.parametrize("route", [PARTS, COMPLETE])
def test_a_body_over_one_mib_on_the_parts_and_complete_routes_is_413(route: str) -> None:
    store = FakeStore(0, 5 * MiB)
    padding = "x" * (1024 * 1024)  # with the rest of the body, just over the 1 MiB these routes take
    raw = json.dumps({"key": planned_key(3), "part_numbers": [1], "padding": padding})
    status, answer = call(fake_api(store), "POST", route, "fake-upload", raw_body=raw)
    assert status == 413, answer
    assert answer["error"]["code"] == "too_large"
    assert store.calls == []  # refused before any call to S3


def test_a_body_just_under_one_mib_is_read() -> None:
    parts = [{"part_number": n, "etag": f'"{"e" * 32}-{n}"'} for n in range(1, 10_001)]
    raw = json.dumps({"key": planned_key(10_000), "parts": parts})
    assert len(raw) < 1024 * 1024
    status, answer = call(fake_api(FakeStore(0, 5 * MiB)), "POST", COMPLETE, "fake-upload", raw_body=raw)
    assert status == 400  # read and checked (the fake S3 holds no part), not refused for its size
    assert "is not in S3" in answer["error"]["message"]


def test_the_store_follows_every_page_of_listparts(api: UploadApi, s3: Any) -> None:
    upload = create(api, size=11 * MiB, part_size=5 * MiB)
    put_parts(upload, b"z" * 11 * MiB)
    pages: list[int] = []

    class OnePartPerPage:
        """S3 answers ListParts in pages of at most 1 000 parts; this S3 in pages of one."""

        def list_parts(self, **kwargs: Any) -> Any:
            page = s3.list_parts(**{**kwargs, "MaxParts": 1})
            pages.append(len(page.get("Parts", [])))
            return page

    store = Boto3ObjectStore(bucket=BUCKET, client=lambda: OnePartPerPage())  # type: ignore[arg-type, return-value]
    held = store.describe(upload["key"], upload["upload_id"])
    assert [(part.part_number, part.size) for part in held.parts] == [(1, 5 * MiB), (2, 5 * MiB), (3, MiB)]
    assert pages == [1, 1, 1]


# A whole-file CRC64NVME (issue 21): S3 checks it (tests/conformance); here, what the API binds
# and passes on. Any 8 bytes in base64 will do: the API checks the form, S3 the value.
CRC = base64.b64encode(bytes(range(8))).decode()
PART_CRCS = [base64.b64encode(bytes([n] * 8)).decode() for n in (1, 2, 3)]


class CrcStore(FakeStore):
    """An upload created with a whole-file CRC64NVME, and what the API asked of S3."""

    def __init__(self, part_count: int, part_size: int, algorithm: str | None = "CRC64NVME") -> None:
        super().__init__(part_count, part_size)
        self.algorithm = algorithm
        self.created_with: str | None = None
        self.completed_with: str | None = None

    def create(self, key: str, content_type: str, checksum_algorithm: str | None) -> str:
        self.created_with = checksum_algorithm
        return super().create(key, content_type, checksum_algorithm)

    def describe(self, key: str, upload_id: str) -> StoredUpload:
        return StoredUpload(self.parts, self.algorithm)

    def complete(
        self, key: str, upload_id: str, parts: list[StoredPart], crc64nvme_base64: str | None = None
    ) -> StoredObject:
        self.completed_with = crc64nvme_base64
        return StoredObject(key, '"final-etag"', sum(part.size for part in parts), crc64nvme_base64)


def test_a_whole_file_crc64nvme_is_announced_bound_on_each_part_and_checked_at_completion() -> None:
    store = CrcStore(3, 5 * MiB)
    api = fake_api(store)
    status, created = call(
        api,
        "POST",
        UPLOAD,
        body={"content_type": "video/mp4", "size": 15 * MiB, "part_size": 5 * MiB, "crc64nvme": CRC},
    )
    assert status == 201, created
    assert store.created_with == "CRC64NVME"
    assert (created["crc64nvme"], created["parts"], created["checksums"]) == (CRC, [], False)

    body = {"key": created["key"], "part_numbers": [1, 2, 3], "crc64nvmes": PART_CRCS}
    status, signed = call(api, "POST", PARTS, created["upload_id"], body=body)
    assert status == 200, signed
    assert [part["headers"]["x-amz-checksum-crc64nvme"] for part in signed["parts"]] == PART_CRCS
    assert all("x-amz-checksum-crc64nvme" in parse_qs(urlsplit(part["url"]).query)["X-Amz-SignedHeaders"][0]
               for part in signed["parts"])  # fmt: skip

    status, done = call(api, "POST", COMPLETE, "fake-upload", body={**completion(3), "crc64nvme": CRC})
    assert (status, done["crc64nvme"], store.completed_with) == (200, CRC, CRC)


@pytest.mark.parametrize(
    ("algorithm", "given", "message"),
    [
        ("CRC64NVME", None, "complete it with crc64nvme"),
        ("SHA256", CRC, "created with SHA256 checksums"),
    ],
)
def test_a_completion_gives_the_whole_file_crc64nvme_exactly_when_the_upload_announced_one(
    algorithm: str, given: str | None, message: str
) -> None:
    store = CrcStore(3, 5 * MiB, algorithm)
    body = completion(3) if given is None else {**completion(3), "crc64nvme": given}
    status, answer = call(fake_api(store), "POST", COMPLETE, "fake-upload", body=body)
    assert (status, answer["error"]["code"]) == (400, "bad_request")
    assert message in answer["error"]["message"]
    assert store.completed_with is None


@pytest.mark.parametrize(
    ("route", "body"),
    [
        (UPLOAD, {"content_type": "video/mp4", "size": 5, "crc64nvme": CRC, "checksums": True}),
        (UPLOAD, {"content_type": "video/mp4", "size": 5, "crc64nvme": "AAAA"}),  # 3 bytes
        (UPLOAD, {"content_type": "video/mp4", "size": 5, "crc64nvme": "not base64!!"}),
        (PARTS, {"key": planned_key(3), "part_numbers": [1], "crc64nvmes": [CRC], "sha256s": ["A" * 43 + "="]}),
        (PARTS, {"key": planned_key(3), "part_numbers": [1, 2], "crc64nvmes": [CRC]}),
    ],
    ids=["with-checksums", "short", "not-base64", "two-kinds-of-part-checksum", "one-short"],
)
def test_malformed_crc64nvme_requests_are_400(route: str, body: dict[str, Any]) -> None:
    upload_id = None if route == UPLOAD else "fake-upload"
    status, answer = call(fake_api(CrcStore(3, 5 * MiB)), "POST", route, upload_id, body=body)
    assert (status, answer["error"]["code"]) == (400, "bad_request"), answer


def test_a_completion_without_etags_takes_s3_s_own_list_of_parts() -> None:
    """A browser whose bucket CORS hides ETag sends none: the parts S3 holds are the list."""
    store = FakeStore(3, 5 * MiB)
    status, done = call(fake_api(store), "POST", COMPLETE, "fake-upload", body={"key": planned_key(3)})
    assert status == 200, done
    assert [(part.part_number, part.etag) for part in store.completed] == [(n, f'"etag-{n}"') for n in (1, 2, 3)]


def test_a_completion_without_etags_needs_every_part_of_the_plan() -> None:
    store = FakeStore(3, 5 * MiB)
    store.parts = store.parts[:2]
    status, answer = call(fake_api(store), "POST", COMPLETE, "fake-upload", body={"key": planned_key(3)})
    assert (status, answer["error"]["code"]) == (400, "bad_request")
    assert "part(s) 3" in answer["error"]["message"]
    assert store.completed == []


class TakenStore(FakeStore):
    """S3 refused the completion's If-None-Match: an object is already at the key."""

    def complete(
        self, key: str, upload_id: str, parts: list[StoredPart], crc64nvme_base64: str | None = None
    ) -> StoredObject:
        raise KeyTaken("an object is already stored at this key")

    def stat(self, key: str) -> StoredObject | None:
        return StoredObject(key, '"other-1"', 7)


def test_a_completion_onto_an_existing_other_object_is_a_conflict_not_an_overwrite() -> None:
    status, answer = call(fake_api(TakenStore(3, 5 * MiB)), "POST", COMPLETE, "fake-upload", body=completion(3))
    assert (status, answer["error"]["code"]) == (409, "conflict")
