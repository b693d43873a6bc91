"""Build a gateway for the API and functions Terraform deployed to the local stack."""

from __future__ import annotations

from pathlib import Path

from devtools.deployed_function import DeployedFunction
from devtools.gateway.api_model import load_api
from devtools.gateway.auth import enabled_stage_keys, verifier_for
from devtools.gateway.server import GatewayConfig
from devtools.gateway.worker import WorkerPool
from devtools.local_stack import LocalStack


def gateway_config(stack: LocalStack, package: Path) -> GatewayConfig:
    """Read the deployed API and prepare a warm pool for each function it integrates."""
    apigateway = stack.client("apigateway")
    api_id = stack.outputs["rest_api_id"]
    api = load_api(apigateway, api_id, stack.outputs["stage_name"])
    names = {method.function_name for r in api.resources for method in r.methods.values() if method.function_name}
    pools = {}
    for name in sorted(names):
        function = DeployedFunction(stack, package, name)  # refuses code that is not the zip
        pools[name] = WorkerPool(function.code_dir, function.handler, function.environment, function.timeout)
    binary = tuple(apigateway.get_rest_api(restApiId=api_id).get("binaryMediaTypes") or ())
    pool_arns = {arn for r in api.resources for method in r.methods.values() for arn in method.user_pool_arns}
    verifier = verifier_for(pool_arns, stack.outputs.get("user_pool_client_ids") or [], stack.endpoint)
    return GatewayConfig(
        api=api,
        pools=pools,
        binary_media_types=binary,
        verifier=verifier if pool_arns else None,
        api_keys=enabled_stage_keys(apigateway, api_id, api.stage),
    )
