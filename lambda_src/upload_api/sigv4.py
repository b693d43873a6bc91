"""SigV4 query-string signing (presigned URLs) and POST policies for S3, on the standard library alone.

Pure functions over plain data: the endpoint a bucket is reached at, the canonical request, the
string to sign, the signing key and the signature. Nothing here reads the clock, the environment
or the network; the time and the credentials are parameters, so tests can pin them.

The output is byte-for-byte what botocore's ``S3SigV4QueryAuth`` makes with the client of
:func:`upload_api.s3.regional_s3_client` (``signature_version='s3v4'``, virtual addressing,
regional us-east-1), including botocore's S3 endpoint rules for the bucket names
:func:`upload_api.config.load_config` accepts; ``tests/unit/test_sigv4_equivalence.py`` proves it
on generated inputs. Specification: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html

:func:`presign_post` makes the fields of an HTML form upload (a SigV4-signed POST policy) as
botocore's ``generate_presigned_post`` makes them, byte for byte (``tests/unit/test_sigv4_post_equivalence.py``).
Specification: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
"""

from __future__ import annotations

import binascii
import json
import re
import time

from upload_api.hashing import hmac_sha256, sha256_hex

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "s3"
# A presigned URL does not know the body it will carry.
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
# RFC 3986 unreserved characters: the only ones SigV4 leaves unencoded in a query string.
_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
# A POST policy's expiration (ISO 8601, UTC, whole seconds), as botocore writes it.
POLICY_EXPIRATION = "%Y-%m-%dT%H:%M:%SZ"

# botocore's partitions.json (pinned botocore), in its order: the first whose region regex
# matches gives the DNS suffix; no match falls back to the first ("aws"). The partitions' lists of
# named regions add only names like "aws-global" that config validation refuses. A unit test
# checks this table against the installed botocore, so an upgrade that changes it fails loudly.
PARTITIONS: tuple[tuple[str, str], ...] = (
    (r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$", "amazonaws.com"),
    (r"^cn\-\w+\-\d+$", "amazonaws.com.cn"),
    (r"^eusc\-(de)\-\w+\-\d+$", "amazonaws.eu"),
    (r"^us\-iso\-\w+\-\d+$", "c2s.ic.gov"),
    (r"^us\-isob\-\w+\-\d+$", "sc2s.sgov.gov"),
    (r"^eu\-isoe\-\w+\-\d+$", "cloud.adc-e.uk"),
    (r"^us\-isof\-\w+\-\d+$", "csp.hci.ic.gov"),
    (r"^us\-gov\-\w+\-\d+$", "amazonaws.com"),
)

# The endpoint rules' notions (botocore's endpoint_provider): an IPv4-looking host, a DNS label.
# Patterns here are strings that re compiles on first use (and caches): a cold start compiles
# only those its request needs.
_IPV4 = r"^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$"
_HOST_LABEL = r"^(?!-)[a-zA-Z\d-]{1,63}(?<!-)$"


def _percent_encoding(safe: str) -> dict[int, str]:
    """A :meth:`str.translate` table from each byte value (as a Latin-1 character) to ``%XX``,
    except the ``safe`` characters, which map to themselves. Every byte value is in the table:
    a character missing from it costs translate a failed lookup, which made it four times slower."""
    return {byte: chr(byte) if chr(byte) in safe else f"%{byte:02X}" for byte in range(256)}


# The stdlib's urllib.parse.quote does the same; it costs 2 ms of a cold start to import, and
# tests/unit/test_stdlib_equivalents.py proves these equal to it.
_QUERY_ENCODING = _percent_encoding(_UNRESERVED)
# In a key's path, '/' separates nothing for S3 but is kept as is (botocore's greedy label).
_PATH_ENCODING = _percent_encoding(_UNRESERVED + "/")


def uri_encode(text: str) -> str:
    """``text`` percent-encoded as SigV4 wants in a query string: UTF-8, unreserved characters kept."""
    if not text.strip(_UNRESERVED):  # nothing to encode: most names and values
        return text
    return _percent_encode(text, _QUERY_ENCODING)


def uri_encode_path(text: str) -> str:
    """:func:`uri_encode`, keeping ``/`` as well: an object key in a URL path."""
    return _percent_encode(text, _PATH_ENCODING)


def _percent_encode(text: str, table: dict[int, str]) -> str:
    if text.isascii():  # an ASCII character is its own UTF-8 byte
        return text.translate(table)
    return text.encode("utf-8").decode("latin-1").translate(table)


class Credentials:
    """AWS credentials; the secret and the session token never appear in a repr."""

    __slots__ = ("access_key", "secret_key", "token")

    def __init__(self, access_key: str, secret_key: str, token: str | None = None) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.token = token

    def __repr__(self) -> str:
        return f"Credentials(access_key={self.access_key!r})"


class Endpoint:
    """Where a bucket's objects are: ``origin`` + ``path_prefix`` + ``/`` + the encoded key."""

    __slots__ = ("host", "origin", "path_prefix")

    def __init__(self, origin: str, path_prefix: str, host: str) -> None:
        self.origin = origin  # scheme://authority, as the URL shows it
        self.path_prefix = path_prefix  # "" (virtual-hosted) or "/<bucket>" (path-style)
        self.host = host  # the signed Host header: lower case, default port left out

    def __repr__(self) -> str:
        return f"Endpoint(origin={self.origin!r}, path_prefix={self.path_prefix!r}, host={self.host!r})"


def dns_suffix(region: str) -> str:
    """The DNS suffix of ``region``'s partition (``amazonaws.com``, ``amazonaws.com.cn``, ...)."""
    for pattern, suffix in PARTITIONS:
        if re.match(pattern, region):
            return suffix
    return PARTITIONS[0][1]


def virtual_hostable(bucket: str, allow_dots: bool) -> bool:
    """Whether ``bucket`` can be a host name label (or, with ``allow_dots``, several)."""
    if len(bucket) < 3 or bucket.lower() != bucket:
        return False
    if "." not in bucket:  # one label, which cannot look like an IPv4 address
        return re.match(_HOST_LABEL, bucket) is not None
    if not allow_dots or re.match(_IPV4, bucket):
        return False
    return all(re.match(_HOST_LABEL, label) for label in bucket.split("."))


def resolve_endpoint(bucket: str, region: str, endpoint_url: str | None = None) -> Endpoint:
    """The endpoint botocore's S3 rules choose for ``bucket`` (virtual-hosted where it can be).

    ``endpoint_url`` is a custom endpoint such as ``http://127.0.0.1:4566``: scheme, host and an
    optional port, nothing more (:class:`ValueError` otherwise). An IP endpoint gets path-style
    URLs for a plain bucket name, as botocore makes them.
    """
    if endpoint_url is None:
        suffix = dns_suffix(region)
        if virtual_hostable(bucket, allow_dots=False):
            return Endpoint(f"https://{bucket}.s3.{region}.{suffix}", "", f"{bucket}.s3.{region}.{suffix}")
        return Endpoint(f"https://s3.{region}.{suffix}", "/" + uri_encode(bucket), f"s3.{region}.{suffix}")

    # Only a custom endpoint (the local stack's) needs URL parsing: imported here, off the cold
    # start of a function on AWS's own endpoints.
    from urllib.parse import urlsplit

    parts = urlsplit(endpoint_url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or "[" in parts.netloc
        or parts.path not in ("", "/")
    ):
        raise ValueError(f"a custom S3 endpoint must be http(s)://host[:port], got {endpoint_url!r}")
    # The signed Host: the host in lower case, with the port unless it is the scheme's default
    # (parts.port raises ValueError for a port that is not a number in range).
    host = parts.hostname
    if parts.port is not None and parts.port != {"http": 80, "https": 443}[parts.scheme]:
        host = f"{host}:{parts.port}"
    origin = f"{parts.scheme}://{parts.netloc}"
    virtual = Endpoint(f"{parts.scheme}://{bucket}.{parts.netloc}", "", f"{bucket}.{host}")
    if virtual_hostable(bucket, allow_dots=False):
        return Endpoint(origin, f"/{bucket}", host) if re.match(_IPV4, parts.hostname) else virtual
    if parts.scheme == "http" and virtual_hostable(bucket, allow_dots=True):
        # botocore's rules take a dotted name as a host even on an IP endpoint (over plain HTTP).
        return virtual
    return Endpoint(origin, "/" + uri_encode(bucket), host)


def object_path(endpoint: Endpoint, key: str) -> str:
    """The URL path of ``key``: the canonical URI too (S3's is neither normalized nor re-encoded)."""
    return f"{endpoint.path_prefix}/{uri_encode_path(key)}"


def amz_date(epoch_seconds: int) -> str:
    """``20240506T070809Z``: the X-Amz-Date of a moment (UTC, whole seconds)."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(epoch_seconds))


def credential_scope(datestamp: str, region: str) -> str:
    """``<yyyymmdd>/<region>/s3/aws4_request``."""
    return f"{datestamp}/{region}/{SERVICE}/aws4_request"


def encode_query(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each ``(name, value)`` with both percent-encoded as SigV4 wants (UTF-8, unreserved kept)."""
    return [(uri_encode(name), uri_encode(value)) for name, value in pairs]


def join_query(encoded: list[tuple[str, str]]) -> str:
    """``name=value&...`` of encoded pairs, in the order given."""
    return "&".join(f"{name}={value}" for name, value in encoded)


def header_value(value: str) -> str:
    """A header value as SigV4 canonicalizes it: trimmed, inner runs of whitespace made one space."""
    return " ".join(value.split())


def canonical_request(
    method: str,
    path: str,
    encoded_query: list[tuple[str, str]],
    headers: list[tuple[str, str]],
    signed_headers: str,
) -> str:
    """The canonical request of a presigned S3 request; ``headers`` are lower-case names, sorted.

    The query is sorted by encoded name, then value, as SigV4 (and botocore) sort it; sorting
    the joined ``name=value`` strings differs once a name prefixes another (``a`` and ``a.b``:
    ``.`` sorts before ``=``).
    """
    canonical_headers = "".join(f"{name}:{header_value(value)}\n" for name, value in headers)
    return "\n".join(
        (method, path, join_query(sorted(encoded_query)), canonical_headers, signed_headers, UNSIGNED_PAYLOAD)
    )


def string_to_sign(timestamp: str, scope: str, request: str) -> str:
    """The string to sign: algorithm, X-Amz-Date, credential scope and the canonical request's hash."""
    return f"{ALGORITHM}\n{timestamp}\n{scope}\n{sha256_hex(request.encode())}"


def signing_key(secret_key: str, datestamp: str, region: str) -> bytes:
    """The key derived from the secret for one day, region and S3 (it changes daily)."""
    key = hmac_sha256(f"AWS4{secret_key}".encode(), datestamp.encode())
    key = hmac_sha256(key, region.encode())
    key = hmac_sha256(key, SERVICE.encode())
    return hmac_sha256(key, b"aws4_request")


def signature(key: bytes, to_sign: str) -> str:
    """The hex HMAC-SHA256 of the string to sign under the signing key."""
    return hmac_sha256(key, to_sign.encode()).hex()


def presign(
    *,
    method: str,
    endpoint: Endpoint,
    key: str,
    region: str,
    credentials: Credentials,
    now: int,
    expires: int,
    params: list[tuple[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    derived_key: bytes | None = None,
) -> str:
    """A presigned URL for ``method`` on ``key``, signed at ``now`` (epoch seconds) for ``expires`` s.

    ``params`` are the operation's query parameters, in the order they appear in the URL;
    ``headers`` are the headers the signature binds (the client must send them). ``derived_key``
    is :func:`signing_key` for this day and region when the caller caches it.
    """
    timestamp = amz_date(now)
    scope = credential_scope(timestamp[:8], region)
    bound = sorted([("host", endpoint.host), *((name.lower(), value) for name, value in (headers or {}).items())])
    signed_headers = ";".join(name for name, _ in bound)
    auth = [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", f"{credentials.access_key}/{scope}"),
        ("X-Amz-Date", timestamp),
        ("X-Amz-Expires", str(expires)),
        ("X-Amz-SignedHeaders", signed_headers),
    ]
    if credentials.token is not None:
        auth.append(("X-Amz-Security-Token", credentials.token))
    query = encode_query([*(params or []), *auth])
    path = object_path(endpoint, key)
    request = canonical_request(method, path, query, bound, signed_headers)
    if derived_key is None:
        derived_key = signing_key(credentials.secret_key, timestamp[:8], region)
    signed = signature(derived_key, string_to_sign(timestamp, scope, request))
    return f"{endpoint.origin}{path}?{join_query(query)}&X-Amz-Signature={signed}"


# A POST policy condition: {"field": "exact value"} or ["content-length-range", min, max] and the like.
Condition = dict[str, str] | list[str | int]


def post_url(endpoint: Endpoint) -> str:
    """Where a form upload is posted: the bucket's root (botocore's URL: no trailing slash when path-style)."""
    return f"{endpoint.origin}{endpoint.path_prefix or '/'}"


def post_policy(expiration: int, conditions: list[Condition]) -> str:
    """The base64 of the policy document, built deterministically: ``expiration`` then ``conditions``
    in the order given, JSON as Python's default ``json.dumps`` writes it (botocore's formatting)."""
    document = {"expiration": time.strftime(POLICY_EXPIRATION, time.gmtime(expiration)), "conditions": conditions}
    return binascii.b2a_base64(json.dumps(document).encode(), newline=False).decode()  # = base64.b64encode


def presign_post(
    *,
    bucket: str,
    key: str,
    region: str,
    credentials: Credentials,
    now: int,
    expires: int,
    fields: dict[str, str],
    conditions: list[Condition],
    derived_key: bytes | None = None,
) -> dict[str, str]:
    """The form fields of a POST of ``key`` to ``bucket``, signed at ``now`` for ``expires`` seconds.

    ``fields`` are the form's own fields (each needs a condition); ``conditions`` are the policy's.
    The policy pins, after them, the bucket, the exact key and the signing fields. The fields come
    back in the order the form must send them (the file goes after all of them).
    """
    timestamp = amz_date(now)
    credential = f"{credentials.access_key}/{credential_scope(timestamp[:8], region)}"
    signing = {"x-amz-algorithm": ALGORITHM, "x-amz-credential": credential, "x-amz-date": timestamp}
    if credentials.token is not None:
        signing["x-amz-security-token"] = credentials.token
    policy = post_policy(
        now + expires,
        [*conditions, {"bucket": bucket}, {"key": key}, *({name: value} for name, value in signing.items())],
    )
    if derived_key is None:
        derived_key = signing_key(credentials.secret_key, timestamp[:8], region)
    # The string to sign of a POST is the base64 policy itself.
    return {**fields, "key": key, **signing, "policy": policy, "x-amz-signature": signature(derived_key, policy)}
