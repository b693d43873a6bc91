"""Rules AWS enforces that moto skips, enforced on the local control plane.

moto accepts what a fresh AWS account refuses, so a configuration that fails on its first real
apply could pass every local test. :func:`install` wraps a few of moto's backend methods so that
the moto server the local stack runs (``python -m devtools.aws_rules``) refuses the same requests
with AWS's own error code and message:

- API Gateway: a stage's access logs or execution logging while the account and region have no
  CloudWatch role (``BadRequestException``);
- Cognito: an auth flow the app client does not allow (``InvalidParameterException``), and
  deleting a user pool with deletion protection on (``InvalidParameterException``);
- Lambda: a reserved concurrency that leaves fewer unreserved executions than the account's
  minimum (``InvalidParameterValueException``), against the limit of a new account, 10, unless
  :data:`CONCURRENCY_LIMIT_ENV` says otherwise; and GetAccountSettings, which moto lacks.

Deleting a bucket that still holds objects or versions is refused by LocalStack's S3 itself
(``BucketNotEmpty``); tests/unit/test_aws_rules.py checks each rule, the README lists them all.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.apigateway.exceptions import BadRequestException
from moto.apigateway.models import APIGatewayBackend
from moto.awslambda import urls as lambda_urls
from moto.awslambda.exceptions import InvalidParameterValueException
from moto.awslambda.models import LambdaBackend
from moto.awslambda.responses import LambdaResponse
from moto.cognitoidp.exceptions import InvalidParameterException
from moto.cognitoidp.models import CognitoIdpBackend

CONCURRENCY_LIMIT_ENV = "LOCAL_LAMBDA_CONCURRENCY_LIMIT"
NEW_ACCOUNT_CONCURRENCY_LIMIT = 10

LOGGING_NEEDS_ROLE = "CloudWatch Logs role ARN must be set in account settings to enable logging"
POOL_IS_PROTECTED = (
    "The user pool cannot be deleted because deletion protection is activated. "
    "Deletion protection must be inactivated first."
)

# The client settings (current ALLOW_* names and the legacy ones) that let each flow through.
FLOW_ENABLED_BY = {
    "USER_PASSWORD_AUTH": {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
    "USER_SRP_AUTH": {"ALLOW_USER_SRP_AUTH"},
    "ADMIN_USER_PASSWORD_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "ADMIN_NO_SRP_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "REFRESH_TOKEN_AUTH": {"ALLOW_REFRESH_TOKEN_AUTH"},
    "REFRESH_TOKEN": {"ALLOW_REFRESH_TOKEN_AUTH"},
    "CUSTOM_AUTH": {"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"},
}
# What a client created without ExplicitAuthFlows allows.
DEFAULT_FLOWS = {"ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}


def enables_logging(operation: dict[str, Any]) -> bool:
    """Whether one UpdateStage patch operation turns access logs or execution logging on.

    Terraform's aws_api_gateway_stage and aws_api_gateway_method_settings both send UpdateStage
    (CreateStage carries no logging settings), so this is the one place the rule applies.
    """
    if operation.get("op") != "replace":
        return False
    path, value = str(operation.get("path", "")), str(operation.get("value", ""))
    if path.startswith("/accessLogSettings/"):
        return bool(value)
    if path.endswith("/logging/loglevel"):
        return value.upper() != "OFF"
    if path.endswith("/logging/dataTrace"):
        return value.lower() == "true"
    return False


def flow_allowed(explicit_flows: Iterable[str] | None, auth_flow: str) -> bool:
    """Whether an app client with ``explicit_flows`` lets ``auth_flow`` through."""
    flows = set(explicit_flows or DEFAULT_FLOWS)
    if not any(flow.startswith("ALLOW_") for flow in flows):
        flows |= {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}  # a legacy-only list keeps these on
    return bool(flows & FLOW_ENABLED_BY.get(auth_flow, {auth_flow}))


def concurrency_limit() -> int:
    return int(os.environ.get(CONCURRENCY_LIMIT_ENV, NEW_ACCOUNT_CONCURRENCY_LIMIT))


def minimum_unreserved(limit: int) -> int:
    """Lambda keeps 100 executions unreserved, or all of a new account's 10."""
    return min(100, limit)


def _reserved_by_others(backend: LambdaBackend, function_name: str | None) -> int:
    return sum(
        int(function.reserved_concurrency)
        for function in backend.list_functions()
        if function.reserved_concurrency and function.function_name != function_name
    )


def _client_flows(pool: Any, client_id: str) -> tuple[bool, list[str] | None]:
    client = pool.clients.get(client_id)
    if client is None:
        return False, None
    return True, client.extended_config.get("ExplicitAuthFlows")


@contextmanager
def _patched(owner: type, name: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Iterator[None]:
    original = owner.__dict__.get(name)
    setattr(owner, name, wrap(getattr(owner, name, None)))  # type: ignore[arg-type]  # None: moto lacks it
    try:
        yield
    finally:
        if original is None:
            delattr(owner, name)
        else:
            setattr(owner, name, original)


def _stage_logging(original: Callable[..., Any]) -> Callable[..., Any]:
    def update_stage(self: APIGatewayBackend, function_id: str, stage_name: str, patch_operations: Any) -> Any:
        if not self.account.cloudwatch_role_arn and any(map(enables_logging, patch_operations or [])):
            raise BadRequestException(LOGGING_NEEDS_ROLE)
        return original(self, function_id, stage_name, patch_operations)

    return update_stage


def _initiate_auth(original: Callable[..., Any]) -> Callable[..., Any]:
    def initiate_auth(self: CognitoIdpBackend, client_id: str, auth_flow: str, auth_parameters: Any) -> Any:
        for pool in self.user_pools.values():
            found, flows = _client_flows(pool, client_id)
            if found and not flow_allowed(flows, auth_flow):
                raise InvalidParameterException(f"{auth_flow} flow not enabled for this client")
        return original(self, client_id, auth_flow, auth_parameters)

    return initiate_auth


def _admin_initiate_auth(original: Callable[..., Any]) -> Callable[..., Any]:
    def admin_initiate_auth(
        self: CognitoIdpBackend, user_pool_id: str, client_id: str, auth_flow: str, auth_parameters: Any
    ) -> Any:
        found, flows = _client_flows(self.describe_user_pool(user_pool_id), client_id)
        if found and not flow_allowed(flows, auth_flow):
            raise InvalidParameterException("Auth flow not enabled for this client")
        return original(self, user_pool_id, client_id, auth_flow, auth_parameters)

    return admin_initiate_auth


def _delete_user_pool(original: Callable[..., Any]) -> Callable[..., Any]:
    def delete_user_pool(self: CognitoIdpBackend, user_pool_id: str) -> Any:
        if self.describe_user_pool(user_pool_id).extended_config.get("DeletionProtection") == "ACTIVE":
            raise InvalidParameterException(POOL_IS_PROTECTED)
        return original(self, user_pool_id)

    return delete_user_pool


def _put_function_concurrency(original: Callable[..., Any]) -> Callable[..., Any]:
    def put_function_concurrency(self: LambdaBackend, function_name: str, reserved_concurrency: str) -> Any:
        function = self.get_function(function_name)
        limit = concurrency_limit()
        unreserved = limit - _reserved_by_others(self, function.function_name) - int(reserved_concurrency)
        if unreserved < minimum_unreserved(limit):
            raise InvalidParameterValueException(
                "Specified ReservedConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of [{minimum_unreserved(limit)}]."
            )
        function.reserved_concurrency = reserved_concurrency
        return function.reserved_concurrency

    return put_function_concurrency


def _account_settings(_: Callable[..., Any]) -> Callable[..., Any]:
    def get_account_settings(self: LambdaResponse, *args: Any, **kwargs: Any) -> tuple[int, dict[str, str], str]:
        limit = concurrency_limit()
        settings = {
            "AccountLimit": {
                "ConcurrentExecutions": limit,
                "UnreservedConcurrentExecutions": limit - _reserved_by_others(self.backend, None),
            },
            "AccountUsage": {"FunctionCount": len(list(self.backend.list_functions()))},
        }
        return 200, {}, json.dumps(settings)

    return get_account_settings


ACCOUNT_SETTINGS_PATH = r"{0}/(?P<api_version>[^/]+)/account-settings/?$"


@contextmanager
def installed() -> Iterator[None]:
    """moto's backends enforce the rules inside the block (the server: for its whole life)."""
    lambda_urls.url_paths.setdefault(ACCOUNT_SETTINGS_PATH, LambdaResponse.dispatch)
    with (
        _patched(APIGatewayBackend, "update_stage", _stage_logging),
        _patched(CognitoIdpBackend, "initiate_auth", _initiate_auth),
        _patched(CognitoIdpBackend, "admin_initiate_auth", _admin_initiate_auth),
        _patched(CognitoIdpBackend, "delete_user_pool", _delete_user_pool),
        _patched(LambdaBackend, "put_function_concurrency", _put_function_concurrency),
        _patched(LambdaResponse, "get_account_settings", _account_settings),
    ):
        yield


def main(argv: list[str]) -> None:
    """``python -m devtools.aws_rules -H 127.0.0.1 -p PORT``: moto's server, with the rules."""
    import moto.server

    with installed():
        moto.server.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
