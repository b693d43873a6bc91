"""Users of a Cognito user pool (the local stack's on moto, or e2e-aws's): create them, sign them in.

Sign-in is SRP (USER_SRP_AUTH), what Cognito's SDKs do and the only password flow the complete
example's app client allows: the password never leaves the client. The local control plane
refuses a flow the client does not allow, as Cognito does (devtools/aws_rules.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from pycognito.aws_srp import AWSSRP  # type: ignore[import-untyped]  # no type hints shipped


@dataclass(frozen=True)
class User:
    """A user of the pool and the password they sign in with."""

    email: str
    password: str


def create_user(cognito: Any, user_pool_id: str, email: str) -> User:
    """An active user with a fresh random password that meets the pool's policy."""
    password = f"{secrets.token_urlsafe(12)}-Aa1!"
    cognito.admin_create_user(
        UserPoolId=user_pool_id,
        Username=email,
        TemporaryPassword=password,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
    )
    cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=email, Password=password, Permanent=True)
    return User(email=email, password=password)


def sign_in(cognito: Any, user_pool_id: str, client_id: str, user: User) -> str:
    """The user's ID token, got as an app gets it: SRP, with ``cognito``'s endpoint and credentials."""
    srp = AWSSRP(username=user.email, password=user.password, pool_id=user_pool_id, client_id=client_id, client=cognito)
    tokens = srp.authenticate_user()
    return str(tokens["AuthenticationResult"]["IdToken"])
