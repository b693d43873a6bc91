"""The npm side: `npm ci` of package-lock.json when node_modules is missing or stale, and the Uppy
page's bundle of Uppy 6 (build/uppy-page/).

package.json pins the Uppy 6 plugins the second uploader page runs, openapi-typescript (the
contract's TypeScript types) and TypeScript (the adapter's declarations); the browser and unit
tests use them from node_modules. Without npm, CI fails with the reason (it must install
everything itself); elsewhere the sessions go on and those tests skip with a visible notice.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from devtools import BUILD_DIR, REPO_ROOT

PACKAGE_LOCK = REPO_ROOT / "package-lock.json"
NODE_MODULES = REPO_ROOT / "node_modules"
# Written after a successful `npm ci`: the digest of the lock file it installed.
INSTALLED_LOCK = NODE_MODULES / ".presigned-uploads-lock.sha256"
UPPY_PAGE_BUILD = BUILD_DIR / "uppy-page"
UPPY_BUNDLE = UPPY_PAGE_BUILD / "uppy.js"
ADAPTER_DIR = REPO_ROOT / "clients" / "uppy"
NODE_NEEDED = "Node.js 20 or newer with npm (https://nodejs.org/, or `sudo apt-get install nodejs npm`)"


class NodeMissing(Exception):
    """node or npm is not on PATH."""


def npm_binary() -> str:
    """The npm on PATH, with a node beside it; :class:`NodeMissing` otherwise."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        missing = "npm" if node else "node"
        raise NodeMissing(f"{missing} is not installed: the Uppy page and its tests need {NODE_NEEDED}")
    return npm


def lock_digest() -> str:
    return hashlib.sha256(PACKAGE_LOCK.read_bytes()).hexdigest()


def installed() -> bool:
    """Whether node_modules holds exactly what package-lock.json pins (as last installed here)."""
    return INSTALLED_LOCK.is_file() and INSTALLED_LOCK.read_text().strip() == lock_digest()


def install(log: Callable[[str], None] = print) -> None:
    """`npm ci` unless node_modules is what the lock file pins. Sessions that run at once (make
    test runs two) take turns: the second finds the first's install and does nothing."""
    npm = npm_binary()
    BUILD_DIR.mkdir(exist_ok=True)
    with (BUILD_DIR / ".npm-install.lock").open("w") as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        if installed():
            return
        log("npm ci: installing package-lock.json's packages into node_modules/")
        # No install scripts: none of these packages needs one (esbuild finds its binary in the
        # @esbuild/<platform> package the lock file pins).
        subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=REPO_ROOT, check=True
        )
        INSTALLED_LOCK.write_text(lock_digest() + "\n")


def build_uppy_page(log: Callable[[str], None] = print) -> Path:
    """Bundle the page's Uppy plugins (terraform/examples/local/uppy-uploader/vendor.js) into
    build/uppy-page/ with the pinned esbuild; a tenth of a second, so it is always rebuilt."""
    npm = npm_binary()
    built = subprocess.run([npm, "run", "--silent", "build:uppy-page"], cwd=REPO_ROOT, capture_output=True, text=True)
    if built.returncode != 0:
        raise RuntimeError(f"npm run build:uppy-page failed:\n{built.stdout}{built.stderr}")
    log(f"{UPPY_BUNDLE.relative_to(REPO_ROOT)}: Uppy for the second uploader page, {UPPY_BUNDLE.stat().st_size} bytes")
    return UPPY_PAGE_BUILD
