"""The deployed function's answer to one request, with its clock set back: URLs already expired.

A URL past its expiry cannot be made by editing one (the date is signed), and waiting out an
expiry costs minutes. So the deployed zip's handler runs in a child process whose clock
(time-machine) stands :data:`SECONDS_AGO` in the past, with the deployed environment, and answers
one proxy event. The clock is set back by less than S3's 15 minutes of allowed skew, so the S3
calls some routes make still succeed, and by more than every expiry the local stack configures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import jwt

from devtools.deployed_function import DeployedFunction
from devtools.gateway.auth import api_gateway_claims
from devtools.proxy_events import proxy_event

SECONDS_AGO = 700

_CHILD = """
import datetime, json, sys
import time_machine
seconds_ago, event = int(sys.argv[1]), json.load(sys.stdin)
past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=seconds_ago)
with time_machine.travel(past, tick=True):
    from upload_api.handler import lambda_handler
    json.dump(lambda_handler(event, None), sys.stdout)
"""


def claims_of(id_token: str) -> dict[str, str]:
    """The claims the authorizer passes on, as strings (the gateway has verified this token)."""
    return api_gateway_claims(jwt.decode(id_token, options={"verify_signature": False}))


def answer_in_the_past(
    function: DeployedFunction,
    id_token: str,
    method: str,
    resource: str,
    *,
    path: str | None = None,
    path_parameters: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The deployed handler's JSON answer to one request, signed :data:`SECONDS_AGO` seconds ago.

    Needs ``time-machine`` in this interpreter (the integration session installs it).
    """
    event = proxy_event(
        method,
        resource,
        path=path,
        path_parameters=path_parameters,
        headers={"content-type": ["application/json"]},
        body=json.dumps(body).encode() if body is not None else None,
    )
    event["requestContext"]["authorizer"] = {"claims": claims_of(id_token)}
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(SECONDS_AGO)],
        input=json.dumps(event),
        env={**function.environment, "PYTHONPATH": str(function.code_dir)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    response = json.loads(child.stdout)
    if response["statusCode"] not in (200, 201):
        raise RuntimeError(f"the handler refused the request: {response['statusCode']} {response['body']}")
    answer: dict[str, Any] = json.loads(response["body"])
    return answer
