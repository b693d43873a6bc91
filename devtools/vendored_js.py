"""Check the JavaScript the uploader page vendors against its manifest, and against npm.

`python -m devtools.vendored_js` checks each vendored file's SHA-256 against
``terraform/examples/local/uploader/vendor/vendored.json`` (offline). With ``--registry`` it also
fetches each pinned package with ``npm pack``, checks the tarball's integrity (npm's sha512)
against the manifest and each vendored file's bytes against the tarball's, and checks that the
package the manifest says it is reached through (``@aws-sdk/crc64-nvme``) depends on it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from devtools import REPO_ROOT

VENDOR_DIR = REPO_ROOT / "terraform" / "examples" / "local" / "uploader" / "vendor"
MANIFEST = VENDOR_DIR / "vendored.json"
# Files in the vendor directory that are not copies from a package.
OWN_FILES = {"vendored.json", "README.md"}


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(MANIFEST.read_text())
    return loaded


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sri_sha512(data: bytes) -> str:
    """npm's integrity string for ``data`` (Subresource Integrity, sha512)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def shown(path: Path) -> str:
    """A vendored file's name in messages: from the uploader's directory on."""
    return f"vendor/{path.relative_to(VENDOR_DIR)}"


def check_local() -> list[str]:
    """Problems with the vendored files as the manifest lists them (empty when all match)."""
    problems = []
    listed = set(OWN_FILES)
    for package in manifest()["packages"]:
        directory = VENDOR_DIR / package["directory"]
        for name, entry in package["files"].items():
            path = directory / name
            listed.add(str(path.relative_to(VENDOR_DIR)))
            if not path.is_file():
                problems.append(f"{shown(path)} is missing")
            elif sha256_hex(path.read_bytes()) != entry["sha256"]:
                shipped = f"{package['name']}@{package['version']}"
                problems.append(f"{shown(path)} is not the file {shipped} ships")
    for path in sorted(VENDOR_DIR.rglob("*")):
        if path.is_file() and str(path.relative_to(VENDOR_DIR)) not in listed:
            problems.append(f"{shown(path)} is not in {MANIFEST.name}")
    return problems


def npm_pack(spec: str, destination: Path, npm: str = "npm") -> Path:
    """The tarball of ``spec`` (``name@version``), fetched by ``npm pack`` into ``destination``."""
    completed = subprocess.run(
        [npm, "pack", spec, "--json", "--prefer-offline", "--pack-destination", str(destination)],
        capture_output=True,
        text=True,
        check=False,
        cwd=destination,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"npm pack {spec} failed: {completed.stderr.strip()[-500:]}")
    filename: str = json.loads(completed.stdout)[0]["filename"]
    return destination / filename


def tar_member(tarball: Path, member: str) -> bytes:
    with tarfile.open(tarball) as archive:
        extracted = archive.extractfile(member)
        if extracted is None:
            raise KeyError(member)
        return extracted.read()


def check_registry(npm: str = "npm") -> list[str]:
    """Problems found by comparing each vendored package with the npm registry's own tarball."""
    problems = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for package in manifest()["packages"]:
            spec = f"{package['name']}@{package['version']}"
            tarball = npm_pack(spec, work, npm)
            if sri_sha512(tarball.read_bytes()) != package["integrity"]:
                problems.append(f"{spec}: the registry's tarball is not the integrity pinned in {MANIFEST.name}")
                continue
            for name, entry in package["files"].items():
                vendored = (VENDOR_DIR / package["directory"] / name).read_bytes()
                if tar_member(tarball, entry["from"]) != vendored:
                    problems.append(f"{spec}: {entry['from']} differs from the vendored {name}")
            via = package.get("reached_through")
            if via:
                via_spec = f"{via['name']}@{via['version']}"
                via_tarball = npm_pack(via_spec, work, npm)
                if sri_sha512(via_tarball.read_bytes()) != via["integrity"]:
                    problems.append(f"{via_spec}: the registry's tarball is not the integrity pinned in the manifest")
                    continue
                dependencies = json.loads(tar_member(via_tarball, "package/package.json")).get("dependencies", {})
                if package["name"] not in dependencies:
                    problems.append(f"{via_spec} no longer depends on {package['name']}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", action="store_true", help="also compare with the packages npm serves")
    arguments = parser.parse_args(argv)
    problems = check_local()
    if arguments.registry:
        npm = shutil.which("npm")
        if npm is None:
            problems.append("npm is not on PATH: cannot compare with the registry")
        else:
            problems += check_registry(npm)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        checked = " and the registry" if arguments.registry else ""
        print(f"vendored JavaScript matches {MANIFEST.relative_to(REPO_ROOT)}{checked}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
