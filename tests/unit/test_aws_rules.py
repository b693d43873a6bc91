"""The local control plane refuses what a fresh AWS account refuses (devtools/aws_rules.py).

Each rule is checked both ways: moto with the rules refuses the request with AWS's error code
and message, and accepts it once the account is set up as AWS requires.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from devtools import aws_rules

pytestmark = pytest.mark.tooling

REGION = "eu-west-1"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(aws_rules.CONCURRENCY_LIMIT_ENV, raising=False)
    with mock_aws(), aws_rules.installed():
        yield


def refusal(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as refused:
        call(**kwargs)
    error = refused.value.response["Error"]
    return error["Code"], error["Message"]


# API Gateway: logging needs the account's CloudWatch role ------------------------------------


def a_stage() -> tuple[Any, str]:
    apigateway = boto3.client("apigateway", region_name=REGION)
    api = apigateway.create_rest_api(name="uploads")["id"]
    root = apigateway.get_resources(restApiId=api)["items"][0]["id"]
    apigateway.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigateway.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = apigateway.create_deployment(restApiId=api)["id"]
    apigateway.create_stage(restApiId=api, stageName="v1", deploymentId=deployment)
    return apigateway, api


ACCESS_LOGS = [
    {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": "arn:aws:logs:eu-west-1:1:log-group:a"},
    {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"},
]
EXECUTION_LOGS = [{"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"}]


@pytest.mark.parametrize("operations", [ACCESS_LOGS, EXECUTION_LOGS], ids=["access logs", "execution logging"])
def test_stage_logging_without_the_account_role_is_refused(aws: None, operations: list[dict[str, str]]) -> None:
    apigateway, api = a_stage()
    code, message = refusal(apigateway.update_stage, restApiId=api, stageName="v1", patchOperations=operations)
    assert (code, message) == ("BadRequestException", aws_rules.LOGGING_NEEDS_ROLE)


def test_stage_logging_with_the_account_role_and_logging_off_without_it(aws: None) -> None:
    apigateway, api = a_stage()
    off = [{"op": "replace", "path": "/*/*/logging/loglevel", "value": "OFF"}]
    apigateway.update_stage(restApiId=api, stageName="v1", patchOperations=off)
    role = "arn:aws:iam::123456789012:role/apigateway-cloudwatch-logs"
    apigateway.update_account(patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}])
    stage = apigateway.update_stage(restApiId=api, stageName="v1", patchOperations=ACCESS_LOGS + EXECUTION_LOGS)
    assert stage["accessLogSettings"]["format"] == "$context.requestId"


# Cognito: the app client's auth flows, deletion protection -----------------------------------


def a_pool(*, deletion_protection: str = "INACTIVE", flows: list[str] | None = None) -> tuple[Any, str, str]:
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = cognito.create_user_pool(PoolName="uploads", DeletionProtection=deletion_protection)["UserPool"]["Id"]
    client_args: dict[str, Any] = {"UserPoolId": pool, "ClientName": "web"}
    if flows is not None:
        client_args["ExplicitAuthFlows"] = flows
    client = cognito.create_user_pool_client(**client_args)["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="alice@example.com", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(
        UserPoolId=pool, Username="alice@example.com", Password="P4ss-word!", Permanent=True
    )
    return cognito, pool, client


PASSWORD = {"USERNAME": "alice@example.com", "PASSWORD": "P4ss-word!"}
SRP_ONLY = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def test_a_flow_the_client_does_not_allow_is_refused(aws: None) -> None:
    cognito, pool, client = a_pool(flows=SRP_ONLY)
    assert refusal(cognito.initiate_auth, ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=PASSWORD) == (
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
    )
    assert refusal(
        cognito.admin_initiate_auth,
        UserPoolId=pool,
        ClientId=client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters=PASSWORD,
    ) == ("InvalidParameterException", "Auth flow not enabled for this client")


def test_a_client_without_explicit_flows_allows_srp_but_not_passwords(aws: None) -> None:
    cognito, _, client = a_pool()
    code, _ = refusal(cognito.initiate_auth, ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=PASSWORD)
    assert code == "InvalidParameterException"
    srp = cognito.initiate_auth(
        ClientId=client, AuthFlow="USER_SRP_AUTH", AuthParameters={"USERNAME": "alice@example.com", "SRP_A": "ab12"}
    )
    assert srp["ChallengeName"] == "PASSWORD_VERIFIER"


def test_an_allowed_flow_signs_in(aws: None) -> None:
    cognito, _, client = a_pool(flows=[*SRP_ONLY, "ALLOW_USER_PASSWORD_AUTH"])
    answer = cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=PASSWORD)
    assert answer["AuthenticationResult"]["IdToken"]


def test_a_protected_pool_is_deleted_only_after_protection_is_off(aws: None) -> None:
    cognito, pool, _ = a_pool(deletion_protection="ACTIVE")
    assert refusal(cognito.delete_user_pool, UserPoolId=pool) == (
        "InvalidParameterException",
        aws_rules.POOL_IS_PROTECTED,
    )
    cognito.update_user_pool(UserPoolId=pool, DeletionProtection="INACTIVE")
    cognito.delete_user_pool(UserPoolId=pool)
    assert cognito.list_user_pools(MaxResults=10)["UserPools"] == []


# Lambda: reserved concurrency within a new account's limit -----------------------------------


def a_function(name: str) -> Any:
    iam = boto3.client("iam", region_name=REGION)
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("handler.py", "def handler(event, context):\n    return {}\n")
    lambda_ = boto3.client("lambda", region_name=REGION)
    lambda_.create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": archive.getvalue()},
    )
    return lambda_


def test_any_reservation_in_a_new_account_is_refused(aws: None) -> None:
    lambda_ = a_function("signer")
    code, message = refusal(lambda_.put_function_concurrency, FunctionName="signer", ReservedConcurrentExecutions=1)
    assert code == "InvalidParameterValueException"
    assert message.endswith("below its minimum value of [10].")


def test_a_reservation_that_leaves_the_minimum_unreserved(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(aws_rules.CONCURRENCY_LIMIT_ENV, "1000")
    lambda_ = a_function("signer")
    assert lambda_.put_function_concurrency(FunctionName="signer", ReservedConcurrentExecutions=900)
    code, message = refusal(lambda_.put_function_concurrency, FunctionName="signer", ReservedConcurrentExecutions=901)
    assert code == "InvalidParameterValueException"
    assert message.endswith("below its minimum value of [100].")


def test_rules_are_lifted_when_the_block_ends() -> None:
    with aws_rules.installed():
        pass
    assert "update_stage" in vars(aws_rules.APIGatewayBackend)
    assert vars(aws_rules.APIGatewayBackend)["update_stage"].__qualname__ == "APIGatewayBackend.update_stage"
    assert "get_account_settings" not in vars(aws_rules.LambdaResponse)
