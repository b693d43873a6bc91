"""Whose request this is, and so under which prefix its keys live.

With Cognito, API Gateway's authorizer has verified the ID token and put its claims in the
event. The authorizer accepts an ID token of *any* app client of the pool, so the function
checks what it cannot: the token is an ID token (``token_use``) issued to one of this
deployment's app clients (``aud``, from Terraform; 403 otherwise). Then the caller's ``sub``
becomes a key segment, so every key is ``<prefix><sub>/...`` and a key under any other segment
is simply not the caller's (404, revealing nothing). Without authentication every key lives
under the shared ``<prefix>``.
"""

from __future__ import annotations

import re

from upload_api.errors import Forbidden, Unauthorized

TYPE_CHECKING = False
if TYPE_CHECKING:
    from upload_api.config import Config
    from upload_api.events import Request

# Cognito's sub is a UUID; anything that is not a plain token cannot become a key segment.
_SUB = r"[A-Za-z0-9-]{1,128}"


def owner_prefix(config: Config, request: Request) -> str:
    """The key prefix of the caller: ``<prefix><sub>/`` with Cognito, ``<prefix>`` without."""
    if config.auth_mode == "none":
        return config.key_prefix
    sub = request.claims.get("sub", "")
    if not re.fullmatch(_SUB, sub):
        raise Unauthorized("this API needs a signed-in caller")
    if request.claims.get("token_use") != "id":
        raise Forbidden("this API takes an ID token, not an access token")
    if request.claims.get("aud") not in config.allowed_audiences:
        raise Forbidden("this token was issued to an app client this API does not accept")
    return f"{config.key_prefix}{sub}/"
