"""The HTTP API of a presigned-uploads deployment, one method per route of api/openapi.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import requests

from presigned_upload.redact import network_failure, where


class ApiError(RuntimeError):
    """The API refused a request; ``status`` and ``code`` come from its error envelope."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{message} (HTTP {status}, {code})")
        self.status = status
        self.code = code


class UploadApiClient:
    """Calls to the API at ``base_url`` (its invoke URL, with the stage)."""

    def __init__(self, base_url: str, *, headers: Mapping[str, str] | None = None, timeout: float = 30.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._session = requests.Session()
        self._session.headers.update(headers or {})
        self._timeout = timeout

    def create_upload(self, content_type: str, size: int, sha256: str | None, filename: str) -> dict[str, Any]:
        body: dict[str, Any] = {"content_type": content_type, "size": size, "filename": filename}
        if sha256 is not None:
            body["sha256"] = sha256
        return self._call("POST", "/uploads", json=body)

    def create_multipart(self, content_type: str, size: int, filename: str, part_size: int | None) -> dict[str, Any]:
        body: dict[str, Any] = {"content_type": content_type, "size": size, "filename": filename}
        if part_size is not None:
            body["part_size"] = part_size
        return self._call("POST", "/uploads/multipart", json=body)

    def sign_parts(self, upload_id: str, key: str, part_numbers: list[int]) -> list[dict[str, Any]]:
        body = {"key": key, "part_numbers": part_numbers}
        parts: list[dict[str, Any]] = self._call(
            "POST", f"/uploads/multipart/{quote(upload_id, safe='')}/parts", json=body
        )["parts"]
        return parts

    def list_parts(self, upload_id: str, key: str) -> list[dict[str, Any]]:
        answer = self._call("GET", f"/uploads/multipart/{quote(upload_id, safe='')}/parts", params={"key": key})
        parts: list[dict[str, Any]] = answer["parts"]
        return parts

    def complete(
        self, upload_id: str, key: str, parts: list[dict[str, Any]], size: int | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"key": key, "parts": parts}
        if size is not None:
            body["size"] = size  # lets a repeated completion be answered from the stored object
        return self._call("POST", f"/uploads/multipart/{quote(upload_id, safe='')}/complete", json=body)

    def abort(self, upload_id: str, key: str) -> None:
        self._call("DELETE", f"/uploads/multipart/{quote(upload_id, safe='')}", params={"key": key})

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._session.request(method, f"{self._base_url}{path}", timeout=self._timeout, **kwargs)
        except requests.RequestException as failure:
            message = f"could not reach the API at {where(self._base_url + path)}: {network_failure(failure)}"
            raise ApiError(0, "unreachable", message) from None
        if response.status_code >= 400:
            try:
                envelope = response.json()["error"]
                code, message = str(envelope["code"]), str(envelope["message"])
            except (ValueError, KeyError, TypeError):
                code, message = "http_error", response.text[:200] or response.reason
            raise ApiError(response.status_code, code, message)
        try:
            answer: dict[str, Any] = response.json() if response.content else {}
        except ValueError:
            raise ApiError(
                response.status_code, "bad_answer", "the API answered with something that is not JSON"
            ) from None
        return answer
