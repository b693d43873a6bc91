"""The Uppy 6 page (terraform/examples/local/uppy-uploader/) in real Chromium against the local stack.

Uppy 6.3.1 (Dashboard, AwsS3, Golden Retriever) from package-lock.json, through the adapter
(clients/uppy/) and `POST /signed-requests`: Uppy sends every request to LocalStack's S3 itself,
which checks each signature, its signed headers and each part's signed length.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, Route, expect

from devtools.node_packages import UPPY_BUNDLE
from devtools.served_stack import ServedStack
from tests.browser.test_uploader import sign_in
from tests.stack_fixtures import require_capability

MiB = 1024 * 1024
PART_SIZE = 5 * MiB  # the page's part size; its multipart threshold is 8 MiB
# Golden Retriever keeps files of up to 10 MiB in IndexedDB; after a reload the Dashboard asks for
# a bigger one again, and a person chooses it again.
PARTS = 6
MULTIPART_SIZE = (PARTS - 1) * PART_SIZE + 123_457


@pytest.fixture(autouse=True)
def uppy_bundle() -> None:
    """The page's Uppy, bundled from node_modules by the nox session (npm ci, then esbuild)."""
    require_capability(
        UPPY_BUNDLE.is_file(),
        "Uppy page tests",
        f"{UPPY_BUNDLE} is missing: run these tests with `nox -s browser` or `nox -s integration` "
        "(they install npm's packages and bundle the page's Uppy)",
    )


class Traffic:
    """What the page sent: its calls to POST /signed-requests, and its requests to S3."""

    def __init__(self, page: Page, served: ServedStack) -> None:
        self.api_url = served.api_url
        self.s3_url = served.stack.s3.url
        self.operations: list[str] = []
        self.s3: list[tuple[str, str]] = []  # (method, URL) of each request sent to S3
        self.parts_sent: list[int] = []
        self.parts_stored: list[int] = []
        page.on("request", self.sent)
        page.on("requestfinished", self.finished)

    def sent(self, request: Request) -> None:
        if request.url == f"{self.api_url}/signed-requests" and request.method == "POST":
            self.operations.append(json.loads(request.post_data or "{}").get("operation", ""))
        elif request.url.startswith(self.s3_url):
            self.s3.append((request.method, request.url))
            if request.method == "PUT" and (number := part_number(request.url)) is not None:
                self.parts_sent.append(number)

    def finished(self, request: Request) -> None:
        response = request.response()
        if request.method == "PUT" and response is not None and response.ok:
            number = part_number(request.url)
            if number is not None:
                self.parts_stored.append(number)

    def clear(self) -> None:
        self.operations.clear()
        self.s3.clear()
        self.parts_sent.clear()
        self.parts_stored.clear()


def part_number(url: str) -> int | None:
    numbers = parse_qs(urlsplit(url).query).get("partNumber")
    return int(numbers[0]) if numbers else None


@pytest.fixture
def uppy_page(page: Page) -> Iterator[Page]:
    """The page, whose console must never show a presigned URL, a signature or a token."""
    messages: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        messages.append(message.text)

    page.on("console", heard)
    yield page
    for text in messages:
        assert "X-Amz-Signature" not in text, text
        assert "X-Amz-Credential" not in text, text
        assert not re.search(r"eyJ[\w-]+\.[\w-]+", text), text  # a JWT (the ID token)


def open_signed_in(page: Page, served: ServedStack) -> None:
    page.goto(served.uppy_page_url)
    sign_in(page, served)


def add_file(page: Page, file: Path | dict[str, Any]) -> None:
    """Choose ``file`` with the Dashboard's own file input (a path, or Playwright's file payload)."""
    chosen = file if isinstance(file, Path) else [file]
    page.locator('input.uppy-Dashboard-input[name="files[]"]').first.set_input_files(chosen)


def upload_button(page: Page) -> Any:
    return page.locator("button.uppy-StatusBar-actionBtn--upload")


def stored_key(page: Page, name: str) -> str:
    key = page.locator(f'#stored code[data-name="{name}"]')
    expect(key).to_be_visible(timeout=90_000)
    return key.inner_text()


def assert_stored(served: ServedStack, key: str, data: bytes, content_type: str) -> None:
    """S3 holds exactly ``data`` under ``key`` (the key Uppy reported), with its type."""
    stored = served.stack.client("s3").get_object(Bucket=served.stack.outputs["bucket_name"], Key=key)
    assert hashlib.sha256(stored["Body"].read()).hexdigest() == hashlib.sha256(data).hexdigest()
    assert stored["ContentType"] == content_type


@pytest.fixture
def multipart_file(tmp_path: Path) -> Path:
    # On disk, so choosing it again after a reload is the same file (name, type, size, mtime).
    path = tmp_path / "clip.mp4"
    path.write_bytes(os.urandom(MULTIPART_SIZE))
    return path


def test_a_small_file_goes_up_in_one_put_under_the_key_the_api_made(
    uppy_page: Page, served: ServedStack, tmp_path: Path
) -> None:
    traffic = Traffic(uppy_page, served)
    data = os.urandom(MiB + 17)
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    open_signed_in(uppy_page, served)
    add_file(uppy_page, path)
    upload_button(uppy_page).click()

    key = stored_key(uppy_page, "scan.pdf")
    assert_stored(served, key, data, "application/pdf")
    # The key Uppy reported is the server's (a uuid under the demo user's prefix), not Uppy's proposal.
    assert re.fullmatch(r".+/[0-9a-f-]{36}\.pdf", key), key
    assert traffic.operations == ["put_object"]
    assert [method for method, _ in traffic.s3] == ["PUT"]
    assert urlsplit(traffic.s3[0][1]).path.endswith(key)
    expect(uppy_page.locator("#status")).to_contain_text("1 stored, 0 failed")


def test_a_file_above_the_threshold_goes_up_in_parts_and_completes(
    uppy_page: Page, served: ServedStack, tmp_path: Path
) -> None:
    traffic = Traffic(uppy_page, served)
    data = os.urandom(2 * PART_SIZE + 4321)
    path = tmp_path / "talk.mp4"
    path.write_bytes(data)
    open_signed_in(uppy_page, served)
    add_file(uppy_page, path)
    upload_button(uppy_page).click()

    key = stored_key(uppy_page, "talk.mp4")
    assert_stored(served, key, data, "video/mp4")
    assert key.endswith(f"-{len(data)}x{PART_SIZE}.mp4")  # the plan the API wrote into the key
    assert traffic.operations == ["create_multipart_upload", *["upload_part"] * 3, "complete_multipart_upload"]
    assert traffic.parts_sent == [1, 2, 3]
    assert [method for method, _ in traffic.s3] == ["POST", "PUT", "PUT", "PUT", "POST"]


def part_route(number: int) -> re.Pattern[str]:
    """The S3 requests of part ``number``."""
    return re.compile(rf".*[?&]partNumber={number}(&.*)?$")


def test_pause_stops_the_upload_and_resume_finishes_it(
    uppy_page: Page, served: ServedStack, multipart_file: Path
) -> None:
    traffic = Traffic(uppy_page, served)
    # Part 2's first try is held in flight (never answered), so the pause lands mid-upload.
    held: list[Route] = []
    uppy_page.route(part_route(2), lambda route: route.continue_() if held else held.append(route))
    open_signed_in(uppy_page, served)
    add_file(uppy_page, multipart_file)
    upload_button(uppy_page).click()
    wait_until(uppy_page, lambda: bool(held))

    uppy_page.get_by_role("button", name="Pause", exact=True).click()
    expect(uppy_page.get_by_role("button", name="Resume", exact=True)).to_be_visible()
    uppy_page.wait_for_timeout(1_000)
    assert traffic.parts_sent == [1, 2]  # nothing more is sent while paused
    assert traffic.parts_stored == [1]

    uppy_page.get_by_role("button", name="Resume", exact=True).click()
    key = stored_key(uppy_page, multipart_file.name)
    assert_stored(served, key, multipart_file.read_bytes(), "video/mp4")
    # The part the pause cut short is sent again; no part S3 stored is.
    assert traffic.parts_sent == [1, 2, *range(2, PARTS + 1)]
    assert sorted(traffic.parts_stored) == list(range(1, PARTS + 1))
    assert traffic.operations.count("create_multipart_upload") == 1


def test_a_reload_mid_upload_resumes_with_golden_retriever_and_sends_only_the_missing_parts(
    uppy_page: Page, served: ServedStack, multipart_file: Path
) -> None:
    traffic = Traffic(uppy_page, served)
    uppy_page.route(part_route(3), lambda route: None)  # part 3 stays in flight until the reload
    open_signed_in(uppy_page, served)
    add_file(uppy_page, multipart_file)
    upload_button(uppy_page).click()
    wait_until(uppy_page, lambda: 3 in traffic.parts_sent)
    assert traffic.parts_stored == [1, 2]
    # Golden Retriever saves Uppy's state (with the upload's key and id) at most every 500 ms.
    uppy_page.wait_for_timeout(600)
    # The reload ends the held request with the page; only then may part 3 reach S3 (unrouting
    # first let the held request go through, racing the reload).
    uppy_page.reload()
    uppy_page.unroute_all(behavior="ignoreErrors")

    # S3 holds the parts stored before the reload: the ones that must not be sent again.
    plan = f"-{MULTIPART_SIZE}x{PART_SIZE}.mp4"
    ((key_before, upload_id),) = [(key, upload) for key, upload in open_uploads(served).items() if key.endswith(plan)]
    s3, bucket = served.stack.client("s3"), served.stack.outputs["bucket_name"]
    listed = s3.list_parts(Bucket=bucket, Key=key_before, UploadId=upload_id).get("Parts", [])
    assert [part["PartNumber"] for part in listed] == [1, 2]
    traffic.clear()

    # After the reload: sign in again, choose the same file again (Golden Retriever keeps no copy
    # of one this big, and the Dashboard asks for it), and press Upload, which resumes the upload.
    expect(uppy_page.locator("#status")).to_contain_text("Restored 1 file(s)")
    sign_in(uppy_page, served)
    uppy_page.get_by_role("button", name="Re-select").click()
    add_file(uppy_page, multipart_file)
    upload_button(uppy_page).click()
    key = stored_key(uppy_page, multipart_file.name)

    assert key == key_before  # the same upload, resumed: the key Uppy reports is the one S3 holds
    assert_stored(served, key, multipart_file.read_bytes(), "video/mp4")
    assert traffic.parts_sent == list(range(3, PARTS + 1))  # only the missing parts
    assert traffic.operations == ["list_parts", *["upload_part"] * (PARTS - 2), "complete_multipart_upload"]


def test_removing_a_file_mid_upload_aborts_its_multipart_upload(
    uppy_page: Page, served: ServedStack, multipart_file: Path
) -> None:
    traffic = Traffic(uppy_page, served)
    uppy_page.route(part_route(2), lambda route: None)  # part 2 stays in flight
    open_signed_in(uppy_page, served)
    add_file(uppy_page, multipart_file)
    upload_button(uppy_page).click()
    wait_until(uppy_page, lambda: 2 in traffic.parts_sent)
    (create,) = [url for method, url in traffic.s3 if method == "POST"]
    key = unquote(urlsplit(create).path.split("/", 2)[2])  # /<bucket>/<key>, path-style on LocalStack

    uppy_page.get_by_role("button", name="Remove file").click()
    wait_until(uppy_page, lambda: any(method == "DELETE" for method, _ in traffic.s3))
    wait_until(uppy_page, lambda: key not in open_uploads(served))  # S3 freed its parts
    assert traffic.operations[-1] == "abort_multipart_upload"


def test_a_refused_type_is_refused_with_the_apis_reason(uppy_page: Page, served: ServedStack) -> None:
    traffic = Traffic(uppy_page, served)
    open_signed_in(uppy_page, served)
    add_file(uppy_page, {"name": "tool.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ" + bytes(100)})
    upload_button(uppy_page).click()

    expect(uppy_page.locator("#error")).to_contain_text(
        "tool.exe was not uploaded: This type of file is not accepted: "
        "content_type 'application/x-msdownload' is not allowed"
    )
    expect(uppy_page.locator("#status")).to_contain_text("0 stored, 1 failed")
    assert traffic.operations == ["put_object"]
    assert traffic.s3 == []  # refused before anything reached S3


def test_a_file_over_the_deployments_limit_is_refused_before_a_byte_is_read(
    uppy_page: Page, served: ServedStack, tmp_path: Path
) -> None:
    # Above the largest multipart upload the deployment starts: a sparse file, so nothing is
    # written to disk, and nothing is read (the API refuses its size; Golden Retriever keeps no
    # copy of a file this big).
    name = served.stack.outputs["function_name"]
    function = served.stack.client("lambda").get_function_configuration(FunctionName=name)
    maximum = int(function["Environment"]["Variables"].get("UPLOAD_MAX_MULTIPART_SIZE_BYTES", 1024**4))
    path = tmp_path / "disk.img"
    with path.open("wb") as sparse:
        sparse.truncate(maximum + 1)
    traffic = Traffic(uppy_page, served)
    open_signed_in(uppy_page, served)
    add_file(uppy_page, path)
    upload_button(uppy_page).click()

    expect(uppy_page.locator("#error")).to_contain_text(
        f"disk.img was not uploaded: This file is too large: size {maximum + 1} is over the maximum of {maximum} bytes"
    )
    assert traffic.operations == ["create_multipart_upload"]
    assert traffic.s3 == []


def open_uploads(served: ServedStack) -> dict[str, str]:
    """The multipart uploads S3 holds in the stack's bucket: key to upload id."""
    listed = served.stack.client("s3").list_multipart_uploads(Bucket=served.stack.outputs["bucket_name"])
    return {upload["Key"]: upload["UploadId"] for upload in listed.get("Uploads", [])}


def wait_until(page: Page, condition: Any, timeout_ms: int = 60_000) -> None:
    """Let the page run until ``condition()`` holds (it reads what the request events recorded)."""
    waited = 0
    while not condition():
        assert waited < timeout_ms, "timed out"
        page.wait_for_timeout(50)
        waited += 50
