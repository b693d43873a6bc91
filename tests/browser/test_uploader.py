"""The browser uploader in real Chromium against the local stack: upload, refusal, and CORS."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from devtools.served_stack import UPLOADER_DIR, ServedStack, page_config
from devtools.static_site import static_site

SIZE = 3 * 1024 * 1024 + 12345


def open_signed_in(page: Page, served: ServedStack, url: str | None = None) -> None:
    """Open the uploader and sign in as the demo user, as a person would."""
    page.goto(url or served.page_url)
    assert served.demo_user is not None
    expect(page.locator("#sign-in-form")).to_be_visible()
    page.fill("#email", served.demo_user.email)
    page.fill("#password", served.demo_user.password)
    page.click("#sign-in-button")
    expect(page.locator("#status")).to_contain_text("Signed in as")


def choose_file(page: Page, name: str, mime_type: str, data: bytes, selector: str = "#file-input") -> None:
    page.set_input_files(selector, files=[{"name": name, "mimeType": mime_type, "buffer": data}])


def test_a_file_of_a_few_mib_lands_with_the_same_sha256_and_type(page: Page, served: ServedStack) -> None:
    data = os.urandom(SIZE)
    open_signed_in(page, served)
    choose_file(page, "photo.png", "image/png", data)
    page.click("#upload-button")

    expect(page.locator("#result")).to_be_visible(timeout=60_000)
    assert page.locator("#progress").evaluate("element => element.value") == 100
    expect(page.locator("#progress-text")).to_contain_text("100 %")
    key = page.locator("#result-key").inner_text()

    stored = served.stack.client("s3").get_object(Bucket=served.stack.outputs["bucket_name"], Key=key)
    assert hashlib.sha256(stored["Body"].read()).hexdigest() == hashlib.sha256(data).hexdigest()
    assert stored["ContentType"] == "image/png"
    assert key.endswith(".png")


def test_a_plain_html_form_sends_the_file_and_s3_redirects_back_with_the_key(page: Page, served: ServedStack) -> None:
    data = b"sent by a native form submission\n" * 100
    posts: list[str] = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    open_signed_in(page, served)
    choose_file(page, "notes.txt", "text/plain", data, selector="#post-form-file")
    expect(page.locator("#post-form-submit")).to_be_enabled()
    # The file input is the form's last field, after every field of the policy.
    names = page.eval_on_selector_all("#post-form input", "inputs => inputs.map(input => input.name)")
    assert names[-1] == "file"
    assert {"policy", "x-amz-signature", "key", "Content-Type"} <= set(names)
    action = page.locator("#post-form").get_attribute("action")
    page.click("#post-form-submit")

    expect(page.locator("#form-result")).to_be_visible(timeout=60_000)
    assert action in posts  # the browser itself posted the form to S3
    key = page.locator("#form-result-key").inner_text()
    assert page.url.startswith(served.page_url)
    assert "uploaded=form" in page.url
    stored = served.stack.client("s3").get_object(Bucket=served.stack.outputs["bucket_name"], Key=key)
    assert stored["Body"].read() == data
    assert stored["ContentType"] == "text/plain"
    assert key.endswith(".txt")


def test_a_refused_content_type_shows_its_error(page: Page, served: ServedStack) -> None:
    open_signed_in(page, served)
    choose_file(page, "tool.exe", "application/x-msdownload", b"MZ" + b"\0" * 100)
    page.click("#upload-button")
    expect(page.locator("#error")).to_contain_text("This type of file is not accepted")
    expect(page.locator("#result")).to_be_hidden()


@pytest.fixture
def foreign_page_url(served: ServedStack) -> Iterator[str]:
    """The same page, served from an origin the stack does not allow."""
    config = json.dumps(page_config(served)).encode()
    with static_site(UPLOADER_DIR, {"config.json": config}) as origin:
        yield f"{origin}/index.html"


def test_a_page_from_a_foreign_origin_is_blocked_by_cors(
    page: Page, served: ServedStack, foreign_page_url: str
) -> None:
    open_signed_in(page, served, foreign_page_url)
    choose_file(page, "photo.png", "image/png", b"\x89PNG" + b"\0" * 100)
    page.click("#upload-button")
    expect(page.locator("#error")).to_contain_text("origin is not allowed by CORS")
    expect(page.locator("#result")).to_be_hidden()


MULTIPART_SIZE = 12 * 1024 * 1024  # above the page's 8 MiB threshold: three parts of 5, 5 and 2 MiB


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    # A file on disk, so choosing it again after a reload is the same file (name, size, mtime).
    path = tmp_path / "clip.mp4"
    path.write_bytes(os.urandom(MULTIPART_SIZE))
    return path


def part_number(url: str) -> int | None:
    numbers = parse_qs(urlsplit(url).query).get("partNumber")
    return int(numbers[0]) if numbers else None


def test_a_large_file_goes_up_in_parts(page: Page, served: ServedStack, big_file: Path) -> None:
    parts_sent: list[int] = []
    page.on("request", lambda request: request.method == "PUT" and parts_sent.append(part_number(request.url) or 0))
    open_signed_in(page, served)
    page.set_input_files("#file-input", str(big_file))
    page.click("#upload-button")

    expect(page.locator("#result")).to_be_visible(timeout=60_000)
    assert page.locator("#progress").evaluate("element => element.value") == 100
    assert sorted(parts_sent) == [1, 2, 3]
    key = page.locator("#result-key").inner_text()
    stored = served.stack.client("s3").get_object(Bucket=served.stack.outputs["bucket_name"], Key=key)
    assert hashlib.sha256(stored["Body"].read()).hexdigest() == hashlib.sha256(big_file.read_bytes()).hexdigest()
    assert stored["ContentType"] == "video/mp4"


def test_after_a_failure_and_a_reload_the_upload_resumes(page: Page, served: ServedStack, big_file: Path) -> None:
    attempts: list[int] = []
    page.on("request", lambda request: request.method == "PUT" and attempts.append(part_number(request.url) or 0))
    # Part 3 cannot get through: the page retries it with backoff, then gives up, keeping parts 1-2.
    page.route(re.compile(r".*partNumber=3.*"), lambda route: route.abort())
    open_signed_in(page, served)
    page.set_input_files("#file-input", str(big_file))
    page.click("#upload-button")
    expect(page.locator("#error")).to_contain_text("Choose the same file again to resume", timeout=60_000)
    assert attempts.count(3) == 4  # the first try and three retries
    assert sorted(number for number in attempts if number != 3) == [1, 2]

    page.unroute_all()
    attempts.clear()
    open_signed_in(page, served)  # a reload: the page signs in again (tokens live in memory only)
    page.set_input_files("#file-input", str(big_file))
    page.click("#upload-button")
    expect(page.locator("#result")).to_be_visible(timeout=60_000)
    assert attempts == [3]  # only the missing part is sent again
    key = page.locator("#result-key").inner_text()
    stored = served.stack.client("s3").get_object(Bucket=served.stack.outputs["bucket_name"], Key=key)
    assert hashlib.sha256(stored["Body"].read()).hexdigest() == hashlib.sha256(big_file.read_bytes()).hexdigest()
    assert page.evaluate("Object.keys(localStorage).length") == 0


def test_cancel_aborts_the_multipart_upload(page: Page, served: ServedStack, big_file: Path) -> None:
    # Hold part 2 back so there is time to press Cancel while the upload is in flight.
    page.route(re.compile(r".*partNumber=2.*"), lambda route: None)
    open_signed_in(page, served)
    page.set_input_files("#file-input", str(big_file))
    page.click("#upload-button")
    expect(page.locator("#cancel-button")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Uploading 3 parts")
    saved = json.loads(page.evaluate("Object.values(localStorage)[0]"))
    page.click("#cancel-button")
    expect(page.locator("#status")).to_contain_text("Upload cancelled")
    s3 = served.stack.client("s3")
    uploads = s3.list_multipart_uploads(Bucket=served.stack.outputs["bucket_name"]).get("Uploads", [])
    assert saved["upload_id"] not in [upload["UploadId"] for upload in uploads]
    assert page.evaluate("Object.keys(localStorage).length") == 0


def test_a_wrong_password_is_refused_and_uploads_stay_locked(page: Page, served: ServedStack) -> None:
    page.goto(served.page_url)
    assert served.demo_user is not None
    page.fill("#email", served.demo_user.email)
    page.fill("#password", "not-the-password")
    page.click("#sign-in-button")
    expect(page.locator("#sign-in-status")).to_contain_text("Sign-in failed")
    expect(page.locator("#file-input")).to_be_disabled()


def test_a_refused_token_asks_the_user_to_sign_in_again(page: Page, served: ServedStack) -> None:
    open_signed_in(page, served)

    # The token goes bad on its way (as an expired one would): the local gateway's authorizer
    # answers 401 with the CORS headers of the API's gateway responses, so the page can read it.
    def spoil_token(route: Route) -> None:
        route.continue_(headers={**route.request.headers, "authorization": "not.a.token"})

    page.route(f"{served.api_url}/**", spoil_token)
    choose_file(page, "notes.txt", "text/plain", b"hello\n")
    page.click("#upload-button")
    expect(page.locator("#sign-in-form")).to_be_visible()
    expect(page.locator("#sign-in-status")).to_contain_text("sign in again")
    expect(page.locator("#file-input")).to_be_disabled()
