"""`nox -s e2e-aws` refuses to spend money without explicit credentials and a named account."""

from __future__ import annotations

import re

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from devtools import TERRAFORM_DIR, aws_rules, e2e_aws

pytestmark = pytest.mark.tooling

ACCOUNT = "123456789012"  # moto's account
COMPLETE = TERRAFORM_DIR / "examples" / "complete"


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


def test_the_account_check_names_the_bootstrap_when_api_gateway_cannot_log(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    with aws_rules.installed(), mock_aws():
        apigateway = boto3.client("apigateway", region_name="eu-west-1")
        lambda_ = boto3.client("lambda", region_name="eu-west-1")
        with pytest.raises(e2e_aws.RefusedToStart, match="examples/account-bootstrap"):
            e2e_aws.check_account(apigateway, lambda_)
        role = f"arn:aws:iam::{ACCOUNT}:role/apigateway-cloudwatch-logs"
        apigateway.update_account(patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}])
        said = e2e_aws.check_account(apigateway, lambda_)
    assert said[0].endswith(role)
    assert "10 in the account, 10 unreserved" in said[1]


def test_the_run_applies_the_complete_example_as_shipped() -> None:
    # Only variables the complete example has, and none that lifts a production guard or turns
    # logging off: the teardown lifts the guards itself (devtools/terraform.py).
    variables = e2e_aws.stack_variables("eu-west-1", "presigned-e2e-1234", ACCOUNT)
    declared = set(re.findall(r'^variable "(\w+)"', (COMPLETE / "variables.tf").read_text(), re.MULTILINE))
    assert set(variables) <= declared
    assert not {"user_pool_deletion_protection", "force_destroy", "allow_password_auth", "api_gateway_logging"} & set(
        variables
    )


def test_features_are_named_and_each_turns_on_its_variable() -> None:
    assert e2e_aws.requested_features({}) == ()
    features = e2e_aws.requested_features({e2e_aws.FEATURES_ENV: "events, malware_scan"})
    variables = e2e_aws.stack_variables("eu-west-1", "presigned-e2e-1234", ACCOUNT, features)
    assert variables["enable_events"] == variables["enable_malware_scan"] == "true"
    with pytest.raises(e2e_aws.RefusedToStart, match="unknown feature waf"):
        e2e_aws.requested_features({e2e_aws.FEATURES_ENV: "waf"})


def test_a_region_without_guardduty_malware_protection_refuses_the_scan() -> None:
    class NoMalwareProtection:
        def list_malware_protection_plans(self) -> None:
            raise ClientError({"Error": {"Code": "BadRequestException", "Message": "not here"}}, "List")

    assert e2e_aws.check_region_supports(("events",), NoMalwareProtection()) == []
    with pytest.raises(e2e_aws.RefusedToStart, match="run without malware_scan"):
        e2e_aws.check_region_supports(("malware_scan",), NoMalwareProtection())
