"""API Gateway's Cognito authorizer, as the local gateway enforces it, and per-user ownership."""

from __future__ import annotations

import base64
import gzip
import json
import time
from pathlib import Path
from typing import Any

import jwt
import moto.cognitoidp
import pytest
import requests
from botocore.exceptions import ClientError

from devtools.cognito_users import User, sign_in
from devtools.served_stack import ServedStack

BODY = {"content_type": "text/plain", "size": 5}


@pytest.fixture(scope="module")
def bob(served: ServedStack) -> User:
    return served.create_user("bob@example.com")


def post(api_url: str, headers: dict[str, str]) -> requests.Response:
    return requests.post(f"{api_url}/uploads", json=BODY, headers=headers, timeout=30)


def test_a_signed_in_user_gets_an_upload_under_their_own_prefix(api_url: str, auth: dict[str, str]) -> None:
    response = post(api_url, auth)
    assert response.status_code == 201
    sub = jwt.decode(auth["Authorization"], options={"verify_signature": False})["sub"]
    assert response.json()["key"].startswith(f"uploads/{sub}/")


def test_no_token_is_401(api_url: str) -> None:
    response = post(api_url, {})
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}


def test_a_tampered_token_is_401(api_url: str, auth: dict[str, str]) -> None:
    header, payload, signature = auth["Authorization"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert post(api_url, {"Authorization": f"{header}.{forged}.{signature}"}).status_code == 401


def moto_signing_key() -> Any:
    # moto signs every pool's tokens with one key pair it ships; holding it lets the test mint a
    # token that is correctly signed but expired, so only the expiry check can refuse it.
    path = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"
    return jwt.PyJWK(json.loads(gzip.decompress(path.read_bytes()))).key


def test_an_expired_token_is_401(api_url: str, auth: dict[str, str]) -> None:
    claims = jwt.decode(auth["Authorization"], options={"verify_signature": False})
    claims |= {"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}
    expired = jwt.encode(claims, moto_signing_key(), algorithm="RS256", headers={"kid": "dummy"})
    assert post(api_url, {"Authorization": expired}).status_code == 401
    # The same claims, not expired and signed the same way, pass: it is the expiry that refused.
    claims |= {"iat": int(time.time()), "exp": int(time.time()) + 600}
    fresh = jwt.encode(claims, moto_signing_key(), algorithm="RS256", headers={"kid": "dummy"})
    assert post(api_url, {"Authorization": fresh}).status_code == 201


def complete_example_auth_flows(served: ServedStack) -> list[str]:
    """The deployed app client's flows, less the local stack's one switch (allow_password_auth):
    the flows of the complete example's client, as a platform team deploys it."""
    cognito = served.stack.client("cognito-idp")
    client = cognito.describe_user_pool_client(
        UserPoolId=served.stack.outputs["user_pool_id"], ClientId=served.client_id
    )["UserPoolClient"]
    return [flow for flow in client["ExplicitAuthFlows"] if flow != "ALLOW_USER_PASSWORD_AUTH"]


def test_the_project_signs_in_through_the_flows_the_complete_example_allows(served: ServedStack, api_url: str) -> None:
    # Another app client of the pool with exactly those flows: SRP gets a token (the control
    # plane refuses any flow a client does not allow, as Cognito does), and the API refuses it
    # because the token is for another client.
    flows = complete_example_auth_flows(served)
    assert sorted(flows) == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]
    cognito = served.stack.client("cognito-idp")
    pool = served.stack.outputs["user_pool_id"]
    other = cognito.create_user_pool_client(UserPoolId=pool, ClientName="someone-elses-app", ExplicitAuthFlows=flows)[
        "UserPoolClient"
    ]["ClientId"]
    assert served.demo_user is not None
    token = sign_in(cognito, pool, other, served.demo_user)
    assert post(api_url, {"Authorization": token}).status_code == 401
    with pytest.raises(ClientError, match="USER_PASSWORD_AUTH flow not enabled for this client"):
        cognito.initiate_auth(
            ClientId=other,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": served.demo_user.email, "PASSWORD": served.demo_user.password},
        )


def test_the_preflight_needs_no_token(served: ServedStack, api_url: str) -> None:
    origin = served.page_url.rsplit("/", 1)[0]
    headers = {"Origin": origin, "Access-Control-Request-Method": "POST"}
    assert requests.options(f"{api_url}/uploads", headers=headers, timeout=30).status_code == 204


def test_another_user_cannot_touch_an_upload_or_a_file(
    served: ServedStack, api_url: str, auth: dict[str, str], bob: User
) -> None:
    bobs = served.auth_headers(bob)
    created = requests.post(
        f"{api_url}/uploads/multipart",
        json={"content_type": "video/mp4", "size": 6 * 1024 * 1024},
        headers=auth,
        timeout=30,
    ).json()
    upload_path = f"{api_url}/uploads/multipart/{created['upload_id']}"
    key = {"key": created["key"]}
    assert requests.get(f"{upload_path}/parts", params=key, headers=bobs, timeout=30).status_code == 404
    assert (
        requests.post(f"{upload_path}/parts", json={**key, "part_numbers": [1]}, headers=bobs, timeout=30).status_code
        == 404
    )
    complete = {**key, "parts": [{"part_number": 1, "etag": '"x"'}]}
    assert requests.post(f"{upload_path}/complete", json=complete, headers=bobs, timeout=30).status_code == 404
    assert requests.delete(upload_path, params=key, headers=bobs, timeout=30).status_code == 404
    assert requests.get(f"{upload_path}/parts", params=key, headers=auth, timeout=30).status_code == 200

    single = post(api_url, auth).json()
    assert requests.put(single["url"], data=b"hello", headers=single["headers"], timeout=30).status_code == 200
    assert requests.get(f"{api_url}/files/{single['key']}", headers=bobs, timeout=30).status_code == 404
    mine = requests.get(f"{api_url}/files/{single['key']}", params={"filename": "hello.txt"}, headers=auth, timeout=30)
    assert mine.status_code == 200
    assert requests.get(mine.json()["url"], timeout=30).content == b"hello"
