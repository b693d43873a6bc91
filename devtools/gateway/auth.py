"""What API Gateway checks before it calls the function: Cognito ID tokens and API keys.

A COGNITO_USER_POOLS authorizer accepts an ID token signed by one of its pools' keys (the JWKS
the pool publishes), not expired, issued by that pool, for one of the deployment's app clients.
Its claims reach the function in ``requestContext.authorizer.claims``. A method that requires an
API key accepts only an enabled key that a usage plan binds to this stage.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt


def api_gateway_claims(claims: dict[str, Any]) -> dict[str, str]:
    """A token's claims as a COGNITO_USER_POOLS authorizer hands them to the function: strings,
    with any other JSON value written as JSON."""
    return {name: value if isinstance(value, str) else json.dumps(value) for name, value in claims.items()}


class Unauthorized(Exception):
    """The token is missing or not one API Gateway would accept (401)."""


@dataclass
class CognitoVerifier:
    """Verifies ID tokens of some user pools, for some app clients, as API Gateway's authorizer does."""

    issuers: Mapping[str, str]  # issuer URL -> JWKS URL
    audiences: frozenset[str]
    # (issuer, kid) -> key: a key id is only unique within its pool's JWKS, so a token is checked
    # against the keys of the pool it names, never against a key another pool published.
    _keys: dict[tuple[str, str], Any] = field(default_factory=dict)

    def claims(self, authorization: str | None) -> dict[str, str]:
        """The token's claims as strings (API Gateway's form), or :class:`Unauthorized`."""
        if not authorization:
            raise Unauthorized("no token")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
            issuer = str(unverified.get("iss", ""))
            if issuer not in self.issuers:
                raise Unauthorized("a token of another issuer")
            key = self._signing_key(issuer, jwt.get_unverified_header(token).get("kid"))
            verified: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=list(self.audiences),
                issuer=issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise Unauthorized(str(error)) from None
        if verified.get("token_use") != "id":
            raise Unauthorized("not an ID token")
        return api_gateway_claims(verified)

    def _signing_key(self, issuer: str, kid: Any) -> Any:
        if not isinstance(kid, str):
            raise Unauthorized("a token without a key id")
        if (issuer, kid) not in self._keys:
            with urllib.request.urlopen(self.issuers[issuer], timeout=10) as response:  # noqa: S310 (moto on loopback)
                for entry in json.load(response)["keys"]:
                    self._keys[(issuer, entry["kid"])] = jwt.PyJWK(entry).key
        if (issuer, kid) not in self._keys:
            raise Unauthorized("signed by a key its issuer does not publish")
        return self._keys[(issuer, kid)]


def enabled_stage_keys(apigateway: Any, api_id: str, stage: str) -> frozenset[str]:
    """The values of the enabled API keys that a usage plan binds to ``api_id``'s ``stage``."""
    values: set[str] = set()
    for plan in apigateway.get_usage_plans()["items"]:
        if not any(s["apiId"] == api_id and s["stage"] == stage for s in plan.get("apiStages", [])):
            continue
        for plan_key in apigateway.get_usage_plan_keys(usagePlanId=plan["id"])["items"]:
            key = apigateway.get_api_key(apiKey=plan_key["id"], includeValue=True)
            if key.get("enabled"):
                values.add(key["value"])
    return frozenset(values)


def pool_issuer(pool_arn: str, endpoint: str) -> tuple[str, str]:
    """The issuer URL of a user pool and where its JWKS is served (moto serves it locally)."""
    region = pool_arn.split(":")[3]
    pool_id = pool_arn.rsplit("/", 1)[1]
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}", f"{endpoint}/{pool_id}/.well-known/jwks.json"


def verifier_for(pool_arns: Iterable[str], client_ids: Iterable[str], endpoint: str) -> CognitoVerifier:
    """A verifier for the deployment's pools and app clients."""
    return CognitoVerifier(
        issuers=dict(pool_issuer(arn, endpoint) for arn in pool_arns), audiences=frozenset(client_ids)
    )
