"""The npm side of the repository: the contract's generated TypeScript types are current, the Uppy
adapter passes its own tests and its declarations type-check against the real Uppy, and the
packages are publishable and pinned.

These run node on the packages `npm ci` installs from package-lock.json (the unit session does
that first). Without node they fail in CI, which must install everything, and skip with a notice
elsewhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from devtools import OPENAPI_PATH, REPO_ROOT
from devtools.node_packages import ADAPTER_DIR, NODE_MODULES, NODE_NEEDED

pytestmark = pytest.mark.tooling

TYPES_DIR = REPO_ROOT / "clients" / "types"
GENERATED_TYPES = TYPES_DIR / "api.d.ts"
GENERATOR = NODE_MODULES / "openapi-typescript" / "bin" / "cli.js"
TSC = NODE_MODULES / "typescript" / "bin" / "tsc"
# The generator and the Uppy version the browser tests run: both pinned, and named in the docs.
UPPY_PACKAGES = ("@uppy/aws-s3", "@uppy/core", "@uppy/dashboard", "@uppy/golden-retriever")


def node(*arguments: str | Path, needs: Path) -> subprocess.CompletedProcess[str]:
    """Run node with ``arguments`` from the repository's root, once ``needs`` is installed."""
    executable = shutil.which("node")
    problem = (
        f"node is not installed: {NODE_NEEDED}"
        if executable is None
        else f"{needs.relative_to(REPO_ROOT)} is missing: run `npm ci` (the unit session does)"
        if not needs.exists()
        else None
    )
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(f"SKIPPED: {problem}")
    assert executable is not None
    return subprocess.run(
        [executable, *map(str, arguments)], cwd=REPO_ROOT, capture_output=True, text=True, check=False, timeout=300
    )


@pytest.mark.node
def test_the_checked_in_typescript_types_are_what_the_contract_generates() -> None:
    generated = node(GENERATOR, OPENAPI_PATH.relative_to(REPO_ROOT), needs=GENERATOR)
    assert generated.returncode == 0, generated.stderr
    assert generated.stdout == GENERATED_TYPES.read_text(), (
        f"{GENERATED_TYPES.relative_to(REPO_ROOT)} is not what api/openapi.yaml generates: run `npm run types` "
        "and commit the result"
    )


@pytest.mark.node
def test_the_types_cover_every_operation_of_the_contract() -> None:
    contract = OPENAPI_PATH.read_text()
    operations = set(re.findall(r"operationId: (\w+)", contract))
    assert "signS3Request" in operations
    operations_types = GENERATED_TYPES.read_text().split("export interface operations", 1)[1]
    declared = set(re.findall(r"^    (\w+): \{$", operations_types, re.M))
    assert declared == operations


@pytest.mark.node
def test_the_uppy_adapter_passes_its_node_tests() -> None:
    ran = node("--test", ADAPTER_DIR / "test", needs=ADAPTER_DIR / "index.js")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert re.search(r"^# fail 0$", ran.stdout, re.M), ran.stdout


@pytest.mark.node
def test_the_adapter_declarations_type_check_against_the_contract_and_uppy() -> None:
    checked = node(TSC, "--project", ADAPTER_DIR / "tsconfig.json", needs=TSC)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def package(path: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((path / "package.json").read_text())
    return loaded


@pytest.mark.parametrize("directory", [ADAPTER_DIR, TYPES_DIR], ids=["uppy", "types"])
def test_each_client_package_is_publishable(directory: Path) -> None:
    manifest = package(directory)
    assert re.fullmatch(r"@presigned-uploads/[a-z-]+", str(manifest["name"]))
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(manifest["version"]))
    assert manifest["license"] == "Apache-2.0"
    assert "private" not in manifest
    exports = manifest["exports"]
    assert isinstance(exports, dict)
    assert (directory / str(manifest["types"])).is_file()
    for entry in exports["."].values():
        assert (directory / entry).is_file()
    files = manifest["files"]
    assert isinstance(files, list)
    assert all((directory / name).is_file() for name in files)


def test_the_npm_tools_are_pinned_to_exact_versions_in_the_lock_file() -> None:
    root = package(REPO_ROOT)
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())
    wanted = root["devDependencies"]
    assert isinstance(wanted, dict)
    assert set(UPPY_PACKAGES) | {"openapi-typescript", "typescript", "esbuild"} <= set(wanted)
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned to one version: {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert lock["packages"][""]["devDependencies"] == wanted
    # The workspaces are the packages in clients/, at their own versions.
    assert lock["packages"]["clients/uppy"]["version"] == package(ADAPTER_DIR)["version"]
    assert wanted["@uppy/aws-s3"] == "6.3.1"
    assert wanted["@uppy/core"] == "6.3.1"
