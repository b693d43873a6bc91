"""The deployment zip holds only the runtime package, with its bytecode for each Lambda runtime,
and is byte-identical for the same source."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest

from devtools import LAMBDA_SRC
from devtools.package import FIXED_TIMESTAMP, build, bytecode_name
from devtools.pythons import BYTECODE_COMPILERS, LAMBDA_PYTHONS, MissingInterpreter, bytecode_compiler, runtime_python
from tests.unit.conftest import ENVIRONMENT

pytestmark = pytest.mark.tooling

# What the zip may weigh: the sources (about 50 KB compressed) and two runtimes' bytecode (about
# 90 KB each), 230 KB in all (docs/performance.md). A stray file or a vendored dependency would cross it.
MAX_ZIP_BYTES = 256 * 1024


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
    (copy / "upload_api" / "__pycache__" / "app.cpython-313.pyc").write_bytes(b"stale cache")
    for path in copy.rglob("*.py"):
        path.touch()
        path.chmod(0o600)
    assert build(tmp_path / "copy.zip", copy).sha256_hex == build(tmp_path / "orig.zip").sha256_hex


def test_only_the_runtime_package_and_its_bytecode_with_fixed_metadata(tmp_path: Path) -> None:
    info = build(tmp_path / "lambda.zip")
    with zipfile.ZipFile(tmp_path / "lambda.zip") as archive:
        entries = archive.infolist()
        contents = {entry.filename: archive.read(entry) for entry in entries}
    names = [entry.filename for entry in entries]
    assert names == sorted(names)
    assert "upload_api/handler.py" in names
    sources = [name for name in names if name.endswith(".py")]
    bytecode = {bytecode_name(source, runtime) for source in sources for runtime in LAMBDA_PYTHONS}
    assert set(names) == set(sources) | bytecode
    assert all(name.startswith("upload_api/") for name in names)
    assert {entry.date_time for entry in entries} == {FIXED_TIMESTAMP}
    assert {entry.external_attr >> 16 for entry in entries} == {0o100644}
    # PEP 552 header: magic, then flags 0b01 (hash-based, unchecked): no source timestamp inside.
    assert {int.from_bytes(contents[name][4:8], "little") for name in bytecode} == {0b01}
    assert info.size < MAX_ZIP_BYTES


def test_every_supported_runtime_has_a_pinned_compiler() -> None:
    assert set(BYTECODE_COMPILERS) == set(LAMBDA_PYTHONS)
    assert all(release.startswith(f"{runtime}.") for runtime, release in BYTECODE_COMPILERS.items())


def test_a_missing_compiler_is_named_with_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(tmp_path / "uv"))
    monkeypatch.setenv("PATH", str(tmp_path))
    bytecode_compiler.cache_clear()
    try:
        first = BYTECODE_COMPILERS[LAMBDA_PYTHONS[0]]
        pattern = rf"CPython {re.escape(first)} is missing.*uv python install {re.escape(first)}"
        with pytest.raises(MissingInterpreter, match=pattern):
            build(tmp_path / "lambda.zip")
    finally:
        bytecode_compiler.cache_clear()
    assert not (tmp_path / "lambda.zip").exists()


# Run by each runtime's Python in the unpacked zip: count every module compiled from source (the
# one method every source compilation of the import system goes through), import the whole
# package as the runtime would, and report what was compiled and where each module's code came from.
IMPORT_EVERYTHING = """
import importlib, json, os, sys
from importlib import _bootstrap_external

compiled = []
source_to_code = _bootstrap_external.SourceLoader.source_to_code

def counting(self, data, path, *args, **kwargs):
    compiled.append(path)
    return source_to_code(self, data, path, *args, **kwargs)

_bootstrap_external.SourceLoader.source_to_code = counting
code_dir = sys.argv[1]
names = sorted(name[:-3] for name in os.listdir(os.path.join(code_dir, "upload_api")) if name.endswith(".py"))
modules = [importlib.import_module("upload_api" if name == "__init__" else f"upload_api.{name}") for name in names]
print(json.dumps({
    "compiled": [path for path in compiled if path.startswith(code_dir)],
    "cached": {module.__name__: module.__spec__.cached for module in modules},
    "dont_write_bytecode": sys.flags.dont_write_bytecode,
}))
"""


def unpacked(zip_path: Path, directory: Path, *, with_bytecode: bool = True) -> Path:
    """The zip unpacked into a read-only ``directory``, as Lambda's /var/task."""
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if with_bytecode or not name.endswith(".pyc"):
                archive.extract(name, directory)
    for path in sorted(directory.rglob("*"), reverse=True):
        path.chmod(0o555 if path.is_dir() else 0o444)
    directory.chmod(0o555)
    return directory


def import_everything(python: str, code_dir: Path) -> dict[str, object]:
    # PYTHONDONTWRITEBYTECODE: the directory is read-only, but the tests may run as root.
    environment = {**ENVIRONMENT, "PYTHONPATH": str(code_dir), "PYTHONDONTWRITEBYTECODE": "1"}
    environment |= {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "PATH": os.environ["PATH"]}
    result = subprocess.run(
        [python, "-c", IMPORT_EVERYTHING, str(code_dir)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, object] = json.loads(result.stdout)
    return loaded


@pytest.fixture(params=LAMBDA_PYTHONS)
def runtime(request: pytest.FixtureRequest) -> tuple[str, str]:
    """A Lambda runtime's version and the Python that stands for it here."""
    python = runtime_python(request.param)
    if shutil.which(python) is None:
        message = f"no Python {request.param} here (pyenv install {BYTECODE_COMPILERS[request.param]})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return request.param, python


def test_the_runtime_loads_the_shipped_bytecode_and_compiles_nothing(tmp_path: Path, runtime: tuple[str, str]) -> None:
    version, python = runtime
    build(tmp_path / "lambda.zip")
    code_dir = unpacked(tmp_path / "lambda.zip", tmp_path / "task")
    try:
        loaded = import_everything(python, code_dir)
        tag = f".cpython-{version.replace('.', '')}.pyc"
        assert loaded["compiled"] == []
        cached = loaded["cached"]
        assert isinstance(cached, dict)
        assert "upload_api.handler" in cached
        assert all(path.startswith(str(code_dir)) and path.endswith(tag) for path in cached.values())
        assert not any(code_dir.rglob(f"*{tag}.*"))  # nothing written beside them

        # The control: the same import from the sources alone compiles every module, and the hook sees it.
        source_only = unpacked(tmp_path / "lambda.zip", tmp_path / "source-only", with_bytecode=False)
        compiled = import_everything(python, source_only)["compiled"]
        assert isinstance(compiled, list)
        assert len(compiled) == len(cached)
    finally:
        for path in tmp_path.rglob("*"):
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
