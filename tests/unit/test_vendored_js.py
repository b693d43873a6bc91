"""The uploader page's vendored JavaScript is the pinned npm package's own, byte for byte."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from devtools import vendored_js

pytestmark = pytest.mark.tooling


def test_every_vendored_file_is_the_one_its_manifest_pins() -> None:
    assert vendored_js.check_local() == []


def test_the_manifest_pins_an_exact_version_with_its_licence() -> None:
    for package in vendored_js.manifest()["packages"]:
        assert all(part.isdigit() for part in package["version"].split(".")), package["version"]
        assert package["integrity"].startswith("sha512-")
        assert package["license"] == "Apache-2.0"
        assert "LICENSE" in package["files"]  # Apache-2.0 asks for the licence to go with the copy


def test_an_edited_vendored_file_is_caught(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(vendored_js.VENDOR_DIR, tmp_path / "vendor"))
    crc = next(copy.rglob("Crc64NvmeJs.js"))
    crc.write_text(crc.read_text().replace("0x9a6c9329ac4bc9b5n", "0x9a6c9329ac4bc9b4n"))
    (copy / "extra.js").write_text("export {};\n")
    monkeypatch.setattr(vendored_js, "VENDOR_DIR", copy)
    problems = vendored_js.check_local()
    assert len(problems) == 2
    assert "is not the file @aws-sdk/checksums@" in problems[0]
    assert "extra.js is not in vendored.json" in problems[1]


def test_the_vendored_files_are_what_the_npm_registry_serves() -> None:
    """``npm pack`` of the pinned versions (from npm's cache when it has them)."""
    npm = shutil.which("npm")
    if npm is None:
        message = "npm is not installed, so the vendored files are checked against their manifest only"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(f"SKIPPED: {message}")
    assert vendored_js.check_registry(npm) == []
