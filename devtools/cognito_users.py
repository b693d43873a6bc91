"""Users of the local stack's Cognito user pool (on moto): create them, sign them in."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any


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


def sign_in(cognito: Any, client_id: str, user: User) -> str:
    """The user's ID token, as a single-page app or a CLI would get it."""
    answer = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.email, "PASSWORD": user.password},
    )
    return str(answer["AuthenticationResult"]["IdToken"])
