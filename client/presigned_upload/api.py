"""The HTTP API of a presigned-uploads deployment, one method per route of api/openapi.yaml.

Every route may be called again with the same body: signing, listing, completing and aborting
change nothing or the same thing each time, and an upload that a lost answer to a create left
behind holds no parts (the bucket's lifecycle rule removes it). So a call that got no answer, or
429, 502, 503 or 504, is repeated with backoff (:mod:`presigned_upload.retry`), waiting at least
what ``Retry-After`` asks. With a token source (``--token-command``), a 401 runs it again and the
call is repeated once with the fresh token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import requests

from presigned_upload.redact import network_failure, where
from presigned_upload.retry import Backoff, retry_after

# What a call may be repeated on: no answer (0: a timeout or a dropped connection), throttling,
# and API Gateway's or the function's 502/503/504.
RETRY_STATUSES = frozenset({0, 429, 502, 503, 504})
# Connect, then at most this long without a byte of the answer.
TIMEOUT = (10.0, 30.0)


class ApiError(RuntimeError):
    """The API refused a request; ``status`` and ``code`` come from its error envelope."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{message} (HTTP {status}, {code})")
        self.status = status
        self.code = code


class UploadApiClient:
    """Calls to the API at ``base_url`` (its invoke URL, with the stage).

    ``token`` returns an ID token for the ``Authorization`` header; it is called before the first
    call and again after a 401 (by one thread, however many got the 401 at once), and what it
    raises (:class:`~presigned_upload.credentials.TokenCommandFailed`) reaches the caller.
    """

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        token: Callable[[], str] | None = None,
        timeout: float | tuple[float, float] = TIMEOUT,
        retries: int = 4,
        backoff: Backoff = Backoff(),  # noqa: B008 (frozen, so one shared default is fine)
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._session = requests.Session()
        self._session.headers.update(headers or {})
        self._timeout = timeout
        self._retries = retries
        self._backoff = backoff
        self._token_source = token
        self._token: str | None = None
        self._token_lock = threading.Lock()

    def create_upload(
        self,
        content_type: str,
        size: int,
        filename: str,
        *,
        sha256: str | None = None,
        crc64nvme: str | None = None,
    ) -> dict[str, Any]:
        """A URL for one PUT, binding the file's SHA-256 or CRC64NVME when given (one of them)."""
        body: dict[str, Any] = {"content_type": content_type, "size": size, "filename": filename}
        if sha256 is not None:
            body["sha256"] = sha256
        if crc64nvme is not None:
            body["crc64nvme"] = crc64nvme
        return self._call("POST", "/uploads", json=body)

    def create_multipart(
        self,
        content_type: str,
        size: int,
        filename: str,
        part_size: int | None,
        *,
        checksums: bool = False,
        crc64nvme: str | None = None,
    ) -> dict[str, Any]:
        """Start a multipart upload: with ``crc64nvme`` (the whole file's), a full-object CRC64NVME
        upload whose part URLs bind each part's (``sign_parts(crc64nvmes=...)``) and whose
        completion S3 checks; with ``checksums``, part SHA-256s (a composite). One or neither."""
        body: dict[str, Any] = {"content_type": content_type, "size": size, "filename": filename}
        if part_size is not None:
            body["part_size"] = part_size
        if checksums:
            body["checksums"] = True  # each part URL then binds the SHA-256 sent with sign_parts
        if crc64nvme is not None:
            body["crc64nvme"] = crc64nvme
        return self._call("POST", "/uploads/multipart", json=body)

    def sign_parts(
        self,
        upload_id: str,
        key: str,
        part_numbers: list[int],
        sha256s: list[str] | None = None,
        *,
        crc64nvmes: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"key": key, "part_numbers": part_numbers}
        if sha256s is not None:
            body["sha256s"] = sha256s
        if crc64nvmes is not None:
            body["crc64nvmes"] = crc64nvmes
        parts: list[dict[str, Any]] = self._call(
            "POST", f"/uploads/multipart/{quote(upload_id, safe='')}/parts", json=body
        )["parts"]
        return parts

    def list_parts(self, upload_id: str, key: str) -> list[dict[str, Any]]:
        answer = self._call("GET", f"/uploads/multipart/{quote(upload_id, safe='')}/parts", params={"key": key})
        parts: list[dict[str, Any]] = answer["parts"]
        return parts

    def complete(
        self,
        upload_id: str,
        key: str,
        parts: list[dict[str, Any]],
        size: int | None = None,
        *,
        crc64nvme: str | None = None,
    ) -> dict[str, Any]:
        """Assemble the parts; an upload created with a whole-file ``crc64nvme`` needs it again
        (S3 checks the assembled object against it), and the answer carries the stored one."""
        body: dict[str, Any] = {"key": key, "parts": parts}
        if size is not None:
            body["size"] = size  # lets a repeated completion be answered from the stored object
        if crc64nvme is not None:
            body["crc64nvme"] = crc64nvme
        return self._call("POST", f"/uploads/multipart/{quote(upload_id, safe='')}/complete", json=body)

    def abort(self, upload_id: str, key: str) -> None:
        self._call("DELETE", f"/uploads/multipart/{quote(upload_id, safe='')}", params={"key": key})

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        attempt = 0
        renewed = False
        while True:
            token = self._current_token()
            headers = {"Authorization": token} if token is not None else {}
            asked = None
            try:
                response = self._session.request(
                    method, f"{self._base_url}{path}", headers=headers, timeout=self._timeout, **kwargs
                )
            except requests.RequestException as failure:
                message = f"could not reach the API at {where(self._base_url + path)}: {network_failure(failure)}"
                error = ApiError(0, "unreachable", message)
            else:
                if response.status_code == 401 and token is not None and not renewed:
                    self._renew(token)
                    renewed = True
                    continue  # the same attempt, with the fresh token
                if response.status_code < 400:
                    return _answer(response)
                error = _refusal(response)
                asked = retry_after(response.headers.get("Retry-After"))
            wait = self._backoff.delay(attempt, asked)
            if error.status not in RETRY_STATUSES or attempt >= self._retries or wait is None:
                raise error
            time.sleep(wait)
            attempt += 1

    def _current_token(self) -> str | None:
        with self._token_lock:
            if self._token is None and self._token_source is not None:
                self._token = self._token_source()
            return self._token

    def _renew(self, stale: str) -> None:
        """Ask the token source again, unless another thread already replaced ``stale``."""
        with self._token_lock:
            if self._token == stale and self._token_source is not None:
                self._token = self._token_source()


def _answer(response: requests.Response) -> dict[str, Any]:
    try:
        answer: dict[str, Any] = response.json() if response.content else {}
    except ValueError:
        raise ApiError(response.status_code, "bad_answer", "the API answered with something that is not JSON") from None
    return answer


def _refusal(response: requests.Response) -> ApiError:
    try:
        envelope = response.json()["error"]
        code, message = str(envelope["code"]), str(envelope["message"])
    except (ValueError, KeyError, TypeError):
        code, message = "http_error", response.text[:200] or response.reason
    return ApiError(response.status_code, code, message)
