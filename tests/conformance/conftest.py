"""The conformance suite runs only against an S3 that checks signatures (LocalStack's).

Against moto's S3 (the fallback on a machine without Python 3.12+) every deviation would be
stored, so these tests would prove nothing: they fail in CI and skip, loudly, elsewhere.
"""

from __future__ import annotations

import os

import pytest

from devtools.local_stack import LocalStack


@pytest.fixture(autouse=True)
def signature_checking_s3(stack: LocalStack) -> None:
    if stack.s3.checks_signatures:
        return
    message = f"the local stack's S3 is {stack.s3.name}, which checks no signature; this suite needs LocalStack"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(f"SKIPPED conformance: {message}")
