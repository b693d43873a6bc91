"""`make demo`: the whole service on loopback, end to end, then nothing left behind.

1. apply terraform/examples/local to a moto server;
2. the seed's flow: GET /upload-url, then PUT the file to PUT_URL as `curl --upload-file` does;
3. the v1 flow: POST /uploads, then PUT with exactly the returned headers;
4. read both objects back from the bucket; destroy; stop.
"""

from __future__ import annotations

import base64
import hashlib
import sys

import requests

from devtools import PACKAGE_ZIP
from devtools.deployed_function import DeployedFunction
from devtools.local_stack import LocalStack, local_stack

SAMPLE = b"Hello from presigned-uploads: these bytes went straight to the bucket.\n"


def step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def redact(url: str) -> str:
    """A presigned URL without its query: the signature never reaches a terminal or a log."""
    return url.split("?", 1)[0] + "?X-Amz-…(signed query redacted)"


def check_stored(stack: LocalStack, key: str, content_type: str | None) -> None:
    stored = stack.client("s3").get_object(Bucket=stack.outputs["bucket_name"], Key=key)
    data = stored["Body"].read()
    if data != SAMPLE:
        raise SystemExit(f"the object at {key} does not hold the sample bytes")
    if content_type and stored["ContentType"] != content_type:
        raise SystemExit(f"the object at {key} has content type {stored['ContentType']}, not {content_type}")
    print(f"    stored: s3://{stack.outputs['bucket_name']}/{key} ({len(data)} bytes, {stored['ContentType']})")


def seed_flow(function: DeployedFunction, stack: LocalStack) -> None:
    step("The seed's flow: GET /upload-url")
    status, _, body = function.request("GET", "/upload-url")
    print(f"    {status} UUID={body['UUID']} PUT_URL={redact(body['PUT_URL'])}")
    step('PUT the file to PUT_URL (what `curl -X PUT --upload-file sample.txt "$PUT_URL"` does)')
    response = requests.put(body["PUT_URL"], data=SAMPLE, timeout=30)
    print(f"    {response.status_code} from S3")
    response.raise_for_status()
    check_stored(stack, f"{function.environment['UPLOAD_KEY_PREFIX']}{body['UUID']}", None)


def v1_flow(function: DeployedFunction, stack: LocalStack) -> None:
    sha256 = base64.b64encode(hashlib.sha256(SAMPLE).digest()).decode()
    request = {"content_type": "text/plain", "size": len(SAMPLE), "sha256": sha256, "filename": "sample.txt"}
    step(f"The v1 flow: POST /uploads {request}")
    status, _, body = function.request("POST", "/uploads", request)
    print(f"    {status} key={body['key']} expires_at={body['expires_at']}")
    print(f"    send: {body['method']} {redact(body['url'])}")
    print(f"    with headers: {body['headers']}")
    step("PUT the file with exactly those headers")
    response = requests.put(body["url"], data=SAMPLE, headers=body["headers"], timeout=30)
    print(f"    {response.status_code} from S3")
    response.raise_for_status()
    check_stored(stack, body["key"], "text/plain")
    step("A refused request, for contrast: POST /uploads with a type outside the allowlist")
    status, _, body = function.request("POST", "/uploads", {"content_type": "application/x-msdownload", "size": 10})
    print(f"    {status} {body}")


def main() -> int:
    step("Deploying terraform/examples/local to a moto server on 127.0.0.1")
    with local_stack(log=lambda line: print(f"    {line}", flush=True)) as stack:
        function = DeployedFunction(stack, PACKAGE_ZIP)
        print(f"    function {function.name}: handler {function.handler}, CodeSha256 {function.code_sha256}")
        print(f"    bucket {stack.outputs['bucket_name']}, API {stack.outputs['api_url']}")
        seed_flow(function, stack)
        v1_flow(function, stack)
        step("Tearing everything down")
    print("\nDemo finished: both uploads landed, the stack is destroyed and moto is stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
