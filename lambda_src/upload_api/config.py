"""Configuration from the function's environment, read and validated once per cold start.

Every problem names the variable, so a bad deployment fails at its first invocation with a
message an operator can act on instead of a confusing error on some later request.
"""

from __future__ import annotations

import re

from upload_api.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

# SigV4 allows seven days; this service signs for at most an hour (the bucket policy's signature
# age bound is derived from the same setting), as the Terraform variables do.
MAX_EXPIRY_SECONDS = 3600
# A single S3 PUT stores at most 5 GiB; bigger files need multipart.
MAX_SINGLE_PUT_BYTES = 5 * 1024**3
# A multipart upload has at most 10 000 parts of at most 5 GiB: 48.8 TiB.
MAX_MULTIPART_BYTES = 10_000 * MAX_SINGLE_PUT_BYTES

# cognito: every key lives under <prefix><sub>/ of the caller the authorizer vouched for;
# none: no identity, every key under the shared <prefix>.
AUTH_MODES = ("cognito", "none")

# Patterns are strings that re compiles on first use (and caches): a cold start compiles only
# those its configuration needs.
_BUCKET_NAME = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
# Names S3 reserves for other kinds of bucket (directory buckets, access point and Object Lambda
# aliases, Outposts, multi-region access points, table buckets) or forbids: botocore routes some
# of them to other endpoints and signers, and no general purpose bucket can have them.
_RESERVED_BUCKET_NAME = (
    r"\.\.|^\d+\.\d+\.\d+\.\d+$|^(xn--|sthree-|amzn-s3-demo-)"
    r"|(-s3alias|--ol-s3|\.mrap|--x-s3|--xa-s3|--op-s3|--table-s3)$"
)
# Two letters (us-, eu-, cn-, ...) or the European Sovereign Cloud's eusc-; ASCII digits only
# (\d would also take other scripts' digits).
_REGION = r"^([a-z]{2}|eusc)(-[a-z]+)+-[0-9]$"
# The same patterns as terraform/variables.tf: one set of rules (tests/config_rules.py runs one
# table of cases against both).
_KEY_PREFIX = r"([A-Za-z0-9!_.'()-]+/)+"
# A "." or ".." segment: browsers, requests and urllib3 resolve it away before sending, so no URL
# signed for such a key would ever match its signature.
_DOT_SEGMENT = r"(^|/)\.{1,2}/"
_MEDIA_TYPE = r"[a-z0-9][a-z0-9!#$&^_.+-]*/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)"
_HTTPS_ORIGIN = r"https://[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?"
_LOOPBACK_ORIGIN = r"http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?"
# A browser's Origin header never names its scheme's default port: such an entry would never match.
_DEFAULT_PORT = r"^(https://.*:443|http://.*:80)$"
# Cognito app client ids: the audiences whose ID tokens the function accepts.
_CLIENT_ID = r"(?a)[\w+]{1,128}"


class Config:
    """Everything the function needs to know about its deployment.

    A plain class, not a dataclass (see :mod:`upload_api.signer`): built once, and by convention
    never changed (nothing enforces it).
    """

    __slots__ = (
        "allowed_audiences",
        "allowed_content_types",
        "allowed_origins",
        "auth_mode",
        "bucket",
        "download_expiry_seconds",
        "downloads_enabled",
        "expiry_seconds",
        "form_uploads_enabled",
        "key_prefix",
        "legacy_route_enabled",
        "malware_scan",
        "max_size_bytes",
        "multipart_max_size_bytes",
        "region",
    )

    def __init__(
        self,
        *,
        bucket: str,
        region: str,
        key_prefix: str,
        expiry_seconds: int,
        max_size_bytes: int,
        multipart_max_size_bytes: int,
        allowed_content_types: tuple[str, ...],
        allowed_origins: tuple[str, ...],
        legacy_route_enabled: bool,
        auth_mode: str = "none",
        downloads_enabled: bool = False,
        download_expiry_seconds: int = 60,
        allowed_audiences: tuple[str, ...] = (),
        malware_scan: bool = False,
        form_uploads_enabled: bool = False,
    ) -> None:
        self.bucket = bucket
        self.region = region
        self.key_prefix = key_prefix
        self.expiry_seconds = expiry_seconds
        self.max_size_bytes = max_size_bytes
        self.multipart_max_size_bytes = multipart_max_size_bytes
        self.allowed_content_types = allowed_content_types
        self.allowed_origins = allowed_origins
        self.legacy_route_enabled = legacy_route_enabled
        self.auth_mode = auth_mode
        self.downloads_enabled = downloads_enabled
        self.download_expiry_seconds = download_expiry_seconds
        self.allowed_audiences = allowed_audiences
        self.malware_scan = malware_scan
        self.form_uploads_enabled = form_uploads_enabled

    def __repr__(self) -> str:
        return f"Config({', '.join(f'{name}={getattr(self, name)!r}' for name in self.__slots__)})"


def load_config(environ: Mapping[str, str]) -> Config:
    """Build a :class:`Config` from ``environ``; raise :class:`ConfigError` naming the bad variable."""
    bucket = _required(environ, "UPLOAD_BUCKET")
    if not re.fullmatch(_BUCKET_NAME, bucket):
        raise ConfigError(f"UPLOAD_BUCKET must be an S3 bucket name, got {bucket!r}")
    if re.search(_RESERVED_BUCKET_NAME, bucket):
        raise ConfigError(
            f"UPLOAD_BUCKET must be a general purpose bucket name (no '..', not an IP address, no "
            f"prefix or suffix S3 reserves such as 'xn--' or '--x-s3'), got {bucket!r}"
        )

    region = _required(environ, "UPLOAD_BUCKET_REGION")
    if not re.fullmatch(_REGION, region):
        raise ConfigError(f"UPLOAD_BUCKET_REGION must be an AWS region like eu-west-1, got {region!r}")

    key_prefix = environ.get("UPLOAD_KEY_PREFIX", "uploads/")
    if not re.fullmatch(_KEY_PREFIX, key_prefix) or re.search(_DOT_SEGMENT, key_prefix):
        raise ConfigError(
            "UPLOAD_KEY_PREFIX must be one or more segments of letters, digits and ! _ . ' ( ) -, "
            f"each ending in '/' (like 'uploads/'), none of them '.' or '..', got {key_prefix!r}"
        )

    expiry = _integer(environ, "UPLOAD_URL_EXPIRY_SECONDS", minimum=1, maximum=MAX_EXPIRY_SECONDS)
    max_size = _integer(environ, "UPLOAD_MAX_SIZE_BYTES", minimum=1, maximum=MAX_SINGLE_PUT_BYTES)
    multipart_max_size = (
        _integer(environ, "UPLOAD_MAX_MULTIPART_SIZE_BYTES", minimum=1, maximum=MAX_MULTIPART_BYTES)
        if environ.get("UPLOAD_MAX_MULTIPART_SIZE_BYTES")
        else max_size
    )

    content_types = _csv(environ, "UPLOAD_ALLOWED_CONTENT_TYPES")
    for content_type in content_types:
        if not re.fullmatch(_MEDIA_TYPE, content_type):
            raise ConfigError(
                f"UPLOAD_ALLOWED_CONTENT_TYPES entries must be lower-case type/subtype "
                f"(or type/*), got {content_type!r}"
            )

    origins = _csv(environ, "UPLOAD_ALLOWED_ORIGINS")
    for origin in origins:
        well_formed = re.fullmatch(_HTTPS_ORIGIN, origin) or re.fullmatch(_LOOPBACK_ORIGIN, origin)
        if not well_formed or re.fullmatch(_DEFAULT_PORT, origin):
            raise ConfigError(
                f"UPLOAD_ALLOWED_ORIGINS entries must be https://host[:port] (lower case), or "
                f"http://127.0.0.1:port or http://localhost:port (no path, no trailing slash, no '*', "
                f"no default port such as :443: browsers leave it out), got {origin!r}"
            )

    # Required: an unauthenticated API is a choice a deployment states, never a silent default.
    auth_mode = _required(environ, "UPLOAD_AUTH_MODE")
    if auth_mode not in AUTH_MODES:
        raise ConfigError(f"UPLOAD_AUTH_MODE must be one of {', '.join(AUTH_MODES)}, got {auth_mode!r}")
    audiences: tuple[str, ...] = ()
    if auth_mode == "cognito":
        audiences = _csv(environ, "UPLOAD_ALLOWED_AUDIENCES")
        for audience in audiences:
            if not re.fullmatch(_CLIENT_ID, audience):
                raise ConfigError(f"UPLOAD_ALLOWED_AUDIENCES entries must be Cognito app client ids, got {audience!r}")
    download_expiry = (
        _integer(environ, "UPLOAD_DOWNLOAD_EXPIRY_SECONDS", minimum=1, maximum=MAX_EXPIRY_SECONDS)
        if environ.get("UPLOAD_DOWNLOAD_EXPIRY_SECONDS")
        else 60
    )

    return Config(
        bucket=bucket,
        region=region,
        key_prefix=key_prefix,
        expiry_seconds=expiry,
        max_size_bytes=max_size,
        multipart_max_size_bytes=multipart_max_size,
        allowed_content_types=content_types,
        allowed_origins=origins,
        legacy_route_enabled=_flag(environ, "UPLOAD_LEGACY_ROUTE_ENABLED"),
        auth_mode=auth_mode,
        downloads_enabled=_flag(environ, "UPLOAD_DOWNLOADS_ENABLED"),
        download_expiry_seconds=download_expiry,
        allowed_audiences=audiences,
        malware_scan=_malware_scan(environ),
        form_uploads_enabled=_flag(environ, "UPLOAD_FORM_UPLOADS_ENABLED"),
    )


def _malware_scan(environ: Mapping[str, str]) -> bool:
    """``UPLOAD_MALWARE_SCAN=guardduty`` (set by Terraform with ``enable_malware_scan``), or unset."""
    value = environ.get("UPLOAD_MALWARE_SCAN", "")
    if value not in ("", "guardduty"):
        raise ConfigError(f"UPLOAD_MALWARE_SCAN must be 'guardduty' or unset, got {value!r}")
    return value == "guardduty"


def _flag(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "false").strip().lower()
    if value not in ("true", "false"):
        raise ConfigError(f"{name} must be 'true' or 'false', got {value!r}")
    return value == "true"


def _required(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is required but not set")
    return value


def _integer(environ: Mapping[str, str], name: str, *, minimum: int, maximum: int) -> int:
    raw = _required(environ, name)
    # isdigit() alone takes any Unicode digit ('٣', '³'); a number here is ASCII digits only.
    if not (raw.isascii() and raw.isdigit()):
        raise ConfigError(f"{name} must be a whole number, got {raw!r}")
    value = int(raw)
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def _csv(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    items = tuple(item.strip() for item in _required(environ, name).split(",") if item.strip())
    if not items:
        raise ConfigError(f"{name} must list at least one value")
    return items
