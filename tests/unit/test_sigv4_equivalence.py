"""The hand-written signer makes byte-for-byte the URLs botocore makes, on generated inputs.

For any key, any bucket name config validation accepts, regions of every partition, any expiry
SigV4 allows, any moment, credentials with and without a session token, every combination of
bound headers, and the default or a custom endpoint: ``SigV4UploadSigner`` (upload_api.sigv4)
returns the URL and headers the reference ``Boto3UploadSigner`` (botocore's
``generate_presigned_url`` on the client of upload_api.s3) returns. The clock is pinned on both
sides. 2 000 examples (the three kinds of request mixed) by default; ``HYPOTHESIS_PROFILE=deep``
runs 50 000.
"""

from __future__ import annotations

import base64
import calendar
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.signers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.reference_signer import Boto3UploadSigner
from tests.unit.conftest import ENVIRONMENT
from upload_api import sigv4
from upload_api.config import load_config
from upload_api.errors import ConfigError
from upload_api.interfaces import UploadSigner
from upload_api.multipart import MAX_PARTS
from upload_api.s3 import regional_s3_client
from upload_api.signer import PutConstraints, SignedRequest, SigV4UploadSigner

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Regions of every partition config validation lets through, and made-up ones (partition "aws").
REGIONS = (
    "us-east-1",
    "eu-west-3",
    "ap-southeast-7",
    "mx-central-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-isob-east-1",
    "eu-isoe-west-1",
    "us-isof-south-1",
    "eusc-de-east-1",
    "xy-moon-1",
    "us-gov-east-north-9",
)
# The local stack's endpoint (an IP), names, ports default and not, upper case, a trailing slash.
ENDPOINTS = (
    None,
    "http://127.0.0.1:4566",
    "https://10.1.2.3:8443",
    "http://localhost:4566",
    "https://s3.example.com",
    "http://minio.internal:9000/",
    "http://LocalStack.Example:80",
    "https://s3.example.com:443",
)
# botocore drops this exact Content-Type from a presigned request (it takes it for its own form
# default); the function's signer binds it like any other. Shown by its own test below.
BOTOCORE_DROPPED_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
EPOCH = datetime(1970, 1, 1)


def accepted_bucket(name: str) -> bool:
    try:
        load_config({**ENVIRONMENT, "UPLOAD_BUCKET": name})
    except ConfigError:
        return False
    return True


def accepted_region(region: str) -> bool:
    try:
        load_config({**ENVIRONMENT, "UPLOAD_BUCKET_REGION": region})
    except ConfigError:
        return False
    return True


@cache
def botocore_client(region: str, endpoint: str | None) -> S3Client:
    """The project's client (upload_api.s3) for a region and endpoint, built once."""
    environment = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
    if endpoint is not None:
        environment["AWS_ENDPOINT_URL_S3"] = endpoint
    with mock.patch.dict(os.environ, environment):
        return regional_s3_client(region)


@contextmanager
def botocore_at(epoch_seconds: int, client: S3Client, credentials: sigv4.Credentials) -> Iterator[None]:
    """botocore's clock pinned to ``epoch_seconds`` (the signer's, which dates a URL, and the
    presigner's, which a POST policy's expiration is counted from) and its client signing with
    ``credentials``."""
    # The request signer reads its (frozen) credentials at every signing; swapping them is
    # what makes thousands of credentials testable without a client for each.
    signer = client._request_signer  # type: ignore[attr-defined]
    signer._credentials = botocore.credentials.Credentials(
        credentials.access_key, credentials.secret_key, credentials.token
    )
    moment = EPOCH + timedelta(seconds=epoch_seconds)
    with (
        mock.patch.object(botocore.auth, "get_current_datetime", return_value=moment),
        mock.patch.object(botocore.signers, "get_current_datetime", return_value=moment),
    ):
        yield


# Keys: any Unicode S3 can store (no lone surrogates: they have no UTF-8), with a bias to the
# characters URL encoding gets wrong: space, + ~ % / ? # & = and dot segments.
KEY_CHARACTERS = st.characters(codec="utf-8")
TRICKY = st.sampled_from([" ", "+", "~", "%", "/", "?", "#", "&", "=", ";", ":", "@", ".", "..", "./", "//", "%2F"])
keys = st.one_of(
    st.text(KEY_CHARACTERS, min_size=1, max_size=80),
    st.lists(st.one_of(TRICKY, st.text(KEY_CHARACTERS, max_size=6)), min_size=1, max_size=12).map("".join).filter(bool),
)
LOWER_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789"
UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
BASE64 = LOWER_DIGITS + UPPER_DIGITS + "+/="
# Bucket names as config's pattern makes them (the edges a letter or digit, dots and hyphens
# inside), kept when config validation accepts them; plus the endpoint rules' edge cases.
buckets = st.one_of(
    st.builds(
        lambda first, middle, last: first + middle + last,
        st.sampled_from(LOWER_DIGITS),
        st.text(LOWER_DIGITS + ".-", min_size=1, max_size=61),
        st.sampled_from(LOWER_DIGITS),
    ),
    st.sampled_from(["my-bucket", "my.bucket", "a-.b", "abc", "b.a-b.1x", "10.0.0.1x", "x" * 63]),
).filter(accepted_bucket)
moments = st.integers(calendar.timegm((2000, 1, 1, 0, 0, 0)), calendar.timegm((2099, 12, 31, 23, 59, 59)))
expiries = st.integers(1, 7 * 24 * 3600)  # all SigV4 allows, beyond the service's own hour
printable = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40)
credentials = st.builds(
    sigv4.Credentials,
    access_key=st.one_of(st.text(UPPER_DIGITS, min_size=16, max_size=24), printable),
    secret_key=st.one_of(st.text(BASE64, min_size=40, max_size=40), st.text(KEY_CHARACTERS, min_size=1)),
    token=st.one_of(st.none(), st.text(BASE64, min_size=20, max_size=400), printable),
)
digests = st.binary(min_size=32, max_size=32).map(lambda raw: base64.b64encode(raw).decode())
crc64nvmes = st.binary(min_size=8, max_size=8).map(lambda raw: base64.b64encode(raw).decode())
# One checksum at most per request, as the API allows: SHA-256 or CRC64NVME.
checksums = st.one_of(st.tuples(st.none(), st.none()), st.tuples(digests, st.none()), st.tuples(st.none(), crc64nvmes))
# What POST /uploads accepts (upload_api.uploads) and, beyond it, any printable ASCII with
# spaces to trim: the canonical header value is the same for both signers.
content_types = st.one_of(
    st.builds(
        "{}/{}{}".format,
        st.text(LOWER_DIGITS, min_size=1, max_size=12),
        st.text(LOWER_DIGITS + ".+-", min_size=1, max_size=20),
        st.sampled_from(["", "; charset=utf-8", ";charset=UTF-8", '; name="a b"']),
    ),
    printable,
).filter(lambda value: value.strip() and value != BOTOCORE_DROPPED_CONTENT_TYPE)
constraints = st.one_of(
    st.none(),
    st.builds(
        lambda content_type, content_length, checksum: PutConstraints(content_type, content_length, *checksum),
        content_type=content_types,
        content_length=st.integers(0, 5 * 1024**4),
        checksum=checksums,
    ),
)
# S3 upload ids are opaque and URL-safe; the handler takes these (upload_api.multipart).
upload_ids = st.text(BASE64 + "._~-", min_size=1, max_size=200)
# S3 version ids are opaque URL-safe strings too (e.g. "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY").
version_ids = st.text(BASE64 + "._-", min_size=1, max_size=64)
filenames = st.one_of(st.none(), st.text(LOWER_DIGITS + UPPER_DIGITS + "._ -", min_size=1), st.text(KEY_CHARACTERS))

Signed = TypeVar("Signed")


def both(
    bucket: str,
    region: str,
    endpoint: str | None,
    now: int,
    expiry: int,
    creds: sigv4.Credentials,
    sign: Callable[[UploadSigner], Signed],
) -> tuple[Signed, Signed]:
    """What ``sign`` makes with our signer and with botocore's, at the same moment and credentials."""
    ours = SigV4UploadSigner(
        bucket=bucket,
        region=region,
        expiry_seconds=expiry,
        download_expiry_seconds=expiry,
        credentials=lambda: creds,
        endpoint_url=endpoint,
        clock=lambda: now + 0.75,
    )
    client = botocore_client(region, endpoint)
    theirs = Boto3UploadSigner(
        bucket=bucket, region=region, expiry_seconds=expiry, download_expiry_seconds=expiry, client=client
    )
    with botocore_at(now, client, creds):
        expected = sign(theirs)
    return sign(ours), expected


@dataclass(frozen=True)
class Put:
    """``sign_put`` of the function's API (POST /uploads, GET /upload-url)."""

    key: str
    constraints: PutConstraints | None

    def __call__(self, signer: UploadSigner) -> SignedRequest:
        return signer.sign_put(self.key, self.constraints)


@dataclass(frozen=True)
class Part:
    """``sign_part`` (the multipart routes)."""

    key: str
    upload_id: str
    part_number: int
    checksum: tuple[str | None, str | None]  # (SHA-256, CRC64NVME)
    content_length: int | None

    def __call__(self, signer: UploadSigner) -> SignedRequest:
        sha256, crc64nvme = self.checksum
        return signer.sign_part(self.key, self.upload_id, self.part_number, sha256, self.content_length, crc64nvme)


@dataclass(frozen=True)
class Get:
    """``sign_get`` (GET /files/{key+})."""

    key: str
    filename: str | None
    content_type: str | None
    version_id: str | None

    def __call__(self, signer: UploadSigner) -> SignedRequest:
        return signer.sign_get(self.key, self.filename, self.content_type, self.version_id)


requests = st.one_of(
    st.builds(Put, keys, constraints),
    st.builds(
        Part,
        keys,
        upload_ids,
        st.integers(1, MAX_PARTS),
        checksums,
        st.one_of(st.none(), st.integers(1, 5 * 1024**3)),
    ),
    st.builds(
        Get,
        keys,
        filenames,
        st.one_of(st.none(), st.sampled_from(["application/octet-stream", "image/png", "text/plain; charset=utf-8"])),
        st.one_of(st.none(), version_ids),
    ),
)


@given(
    request=requests,
    bucket=buckets,
    region=st.sampled_from(REGIONS),
    endpoint=st.sampled_from(ENDPOINTS),
    now=moments,
    expiry=expiries,
    creds=credentials,
)
def test_presigned_urls_equal_botocore_s(
    request: Put | Part | Get,
    bucket: str,
    region: str,
    endpoint: str | None,
    now: int,
    expiry: int,
    creds: sigv4.Credentials,
) -> None:
    ours, theirs = both(bucket, region, endpoint, now, expiry, creds, request)
    assert ours.url == theirs.url
    assert ours.headers == theirs.headers
    assert ours.method == theirs.method
    assert ours.expires_at == now + expiry


def test_the_swapped_credentials_and_pinned_clock_take_effect() -> None:
    """The test's own levers work: otherwise the equalities above could hold by accident."""
    creds = sigv4.Credentials("AKIAPINNEDEXAMPLE123", "secret", "the-token")
    client = botocore_client("eu-west-3", None)
    with botocore_at(calendar.timegm((2030, 1, 2, 3, 4, 5)), client, creds):
        url = Boto3UploadSigner(bucket="b-1", region="eu-west-3", expiry_seconds=9, client=client).sign_put("k").url
    assert "X-Amz-Credential=AKIAPINNEDEXAMPLE123%2F20300102%2Feu-west-3" in url
    assert "X-Amz-Date=20300102T030405Z" in url
    assert "X-Amz-Security-Token=the-token" in url


def test_botocore_drops_one_content_type_that_the_function_binds() -> None:
    """The one known divergence: botocore leaves out its own form default; we bind what we return."""
    creds = sigv4.Credentials("AKID", "secret")
    constraint = PutConstraints(BOTOCORE_DROPPED_CONTENT_TYPE, 5)
    ours, theirs = both("b-1", "eu-west-3", None, 2_000_000_000, 60, creds, lambda s: s.sign_put("k", constraint))
    assert "content-type" not in signed_headers(theirs.url)
    assert "content-type" in signed_headers(ours.url)
    expected = {"Content-Type": constraint.content_type, "Content-Length": "5", "If-None-Match": "*"}
    assert ours.headers == theirs.headers == expected


def signed_headers(url: str) -> list[str]:
    return parse_qs(urlsplit(url).query)["X-Amz-SignedHeaders"][0].split(";")


def test_the_partition_table_is_botocore_s() -> None:
    partitions = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text())["partitions"]
    assert tuple((p["regionRegex"], p["outputs"]["dnsSuffix"]) for p in partitions) == sigv4.PARTITIONS
    # A region botocore names explicitly (not by its partition's regex) must be one config refuses.
    for partition in partitions:
        for region in partition["regions"]:
            assert re.match(partition["regionRegex"], region) or not accepted_region(region), region
    # Each partition's regions are reachable: one example of each loads.
    for example in ("us-east-1", "cn-north-1", "eusc-de-east-1", "us-iso-east-1", "us-isob-east-1", "us-gov-west-1"):
        assert accepted_region(example), example


@pytest.mark.parametrize(
    ("bucket", "endpoint", "url"),
    [
        ("my-bucket", None, "https://my-bucket.s3.eu-west-3.amazonaws.com/k"),
        ("my.bucket", None, "https://s3.eu-west-3.amazonaws.com/my.bucket/k"),
        ("my-bucket", "http://127.0.0.1:4566", "http://127.0.0.1:4566/my-bucket/k"),
        ("my.bucket", "http://127.0.0.1:4566", "http://my.bucket.127.0.0.1:4566/k"),
        ("my-bucket", "http://localhost:4566", "http://my-bucket.localhost:4566/k"),
        ("a-.b", "http://localhost:4566", "http://localhost:4566/a-.b/k"),
        ("my.bucket", "https://s3.example.com", "https://s3.example.com/my.bucket/k"),
    ],
)
def test_where_botocore_puts_the_bucket(bucket: str, endpoint: str | None, url: str) -> None:
    """Examples of the endpoint rules the property tests cover (read them as documentation)."""
    creds = sigv4.Credentials("AKID", "secret")
    ours, theirs = both(bucket, "eu-west-3", endpoint, 2_000_000_000, 60, creds, lambda s: s.sign_put("k"))
    assert ours.url.split("?")[0] == theirs.url.split("?")[0] == url


# Query parameter names where one prefixes another and the next character sorts before "=":
# sorting joined "name=value" strings and sorting (name, value) pairs disagree on them.
PREFIXING_NAMES = st.sampled_from(
    [
        "a",
        "a.b",
        "a-b",
        "a0",
        "a%",
        "a~",
        "ab",
        "response-content-type",
        "response-content-type-x",
        "response-content-type.1",
        "partNumber",
        "partNumber2",
    ]
)


@given(
    params=st.dictionaries(PREFIXING_NAMES, st.text(KEY_CHARACTERS, max_size=12), min_size=1, max_size=6),
    now=moments,
    creds=credentials,
)
def test_the_canonical_query_sorts_names_then_values_as_botocore_does(
    params: dict[str, str], now: int, creds: sigv4.Credentials
) -> None:
    """botocore's own SigV4 query signer, given any parameters, makes the URL ``sigv4.presign`` makes."""
    endpoint = sigv4.resolve_endpoint("my-bucket", "eu-west-3")
    request = botocore.awsrequest.AWSRequest(method="GET", url=f"{endpoint.origin}/k", params=dict(params))
    auth = botocore.auth.S3SigV4QueryAuth(
        botocore.credentials.Credentials(creds.access_key, creds.secret_key, creds.token), "s3", "eu-west-3", 60
    )
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=EPOCH + timedelta(seconds=now)):
        auth.add_auth(request)
    ours = sigv4.presign(
        method="GET",
        endpoint=endpoint,
        key="k",
        region="eu-west-3",
        credentials=creds,
        now=now,
        expires=60,
        params=list(params.items()),
    )
    assert ours == request.url


def test_a_name_that_prefixes_another_sorts_first() -> None:
    """The case that sorting joined strings got wrong: ``a.b=1`` sorted before ``a=2``."""
    encoded = sigv4.encode_query([("a.b", "1"), ("a", "2")])
    canonical_query = sigv4.canonical_request("GET", "/k", encoded, [], "host").split("\n")[2]
    assert canonical_query == "a=2&a.b=1"
