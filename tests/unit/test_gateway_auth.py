"""The gateway checks what API Gateway checks: API keys bound to the stage, and each pool's own tokens."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from moto import mock_aws

from devtools.gateway import auth
from devtools.gateway.auth import CognitoVerifier, Unauthorized, enabled_stage_keys, pool_issuer

pytestmark = pytest.mark.tooling


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


class _Pool:
    """A user pool of its own: an RSA signing key, its key id, its issuer and its JWKS location."""

    def __init__(self, pool_id: str, kid: str) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = kid
        self.issuer, self.jwks_url = pool_issuer(
            f"arn:aws:cognito-idp:eu-west-1:123456789012:userpool/{pool_id}", "http://127.0.0.1:1"
        )

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def token(self, *, issuer: str | None = None, sub: str = "user-1") -> str:
        claims = {
            "iss": issuer or self.issuer,
            "aud": "app-client",
            "sub": sub,
            "token_use": "id",
            "exp": int(time.time()) + 600,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture
def two_pools(monkeypatch: pytest.MonkeyPatch) -> tuple[_Pool, _Pool, CognitoVerifier]:
    """Two pools the deployment trusts, their JWKS served by a fake urlopen."""
    first, second = _Pool("eu-west-1_First", "first-key"), _Pool("eu-west-1_Second", "second-key")
    served = {pool.jwks_url: pool.jwks() for pool in (first, second)}

    def urlopen(url: str, timeout: float) -> io.BytesIO:
        return io.BytesIO(json.dumps(served[url]).encode())

    monkeypatch.setattr(auth.urllib.request, "urlopen", urlopen)
    verifier = CognitoVerifier(
        issuers={first.issuer: first.jwks_url, second.issuer: second.jwks_url}, audiences=frozenset({"app-client"})
    )
    return first, second, verifier


def test_each_pool_s_own_tokens_are_accepted(two_pools: tuple[_Pool, _Pool, CognitoVerifier]) -> None:
    first, second, verifier = two_pools
    assert verifier.claims(first.token(sub="a"))["sub"] == "a"
    assert verifier.claims(second.token(sub="b"))["iss"] == second.issuer


def test_a_token_signed_by_one_pool_naming_another_as_issuer_is_refused(
    two_pools: tuple[_Pool, _Pool, CognitoVerifier],
) -> None:
    first, second, verifier = two_pools
    verifier.claims(first.token())  # the first pool's keys are now cached
    verifier.claims(second.token())
    forged = first.token(issuer=second.issuer, sub="someone-of-the-second-pool")
    with pytest.raises(Unauthorized):
        verifier.claims(forged)


def test_a_token_without_a_key_id_is_refused(two_pools: tuple[_Pool, _Pool, CognitoVerifier]) -> None:
    first, _, verifier = two_pools
    claims = {"iss": first.issuer, "aud": "app-client", "sub": "x", "token_use": "id", "exp": int(time.time()) + 60}
    with pytest.raises(Unauthorized):
        verifier.claims(jwt.encode(claims, first.key, algorithm="RS256"))
