"""`make demo`: the whole service on loopback, end to end, then nothing left behind.

1. apply terraform/examples/local to moto (control plane) and LocalStack's S3 (checks signatures),
   and serve its API through the local gateway;
2. the seed's flow over HTTP: GET /upload-url, then PUT the file to PUT_URL as `curl --upload-file` does;
3. the v1 flow over HTTP: POST /uploads, then PUT with exactly the returned headers;
4. S3 itself refuses a PUT that strays from what was signed (another content type);
5. read both objects back from the bucket, and the completion event the v1 upload left on the
   queue (S3 -> EventBridge -> SQS on LocalStack); destroy; stop.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
from urllib.parse import urlsplit

import requests

from devtools.served_stack import ServedStack, served_stack
from devtools.upload_events import messages_for_key, owner_prefix

SAMPLE = b"Hello from presigned-uploads: these bytes went straight to the bucket.\n"


def step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def redact(url: str) -> str:
    """A presigned URL without its query: the signature never reaches a terminal or a log."""
    return url.split("?", 1)[0] + "?X-Amz-…(signed query redacted)"


def check_stored(served: ServedStack, key: str, content_type: str | None) -> None:
    bucket = served.stack.outputs["bucket_name"]
    stored = served.stack.client("s3").get_object(Bucket=bucket, Key=key)
    data = stored["Body"].read()
    if data != SAMPLE:
        raise SystemExit(f"the object at {key} does not hold the sample bytes")
    if content_type and stored["ContentType"] != content_type:
        raise SystemExit(f"the object at {key} has content type {stored['ContentType']}, not {content_type}")
    print(f"    landed: s3://{bucket}/{key} ({len(data)} bytes, {stored['ContentType']})")


def seed_flow(served: ServedStack, auth: dict[str, str]) -> None:
    step(f"The seed's flow (with the ID token): curl -H 'Authorization: …' {served.api_url}/upload-url")
    response = requests.get(f"{served.api_url}/upload-url", headers=auth, timeout=30)
    body = response.json()
    print(f"    {response.status_code} UUID={body['UUID']} PUT_URL={redact(body['PUT_URL'])}")
    response.raise_for_status()
    step('PUT the file to PUT_URL, as `curl -X PUT --upload-file sample.txt "$PUT_URL"` does')
    put = requests.put(body["PUT_URL"], data=SAMPLE, timeout=30)
    print(f"    {put.status_code} from S3")
    put.raise_for_status()
    check_stored(served, urlsplit(body["PUT_URL"]).path.split(f"/{served.stack.outputs['bucket_name']}/", 1)[1], None)


def v1_flow(served: ServedStack, auth: dict[str, str]) -> None:
    sha256 = base64.b64encode(hashlib.sha256(SAMPLE).digest()).decode()
    request = {"content_type": "text/plain", "size": len(SAMPLE), "sha256": sha256, "filename": "sample.txt"}
    step(f"The v1 flow: POST {served.api_url}/uploads {request}")
    response = requests.post(f"{served.api_url}/uploads", json=request, headers=auth, timeout=30)
    body = response.json()
    response.raise_for_status()
    print(f"    {response.status_code} key={body['key']} expires_at={body['expires_at']}")
    print(f"    send: {body['method']} {redact(body['url'])}")
    print(f"    with headers: {body['headers']}")
    step("PUT the file with exactly those headers")
    put = requests.put(body["url"], data=SAMPLE, headers=body["headers"], timeout=30)
    print(f"    {put.status_code} from S3")
    put.raise_for_status()
    check_stored(served, body["key"], "text/plain")
    completion_event(served, body["key"])
    step("For contrast, a type outside the allowlist: POST /uploads with application/x-msdownload")
    refused = requests.post(
        f"{served.api_url}/uploads",
        json={"content_type": "application/x-msdownload", "size": 10},
        headers=auth,
        timeout=30,
    )
    print(f"    {refused.status_code} {refused.json()}")


def completion_event(served: ServedStack, key: str) -> None:
    """The message the upload left on the events queue: what a consumer acts on, with no lookup."""
    step("The completion event: S3 -> EventBridge rule -> SQS, one message per upload")
    if not served.stack.s3.delivers_events:
        print(f"    NOTICE: the S3 here is {served.stack.s3.name}'s, which delivers no bucket event: nothing to show")
        return
    messages = messages_for_key(served.stack.client("sqs"), served.stack.outputs["events_queue_url"], key)
    if len(messages) != 1:
        raise SystemExit(f"expected one completion event for {key}, got {len(messages)}")
    message = messages[0]
    for field in ("bucket", "key", "size", "etag", "reason", "key_prefix", "time"):
        print(f"    {field}: {message[field]}")
    print(f"    owner (the key's segment after key_prefix): {owner_prefix(message)}")


def s3_refuses_a_changed_content_type(served: ServedStack, auth: dict[str, str]) -> None:
    """The signature binds the content type: S3, not our code, refuses another one."""
    request = {"content_type": "text/plain", "size": len(SAMPLE), "filename": "sample.txt"}
    step("S3 checks what was signed: POST /uploads for text/plain, then PUT the bytes as text/html")
    response = requests.post(f"{served.api_url}/uploads", json=request, headers=auth, timeout=30)
    response.raise_for_status()
    body = response.json()
    headers = {**body["headers"], "Content-Type": "text/html"}
    put = requests.put(body["url"], data=SAMPLE, headers=headers, timeout=30)
    code = re.search(r"<Code>([^<]+)</Code>", put.text)
    print(f"    {put.status_code} from S3: {code.group(1) if code else put.text[:80]}")
    if not served.stack.s3.checks_signatures:
        print("    NOTICE: this S3 is moto's, which checks no signature: the PUT above was stored anyway")
    elif put.ok:
        raise SystemExit("S3 stored a PUT whose content type differs from the signed one")


def signed_in(served: ServedStack) -> dict[str, str]:
    """Sign in as the demo user (Cognito on moto) and show what happens without a token."""
    if served.demo_user is None:
        return {}
    step(f"Without a token the API Gateway authorizer refuses: POST {served.api_url}/uploads")
    refused = requests.post(f"{served.api_url}/uploads", json={"content_type": "text/plain", "size": 5}, timeout=30)
    print(f"    {refused.status_code} {refused.json()}")
    step(f"Sign in as {served.demo_user.email} (Cognito SRP, as apps do); the ID token goes in Authorization")
    auth = served.auth_headers()
    print("    signed in (the token is not shown)")
    return auth


def main() -> int:
    step(
        "Starting the local stack: moto and LocalStack's S3 on 127.0.0.1, "
        "terraform apply of terraform/examples/local, the gateway"
    )
    with served_stack(log=lambda line: print(f"    {line}", flush=True)) as served:
        print(f"    API {served.api_url}")
        auth = signed_in(served)
        seed_flow(served, auth)
        v1_flow(served, auth)
        s3_refuses_a_changed_content_type(served, auth)
        step("Tearing everything down")
    print(
        "\nDemo finished: both uploads landed, the v1 upload announced itself on the queue, "
        "S3 refused the changed one, "
        "the stack is destroyed and every server is stopped."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
