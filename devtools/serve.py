"""`make serve`: the local stack left running until Ctrl-C or SIGTERM, then torn down."""

from __future__ import annotations

import json
import signal
import sys
import threading
from types import FrameType
from typing import Any

from devtools.served_stack import COORDINATES_PATH, ServedStack, served_stack


def instructions(served: ServedStack, coordinates: dict[str, Any]) -> str:
    """What to paste into a terminal to use the stack (a token is fetched, never printed)."""
    api = served.api_url
    auth, sign_in = "", ""
    if served.demo_user is not None:
        body = json.dumps(
            {
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": coordinates["client_id"],
                "AuthParameters": {"USERNAME": served.demo_user.email, "PASSWORD": "PASSWORD_FROM_LOCAL_STACK_JSON"},
            }
        )
        # The password stays in build/local-stack.json; the printed command reads it from there.
        reader = f'$(python3 -c \'import json; print(json.load(open("{COORDINATES_PATH}"))["demo_password"])\')'
        body = body.replace("PASSWORD_FROM_LOCAL_STACK_JSON", "'\"${PW}\"'")
        sign_in = f"""
Sign in (the page has a form; user {served.demo_user.email}, password in {COORDINATES_PATH.name}):
  PW={reader}
  TOKEN=$(curl -s -X POST {served.stack.endpoint}/ -H 'Content-Type: application/x-amz-json-1.1' \\
       -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' -d '{body}' \\
       | python3 -c 'import json,sys; print(json.load(sys.stdin)["AuthenticationResult"]["IdToken"])')
"""
        auth = ' -H "Authorization: $TOKEN"'
    s3_note = (
        "LocalStack: signatures, expiry and signed headers are checked"
        if served.stack.s3.checks_signatures
        else "moto: NO signature is checked"
    )
    return f"""
The local stack is up.
  API:           {api}
  Uploader page: {served.page_url}
  Uppy 6 page:   {served.uppy_page_url}
  AWS endpoint:  {served.stack.endpoint}  (region {served.stack.region}, any access key; moto)
  S3 endpoint:   {served.stack.s3.url}  ({s3_note})
  Bucket:        {coordinates["bucket"]}
  Coordinates:   {COORDINATES_PATH}
{sign_in}
Try the seed's flow:
  PUT_URL=$(curl -s{auth} {api}/upload-url | python3 -c 'import json,sys; print(json.load(sys.stdin)["PUT_URL"])')
  curl -X PUT --upload-file README.md "$PUT_URL"
and the v1 flow:
  curl -s -X POST {api}/uploads{auth} -H 'Content-Type: application/json' \\
       -d '{{"content_type": "text/plain", "size": 5}}'
List what landed:
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \\
  aws --endpoint-url {served.stack.s3.url} s3 ls s3://{coordinates["bucket"]} --recursive

Ctrl-C (or SIGTERM) tears everything down."""


def main() -> int:
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    print("Starting the local stack (moto, LocalStack's S3, terraform apply, gateway, uploader page)…", flush=True)
    with served_stack(log=lambda line: print(f"  {line}", flush=True)) as served:
        coordinates = served.coordinates()
        COORDINATES_PATH.write_text(json.dumps(coordinates, indent=2) + "\n")
        print(instructions(served, coordinates), flush=True)
        stop.wait()
        print("\nTearing down…", flush=True)
    COORDINATES_PATH.unlink(missing_ok=True)
    print("Stopped: stack destroyed, servers closed.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
