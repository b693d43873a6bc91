"""One deployment to a moto server, shared by every integration test (an apply costs a minute).

The stack is destroyed and the server stopped when the session ends, even after a failure.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools import PACKAGE_ZIP
from devtools.deployed_function import DeployedFunction
from devtools.local_stack import LocalStack, local_stack


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    """terraform/examples/local applied to a fresh moto server."""
    if not PACKAGE_ZIP.is_file():
        pytest.fail(f"{PACKAGE_ZIP} is missing: run `nox -s integration`, which builds it first")
    with local_stack(log=lambda line: print(line, flush=True)) as deployed:
        yield deployed


@pytest.fixture(scope="session")
def function(stack: LocalStack) -> DeployedFunction:
    """The deployed function, run from the built zip (its CodeSha256 is checked on the way)."""
    return DeployedFunction(stack, PACKAGE_ZIP)
