"""The gateway reads API keys as API Gateway binds them: enabled, and in a usage plan of the stage."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from devtools.gateway.auth import enabled_stage_keys, pool_issuer


@pytest.fixture
def apigateway() -> object:
    with mock_aws():
        yield boto3.client("apigateway", region_name="us-east-1")


def test_only_enabled_keys_of_a_plan_bound_to_the_stage_count(apigateway: object) -> None:
    client = apigateway
    api_id = client.create_rest_api(name="api")["id"]  # type: ignore[attr-defined]
    other_api = client.create_rest_api(name="other")["id"]  # type: ignore[attr-defined]
    plan = client.create_usage_plan(name="p", apiStages=[{"apiId": api_id, "stage": "v1"}])["id"]  # type: ignore[attr-defined]
    elsewhere = client.create_usage_plan(name="q", apiStages=[{"apiId": other_api, "stage": "v1"}])["id"]  # type: ignore[attr-defined]
    keys = {
        name: client.create_api_key(name=name, value=f"{name}-value-0123456789", enabled=enabled)["id"]  # type: ignore[attr-defined]
        for name, enabled in [("good", True), ("disabled", False), ("unplanned", True), ("foreign", True)]
    }
    client.create_usage_plan_key(usagePlanId=plan, keyId=keys["good"], keyType="API_KEY")  # type: ignore[attr-defined]
    client.create_usage_plan_key(usagePlanId=plan, keyId=keys["disabled"], keyType="API_KEY")  # type: ignore[attr-defined]
    client.create_usage_plan_key(usagePlanId=elsewhere, keyId=keys["foreign"], keyType="API_KEY")  # type: ignore[attr-defined]

    assert enabled_stage_keys(client, api_id, "v1") == frozenset({"good-value-0123456789"})
    assert enabled_stage_keys(client, api_id, "v2") == frozenset()


def test_a_pools_issuer_and_jwks_location() -> None:
    issuer, jwks = pool_issuer(
        "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC", "http://127.0.0.1:5000"
    )
    assert issuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC"
    assert jwks == "http://127.0.0.1:5000/eu-west-1_AbC/.well-known/jwks.json"
