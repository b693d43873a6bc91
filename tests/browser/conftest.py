"""Headless Chromium (Debian's package) driven by Playwright for Python.

Playwright's own browser download cannot work offline, so it drives the system's Chromium via
``executable_path``. Without Chromium these tests fail in CI (CI=true) and skip, loudly, elsewhere.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HOW_TO_GET_CHROMIUM = "install it with `sudo apt-get install chromium` or set CHROMIUM_PATH to a Chromium binary"
# Flags for a root container with no network beyond loopback: no sandbox, no GPU, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The Chromium to drive: CHROMIUM_PATH, else the first one on PATH."""
    chosen = os.environ.get("CHROMIUM_PATH")
    if chosen:
        return chosen
    return next((found for name in CHROMIUM_CANDIDATES if (found := shutil.which(name))), None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """A headless Chromium for the whole session."""
    executable = chromium_path()
    if executable is None:
        message = f"Chromium is not installed: {HOW_TO_GET_CHROMIUM}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(f"SKIPPED browser tests: {message}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page per test."""
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    context.close()
