"""The conformance suite runs only against an S3 that checks signatures (LocalStack's).

Against moto's S3 (the fallback on a machine without Python 3.12+) every deviation would be
stored, so these tests would prove nothing: they fail in CI and skip, loudly, elsewhere.
"""

from __future__ import annotations

import pytest

from devtools.local_stack import LocalStack
from tests.stack_fixtures import require_capability


@pytest.fixture(autouse=True)
def signature_checking_s3(stack: LocalStack) -> None:
    require_capability(
        stack.s3.checks_signatures,
        "conformance",
        f"the local stack's S3 is {stack.s3.name}, which checks no signature; this suite needs LocalStack",
    )
