"""Fixtures for one deployment to the local stack (moto, LocalStack's S3), served through the local gateway, shared by
every integration and browser test in a pytest run (an apply costs about a minute).

The stack is destroyed and every server stopped when the session ends, even after a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools import PACKAGE_ZIP
from devtools.deployed_function import DeployedFunction
from devtools.local_stack import LocalStack
from devtools.served_stack import ServedStack, served_stack

# A second origin the stack allows, for tests that are not the uploader page.
TEST_ORIGIN = "http://127.0.0.1:9"


@pytest.fixture(scope="session")
def served() -> Iterator[ServedStack]:
    """The complete example (with examples/local's switches) on fresh emulators, its API on the gateway."""
    if not PACKAGE_ZIP.is_file():
        pytest.fail(f"{PACKAGE_ZIP} is missing: run `nox -s integration`, which builds it first")
    with served_stack(log=lambda line: print(line, flush=True), extra_origins=(TEST_ORIGIN,)) as running:
        yield running


@pytest.fixture(scope="session")
def stack(served: ServedStack) -> LocalStack:
    """The Terraform deployment on the local stack."""
    return served.stack


@pytest.fixture(scope="session")
def api_url(served: ServedStack) -> str:
    """The API's invoke URL (with its stage) on the local gateway."""
    return served.api_url


@pytest.fixture(scope="session")
def function(stack: LocalStack) -> DeployedFunction:
    """The deployed function's configuration (its CodeSha256 is checked against the built zip)."""
    return DeployedFunction(stack, PACKAGE_ZIP)


@pytest.fixture(scope="session")
def auth(served: ServedStack) -> dict[str, str]:
    """Headers that authenticate as the demo user (an ID token from the local user pool)."""
    return served.auth_headers()


def require_capability(capable: bool, what: str, reason: str) -> None:
    """Go on when the local stack can do what a test needs; else fail in CI (where the project
    installs everything) and skip with a visible notice on a laptop (the moto S3 fallback)."""
    if capable:
        return
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(f"SKIPPED {what}: {reason}")


def cli(*arguments: str, cwd: Path, auth: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a CI job would run it (`nox -s integration` installs it),
    with the token in its environment variable, never on the command line."""
    environment = {**os.environ, "PRESIGNED_UPLOAD_TOKEN": auth.get("Authorization", "")}
    arguments = (*arguments, *(f"--header={name}:{value}" for name, value in auth.items() if name != "Authorization"))
    script = Path(sys.executable).parent / "presigned-upload"
    if not script.is_file():
        pytest.fail(f"{script} is missing: install the client first (pip install .), as nox -s integration does")
    return subprocess.run(
        [str(script), *arguments], cwd=cwd, env=environment, capture_output=True, text=True, check=False
    )
