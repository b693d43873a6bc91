"""Presigning S3 uploads: the only module that knows how URLs are signed.

Routing and validation talk to :class:`~upload_api.interfaces.UploadSigner` alone. :class:`SigV4UploadSigner` signs
with :mod:`upload_api.sigv4` on the standard library: local arithmetic, no network call, no SDK
import. Credentials come from the environment the Lambda runtime sets; only where they are absent
does botocore's credential chain load (see :class:`BotocoreCredentials`).
"""

from __future__ import annotations

import time

from upload_api import sigv4
from upload_api.errors import ConfigError
from upload_api.s3 import silence_sdk_debug_logs
from upload_api.sigv4 import Credentials

# Type-only imports: typing and collections.abc stay out of a cold start (see upload_api.interfaces).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    CredentialSource = Callable[[], Credentials]


# Plain classes with __slots__, not dataclasses: importing dataclasses costs about 9 ms of a
# cold start (it imports inspect). Nor namedtuples: each costs about five times as much to
# create at import (95 against 20 us per class, measured on a 2-core CI machine), about 1 ms for
# the package's classes. By convention values are built once and never changed (unlike frozen
# dataclasses, nothing enforces it).


class PutConstraints:
    """What the signature binds besides the key: the client must send exactly these, and
    ``If-None-Match: *`` (no overwrite), which every constrained PUT binds."""

    __slots__ = ("content_length", "content_type", "crc64nvme_base64", "sha256_base64")

    def __init__(
        self,
        content_type: str,
        content_length: int,
        sha256_base64: str | None = None,
        crc64nvme_base64: str | None = None,
    ) -> None:
        self.content_type = content_type
        self.content_length = content_length
        self.sha256_base64 = sha256_base64
        self.crc64nvme_base64 = crc64nvme_base64


class SignedRequest:
    """A presigned request: where to send it, which headers to send, and until when it is valid."""

    __slots__ = ("expires_at", "headers", "method", "url")

    def __init__(self, method: str, url: str, headers: dict[str, str], expires_at: int) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.expires_at = expires_at  # Unix time, whole seconds


class PostConstraints:
    """What a form upload's POST policy binds besides the key: S3 refuses a form that strays."""

    __slots__ = ("content_type", "max_size", "sha256_base64", "success_redirect")

    def __init__(
        self,
        content_type: str,
        max_size: int,
        sha256_base64: str | None = None,
        success_redirect: str | None = None,
    ) -> None:
        self.content_type = content_type
        self.max_size = max_size
        self.sha256_base64 = sha256_base64
        # S3 answers 201 with XML when None, else 303 to this URL (with bucket, key and etag appended).
        self.success_redirect = success_redirect


class SignedPost:
    """A presigned form upload: post ``fields`` and then the file (named ``file``) to ``url``."""

    __slots__ = ("expires_at", "fields", "url")

    def __init__(self, url: str, fields: dict[str, str], expires_at: int) -> None:
        self.url = url
        self.fields = fields
        self.expires_at = expires_at  # Unix time, whole seconds


def put_headers(constraints: PutConstraints | None) -> dict[str, str]:
    """The headers a constrained PUT binds, as the client must send them."""
    if constraints is None:
        return {}
    headers = {
        "Content-Type": constraints.content_type,
        "Content-Length": str(constraints.content_length),
        "If-None-Match": "*",
    }
    return _with_checksums(headers, constraints.sha256_base64, constraints.crc64nvme_base64)


def _with_checksums(headers: dict[str, str], sha256_base64: str | None, crc64nvme_base64: str | None) -> dict[str, str]:
    """``headers`` and the checksum headers S3 checks the bytes against (one at most is given)."""
    if sha256_base64 is not None:
        headers["x-amz-checksum-sha256"] = sha256_base64
    if crc64nvme_base64 is not None:
        headers["x-amz-checksum-crc64nvme"] = crc64nvme_base64
    return headers


def post_form(constraints: PostConstraints) -> tuple[dict[str, str], list[sigv4.Condition]]:
    """The form fields a POST policy binds, and its conditions: each field exactly, and the size range."""
    fields = {"Content-Type": constraints.content_type}
    if constraints.success_redirect is None:
        fields["success_action_status"] = "201"
    else:
        fields["success_action_redirect"] = constraints.success_redirect
    if constraints.sha256_base64 is not None:
        fields["x-amz-checksum-algorithm"] = "SHA256"
        fields["x-amz-checksum-sha256"] = constraints.sha256_base64
    conditions: list[sigv4.Condition] = [{name: value} for name, value in fields.items()]
    conditions.append(["content-length-range", 1, constraints.max_size])
    return fields, conditions


def part_headers(
    sha256_base64: str | None, content_length: int | None, crc64nvme_base64: str | None = None
) -> dict[str, str]:
    """The headers a part URL binds, as the client must send them."""
    headers = {} if content_length is None else {"Content-Length": str(content_length)}
    return _with_checksums(headers, sha256_base64, crc64nvme_base64)


# What a download answers whatever the uploader stored: a PUT may carry unsigned standard
# headers (Content-Encoding, Cache-Control) that S3 keeps and would serve.
DOWNLOAD_CACHE_CONTROL = "private, no-store"
DOWNLOAD_CONTENT_ENCODING = "identity"


def download_params(
    attachment_filename: str | None, content_type: str | None, version_id: str | None
) -> list[tuple[str, str]]:
    """The query parameters of a download URL, in botocore's order (the GetObject shape's)."""
    params = [
        ("response-cache-control", DOWNLOAD_CACHE_CONTROL),
        ("response-content-disposition", attachment(attachment_filename)),
        ("response-content-encoding", DOWNLOAD_CONTENT_ENCODING),
    ]
    if content_type is not None:
        params.append(("response-content-type", content_type))
    if version_id is not None:
        params.append(("versionId", version_id))
    return params


def attachment(filename: str | None) -> str:
    """The Content-Disposition S3 answers a download with: always an attachment (the browser saves
    it, never renders it in the API's or the bucket's origin), named ``filename`` when given."""
    return "attachment" if filename is None else f'attachment; filename="{filename}"'


def environment_credentials(environ: Mapping[str, str]) -> Credentials | None:
    """The credentials the Lambda runtime puts in the environment, or ``None`` when absent."""
    access_key = environ.get("AWS_ACCESS_KEY_ID")
    secret_key = environ.get("AWS_SECRET_ACCESS_KEY")
    if not access_key or not secret_key:
        return None
    return Credentials(access_key, secret_key, environ.get("AWS_SESSION_TOKEN") or None)


class BotocoreCredentials:
    """botocore's credential chain (profiles, containers, instance metadata), loaded on first use.

    Refreshable credentials are refreshed by botocore when they near their expiry.
    """

    def __init__(self) -> None:
        self._source: Any = None

    def __call__(self) -> Credentials:
        if self._source is None:
            silence_sdk_debug_logs()
            import botocore.session  # only where the environment holds no credentials

            self._source = botocore.session.get_session().get_credentials()
            if self._source is None:
                raise ConfigError("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        frozen = self._source.get_frozen_credentials()
        return Credentials(frozen.access_key, frozen.secret_key, frozen.token)


def credential_source(environ: Mapping[str, str]) -> CredentialSource:
    """The environment's credentials when it holds them, else botocore's chain (lazily)."""
    found = environment_credentials(environ)
    if found is None:
        return BotocoreCredentials()
    return lambda: found


# botocore's switches to FIPS and dual-stack endpoints: URLs signed for the standard endpoint
# would then go somewhere else than the function's own S3 calls, so they stop the cold start.
UNSUPPORTED_ENDPOINT_SWITCHES = ("AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT")


def configured_endpoint_url(environ: Mapping[str, str]) -> str | None:
    """The custom S3 endpoint botocore would use from the environment (as in the local stack).

    :class:`ConfigError` when the environment asks for FIPS or dual-stack endpoints, which the
    signer does not make (FIPS deployments also need OpenSSL's validated SHA-256, which
    :mod:`upload_api.hashing` bypasses).
    """
    for switch in UNSUPPORTED_ENDPOINT_SWITCHES:
        if environ.get(switch, "").strip().lower() == "true":
            raise ConfigError(
                f"{switch}=true is not supported: the function signs URLs for the standard regional "
                "S3 endpoint only; unset it"
            )
    if environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").strip().lower() == "true":
        return None
    return environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL") or None


class SigV4UploadSigner:
    """SigV4 presigned URLs for the bucket's regional endpoint (virtual-hosted, or path-style
    where botocore's rules say so: a dotted bucket name, a custom IP endpoint), signed on the
    standard library."""

    def __init__(
        self,
        *,
        bucket: str,
        region: str,
        expiry_seconds: int,
        credentials: CredentialSource,
        download_expiry_seconds: int = 60,
        endpoint_url: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._bucket = bucket
        self._region = region
        self._expiry_seconds = expiry_seconds
        self._download_expiry_seconds = download_expiry_seconds
        self._credentials = credentials
        self._clock = clock
        try:
            self._endpoint = sigv4.resolve_endpoint(bucket, region, endpoint_url)
        except ValueError as error:
            raise ConfigError(f"AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL): {error}") from None
        # The derived key changes daily (and with the secret); one entry is all a function needs.
        self._key_for: tuple[str, str] | None = None
        self._key = b""

    def sign_put(self, key: str, constraints: PutConstraints | None = None) -> SignedRequest:
        headers = put_headers(constraints)
        return self._presign("PUT", key, [], headers, self._expiry_seconds)

    def sign_part(
        self,
        key: str,
        upload_id: str,
        part_number: int,
        sha256_base64: str | None = None,
        content_length: int | None = None,
        crc64nvme_base64: str | None = None,
    ) -> SignedRequest:
        headers = part_headers(sha256_base64, content_length, crc64nvme_base64)
        params = [("uploadId", upload_id), ("partNumber", str(part_number))]
        return self._presign("PUT", key, params, headers, self._expiry_seconds)

    def sign_get(
        self,
        key: str,
        attachment_filename: str | None = None,
        content_type: str | None = None,
        version_id: str | None = None,
    ) -> SignedRequest:
        return self._presign(
            "GET",
            key,
            download_params(attachment_filename, content_type, version_id),
            {},
            self._download_expiry_seconds,
        )

    def sign_request(
        self, method: str, key: str, params: list[tuple[str, str]], headers: dict[str, str]
    ) -> SignedRequest:
        return self._presign(method, key, params, headers, self._expiry_seconds)

    def sign_post(self, key: str, constraints: PostConstraints) -> SignedPost:
        fields, conditions = post_form(constraints)
        now, credentials, derived_key = self._signing_now()
        signed = sigv4.presign_post(
            bucket=self._bucket,
            key=key,
            region=self._region,
            credentials=credentials,
            now=now,
            expires=self._expiry_seconds,
            fields=fields,
            conditions=conditions,
            derived_key=derived_key,
        )
        return SignedPost(url=sigv4.post_url(self._endpoint), fields=signed, expires_at=now + self._expiry_seconds)

    def _signing_now(self) -> tuple[int, Credentials, bytes]:
        """The moment of signing (one reading of the clock), the credentials, and the key derived
        from them for that day (cached: it changes daily, and with the secret)."""
        now = int(self._clock())
        credentials = self._credentials()
        datestamp = sigv4.amz_date(now)[:8]
        if self._key_for != (credentials.secret_key, datestamp):
            self._key = sigv4.signing_key(credentials.secret_key, datestamp, self._region)
            self._key_for = (credentials.secret_key, datestamp)
        return now, credentials, self._key

    def _presign(
        self, method: str, key: str, params: list[tuple[str, str]], headers: dict[str, str], expires: int
    ) -> SignedRequest:
        # One reading of the clock is both X-Amz-Date and the start of expires_at, so the URL works
        # until exactly the expires_at we promise (unless the credentials end first).
        now, credentials, derived_key = self._signing_now()
        url = sigv4.presign(
            method=method,
            endpoint=self._endpoint,
            key=key,
            region=self._region,
            credentials=credentials,
            now=now,
            expires=expires,
            params=params,
            headers=headers,
            derived_key=derived_key,
        )
        return SignedRequest(method=method, url=url, headers=headers, expires_at=now + expires)
