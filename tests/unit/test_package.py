"""The deployment zip holds only the runtime package and is byte-identical for the same source."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from devtools import LAMBDA_SRC
from devtools.package import FIXED_TIMESTAMP, build


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build(tmp_path / "a.zip")
    second = build(tmp_path / "b.zip")
    assert first.sha256_hex == second.sha256_hex
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_a_copy_with_other_mtimes_and_caches_builds_the_same_zip(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(LAMBDA_SRC, copy)
    (copy / "upload_api" / "__pycache__").mkdir(exist_ok=True)
    (copy / "upload_api" / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"cache")
    for path in copy.rglob("*.py"):
        path.touch()
        path.chmod(0o600)
    assert build(tmp_path / "copy.zip", copy).sha256_hex == build(tmp_path / "orig.zip").sha256_hex


def test_only_the_runtime_package_with_fixed_metadata(tmp_path: Path) -> None:
    build(tmp_path / "lambda.zip")
    with zipfile.ZipFile(tmp_path / "lambda.zip") as archive:
        entries = archive.infolist()
    names = [entry.filename for entry in entries]
    assert names == sorted(names)
    assert "upload_api/handler.py" in names
    assert all(name.startswith("upload_api/") and name.endswith(".py") for name in names)
    assert {entry.date_time for entry in entries} == {FIXED_TIMESTAMP}
    assert {entry.external_attr >> 16 for entry in entries} == {0o100644}
