"""`nox -s e2e-aws` refuses to spend money without explicit credentials and a named account."""

from __future__ import annotations

import pytest
from moto import mock_aws

from devtools import e2e_aws

ACCOUNT = "123456789012"  # moto's account


def test_no_explicit_credentials_no_run() -> None:
    with pytest.raises(e2e_aws.RefusedToStart, match="explicit AWS credentials"):
        e2e_aws.check_preconditions({"AWS_REGION": "eu-west-1"})


def test_no_region_no_run() -> None:
    with pytest.raises(e2e_aws.RefusedToStart, match="AWS_REGION"):
        e2e_aws.check_preconditions({"AWS_ACCESS_KEY_ID": "x"})


@mock_aws
def test_the_account_must_be_named_and_the_cost_is_said() -> None:
    environ = {"AWS_ACCESS_KEY_ID": "x", "AWS_REGION": "eu-west-1"}
    with pytest.raises(e2e_aws.RefusedToStart) as refused:
        e2e_aws.check_preconditions(environ)
    assert f"{e2e_aws.CONFIRM_ENV}={ACCOUNT}" in str(refused.value.code)
    assert "costs" in str(refused.value.code)
    with pytest.raises(e2e_aws.RefusedToStart):
        e2e_aws.check_preconditions({**environ, e2e_aws.CONFIRM_ENV: "999999999999"})


@mock_aws
def test_named_account_and_credentials_may_run() -> None:
    environ = {"AWS_ACCESS_KEY_ID": "x", "AWS_REGION": "eu-west-1", e2e_aws.CONFIRM_ENV: ACCOUNT}
    assert e2e_aws.check_preconditions(environ) == (ACCOUNT, "eu-west-1")
