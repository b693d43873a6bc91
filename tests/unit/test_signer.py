"""The function's signer: its URLs store bytes in (moto's) S3, and what it binds is in the URL.

moto checks no signature, so the tests that PUT only prove the URL is well formed and usable;
byte-equality with botocore is proven in test_sigv4_equivalence.py.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from tests.unit.conftest import BUCKET, CREDENTIALS, ENVIRONMENT, fresh_python
from upload_api.errors import ConfigError
from upload_api.s3 import LazyS3Client
from upload_api.signer import (
    BotocoreCredentials,
    PutConstraints,
    SigV4UploadSigner,
    configured_endpoint_url,
    credential_source,
    environment_credentials,
)
from upload_api.sigv4 import Credentials

DATA = b"hello, bucket"
# The function's environment with credentials: a cold start in a fresh process.
HANDLER_ENVIRONMENT = {**ENVIRONMENT, "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}


def signer(bucket: str = BUCKET, region: str = "us-east-1", **options: object) -> SigV4UploadSigner:
    return SigV4UploadSigner(
        bucket=bucket,
        region=region,
        expiry_seconds=60,
        credentials=lambda: CREDENTIALS,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def bucket(mocked_aws: None) -> str:
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
    return BUCKET


def test_a_signed_put_stores_the_bytes_with_type_and_checksum(bucket: str) -> None:
    digest = base64.b64encode(hashlib.sha256(DATA).digest()).decode()
    signed = signer(bucket).sign_put("uploads/a.txt", PutConstraints("text/plain", len(DATA), digest))

    response = requests.put(signed.url, data=DATA, headers=signed.headers, timeout=10)

    assert response.status_code == 200
    stored = boto3.client("s3", region_name="us-east-1").get_object(Bucket=bucket, Key="uploads/a.txt")
    assert stored["ContentType"] == "text/plain"
    # moto records x-amz-checksum-sha256 only beside x-amz-sdk-checksum-algorithm, which S3 does
    # not need: compare the stored bytes' digest with the signed one instead.
    assert base64.b64encode(hashlib.sha256(stored["Body"].read()).digest()).decode() == digest


def test_no_overwrite_is_enforced_by_if_none_match(bucket: str) -> None:
    signed = signer(bucket).sign_put("uploads/once.txt", PutConstraints("text/plain", len(DATA)))
    assert requests.put(signed.url, data=DATA, headers=signed.headers, timeout=10).status_code == 200
    assert requests.put(signed.url, data=DATA, headers=signed.headers, timeout=10).status_code == 412


def test_a_signed_get_reads_the_bytes_back_as_an_attachment(bucket: str) -> None:
    boto3.client("s3", region_name="us-east-1").put_object(Bucket=bucket, Key="uploads/d.txt", Body=DATA)
    signed = signer(bucket).sign_get("uploads/d.txt", "report 1.txt")
    response = requests.get(signed.url, timeout=10)
    assert (response.status_code, response.content) == (200, DATA)
    assert response.headers["Content-Disposition"] == 'attachment; filename="report 1.txt"'


def test_the_headers_to_send_are_exactly_the_signed_ones() -> None:
    signed = signer().sign_put("uploads/b.txt", PutConstraints("text/plain", 5, "A" * 43 + "="))
    signed_headers = parse_qs(urlsplit(signed.url).query)["X-Amz-SignedHeaders"][0].split(";")
    assert sorted(name.lower() for name in signed.headers) == sorted(set(signed_headers) - {"host"})


def test_an_unconstrained_put_binds_only_the_host() -> None:
    signed = signer().sign_put("uploads/c")
    assert "X-Amz-SignedHeaders=host&" in signed.url
    assert signed.headers == {}


def test_expires_at_is_the_signing_second_plus_the_expiry() -> None:
    signed = signer(clock=lambda: 1_700_000_000.9).sign_put("uploads/c")
    query = parse_qs(urlsplit(signed.url).query)
    assert query["X-Amz-Date"] == ["20231114T221320Z"]
    assert query["X-Amz-Expires"] == ["60"]
    assert signed.expires_at == 1_700_000_060


def test_the_session_token_is_in_the_url_and_the_secret_is_nowhere() -> None:
    credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", "token/with+chars=")
    made = SigV4UploadSigner(bucket=BUCKET, region="eu-west-3", expiry_seconds=60, credentials=lambda: credentials)
    url = made.sign_put("uploads/c").url
    assert parse_qs(urlsplit(url).query)["X-Amz-Security-Token"] == ["token/with+chars="]
    assert "wJalrXUtnFEMI" not in url
    assert "wJalrXUtnFEMI" not in repr(credentials)
    assert "token" not in repr(credentials)


def test_the_signing_key_is_derived_once_a_day(monkeypatch: pytest.MonkeyPatch) -> None:
    derived: list[str] = []
    import upload_api.sigv4 as sigv4

    real = sigv4.signing_key

    def counting(secret_key: str, datestamp: str, region: str) -> bytes:
        derived.append(datestamp)
        return real(secret_key, datestamp, region)

    monkeypatch.setattr(sigv4, "signing_key", counting)
    clock = iter([1_700_000_000, 1_700_000_100, 1_700_100_000, 1_700_100_001])
    made = signer(clock=lambda: next(clock))
    for _ in range(4):
        made.sign_part("uploads/k", "id", 1)
    assert derived == ["20231114", "20231116"]


def fields(credentials: Credentials | None) -> tuple[str, str, str | None] | None:
    return None if credentials is None else (credentials.access_key, credentials.secret_key, credentials.token)


def test_environment_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    assert environment_credentials({}) is None
    assert environment_credentials({"AWS_ACCESS_KEY_ID": "a"}) is None
    assert fields(environment_credentials({"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"})) == ("a", "b", None)
    found = environment_credentials({"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b", "AWS_SESSION_TOKEN": "t"})
    assert fields(found) == ("a", "b", "t")
    assert fields(credential_source({"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"})()) == ("a", "b", None)
    assert isinstance(credential_source({}), BotocoreCredentials)


def test_without_environment_credentials_botocore_s_chain_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    shared = tmp_path / "credentials"
    shared.write_text("[default]\naws_access_key_id = FROMFILE\naws_secret_access_key = filesecret\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(shared))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    assert fields(BotocoreCredentials()()) == ("FROMFILE", "filesecret", None)


def test_configured_endpoint_url() -> None:
    assert configured_endpoint_url({}) is None
    assert configured_endpoint_url({"AWS_ENDPOINT_URL": "http://a:1"}) == "http://a:1"
    both = {"AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_S3": "http://b:2"}
    assert configured_endpoint_url(both) == "http://b:2"
    assert configured_endpoint_url({**both, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}) is None


@pytest.mark.parametrize("switch", ["AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"])
def test_fips_and_dual_stack_endpoints_stop_the_cold_start(switch: str) -> None:
    """botocore would send the function's own S3 calls there while URLs name the standard
    endpoint: the function refuses to start rather than sign URLs that break silently."""
    assert configured_endpoint_url({switch: "false"}) is None
    with pytest.raises(ConfigError, match=switch):
        configured_endpoint_url({switch: "TRUE"})
    result = fresh_python("import upload_api.handler", {**HANDLER_ENVIRONMENT, switch: "true"})
    assert result.returncode != 0
    assert f"ConfigError: {switch}=true is not supported" in result.stderr


@pytest.mark.parametrize("endpoint", ["ftp://x", "http://x:1/path", "http://x?a=1", "http://u@x", "http://[::1]:9"])
def test_an_endpoint_the_signer_cannot_take_fails_the_cold_start(endpoint: str) -> None:
    with pytest.raises(ConfigError, match="AWS_ENDPOINT_URL_S3"):
        signer(endpoint_url=endpoint)


def test_importing_the_handler_loads_no_sdk() -> None:
    code = (
        "import sys, upload_api.handler as h; "
        "assert h.API is not None; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')))"
    )
    result = fresh_python(code, HANDLER_ENVIRONMENT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# What a cold POST /uploads must not load: the SDK, and the standard-library modules the function
# does without to keep its cold start small (docs/performance.md, "Only the tricks that pay").
# threading, contextlib and logging are not here: Lambda's runtime has imported them before the
# handler.
NOT_ON_THE_COLD_PATH = {
    "boto3",
    "botocore",
    "typing",
    "dataclasses",
    "inspect",
    "uuid",
    "urllib",
    "datetime",
    "base64",
    "hashlib",
    "hmac",
    "_hashlib",
}


def test_answering_post_uploads_loads_no_sdk_and_none_of_the_heavy_modules() -> None:
    code = (
        "import json, sys; before = set(sys.modules); import upload_api.handler as h; "
        "event = {'resource': '/uploads', 'path': '/uploads', 'httpMethod': 'POST', "
        "'headers': {'Content-Type': 'application/json'}, "
        "'body': json.dumps({'content_type': 'image/png', 'size': 10, 'filename': 'a.png'})}; "
        "assert h.lambda_handler(event, None)['statusCode'] == 201; "
        "print(' '.join(sorted({name.split('.')[0] for name in set(sys.modules) - before})))"
    )
    result = fresh_python(code, HANDLER_ENVIRONMENT)
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    assert "upload_api" in loaded
    assert loaded & NOT_ON_THE_COLD_PATH == set()


def test_the_s3_client_is_built_on_first_need_and_once() -> None:
    built: list[str] = []

    def factory(region: str) -> Any:
        built.append(region)
        return object()

    lazy = LazyS3Client("eu-west-3", factory)
    assert built == []
    first = lazy()
    assert lazy() is first
    assert built == ["eu-west-3"]
