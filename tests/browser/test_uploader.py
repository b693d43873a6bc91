"""The browser uploader in real Chromium against the local stack: upload, refusal, and CORS."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from devtools.served_stack import UPLOADER_DIR, ServedStack
from devtools.static_site import static_site

SIZE = 3 * 1024 * 1024 + 12345


def choose_file(page: Page, name: str, mime_type: str, data: bytes) -> None:
    page.set_input_files("#file-input", files=[{"name": name, "mimeType": mime_type, "buffer": data}])


def test_a_file_of_a_few_mib_lands_with_the_same_sha256_and_type(page: Page, served: ServedStack) -> None:
    data = os.urandom(SIZE)
    page.goto(served.page_url)
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


def test_a_refused_content_type_shows_its_error(page: Page, served: ServedStack) -> None:
    page.goto(served.page_url)
    choose_file(page, "tool.exe", "application/x-msdownload", b"MZ" + b"\0" * 100)
    page.click("#upload-button")
    expect(page.locator("#error")).to_contain_text("This type of file is not accepted")
    expect(page.locator("#result")).to_be_hidden()


@pytest.fixture
def foreign_page_url(served: ServedStack) -> Iterator[str]:
    """The same page, served from an origin the stack does not allow."""
    config = json.dumps({"api_url": served.api_url}).encode()
    with static_site(UPLOADER_DIR, {"config.json": config}) as origin:
        yield f"{origin}/index.html"


def test_a_page_from_a_foreign_origin_is_blocked_by_cors(page: Page, foreign_page_url: str) -> None:
    page.goto(foreign_page_url)
    choose_file(page, "photo.png", "image/png", b"\x89PNG" + b"\0" * 100)
    page.click("#upload-button")
    expect(page.locator("#error")).to_contain_text("origin is not allowed by CORS")
    expect(page.locator("#result")).to_be_hidden()
