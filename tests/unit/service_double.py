"""A local HTTP double of a presigned-uploads API and of S3, for the command-line client's
fault-injection tests (tests/unit/test_client_faults.py).

A real ``http.server`` on 127.0.0.1, on a free port, in a thread: the client reaches it through
requests and urllib3 as it reaches a deployment, so lost answers, stalled sockets and refusals
happen on real connections. It answers the API's routes (under ``/v1``) as the function does,
and the URLs it signs (under ``/s3``) as S3 does: a PUT must carry what its URL binds (key,
Content-Length, the SHA-256 or CRC64NVME it was signed with, the part number and upload id), S3
checks the bytes against that checksum (400 BadDigest), answers a PUT with the CRC64NVME it
stored, and ``If-None-Match: *`` onto a stored key is 412. A multipart upload created with a
whole-file CRC64NVME is completed only with it, and only when the assembled bytes have it; the
answer carries the stored one. :attr:`ServiceDouble.misreported_crc64nvme` makes S3 answer
another (a stored object that is not the file).
Bytes go to files in a directory, a block at a time, so the double holds little in memory
whatever is sent. :class:`Fault` scripts what goes wrong.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from awscrt.checksums import combine_crc64nvme, crc64nvme

MiB = 1024 * 1024
BLOCK = 64 * 1024
STALL_SECONDS = 30.0  # a stalled request holds its connection at most this long (or until close)


@dataclass
class Fault:
    """What the double does instead of (or before) answering the ``after``+1-th and following
    requests whose method is ``method`` and whose path matches ``path``, ``times`` times.

    ``answer``: read the body, answer ``status`` with ``body`` and ``headers``. ``lose``: handle
    the request (a PUT stores its bytes) but close the connection without an answer, as when a
    response is lost on its way. ``stall``: read nothing and answer nothing until the double
    closes. ``call``: run ``call``, then handle the request as usual.
    """

    method: str
    path: str
    kind: Literal["answer", "lose", "stall", "call"] = "answer"
    status: int = 500
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    after: int = 0
    call: Callable[[], None] | None = None


def s3_error(method: str, path: str, status: int, code: str, **settings: Any) -> Fault:
    """S3's XML error answer with ``code`` (``settings`` may add ``headers``, such as Retry-After)."""
    _, headers, body = _xml(status, code)
    return Fault(method, path, "answer", status, body, {**headers, **settings.pop("headers", {})}, **settings)


def api_error(method: str, path: str, status: int, code: str, **settings: Any) -> Fault:
    """The API's JSON error envelope (``settings`` may add ``headers``, such as Retry-After)."""
    body = json.dumps({"error": {"code": code, "message": code.replace("_", " ")}}).encode()
    headers = {"Content-Type": "application/json", **settings.pop("headers", {})}
    return Fault(method, path, "answer", status, body, headers, **settings)


@dataclass(frozen=True)
class Seen:
    """A request that reached the double."""

    method: str
    path: str
    query: dict[str, str]
    authorization: str | None
    at: float  # time.monotonic() when it arrived


@dataclass(frozen=True)
class _Signed:
    """What one signed URL binds."""

    key: str
    length: int
    sha256: str | None
    upload_id: str | None = None
    part_number: int | None = None
    crc64nvme: str | None = None


@dataclass
class _Part:
    etag: str
    size: int
    sha256: str | None
    file: Path
    crc64nvme: str | None = None
    crc: int = 0  # the part's CRC64NVME, to combine into the object's


@dataclass
class _Upload:
    key: str
    size: int
    part_size: int
    algorithm: Literal["SHA256", "CRC64NVME"] | None
    parts: dict[int, _Part] = field(default_factory=dict)
    state: Literal["open", "completed", "aborted"] = "open"

    @property
    def part_count(self) -> int:
        return max(1, -(-self.size // self.part_size))

    def part_length(self, number: int) -> int:
        return min(self.part_size, self.size - (number - 1) * self.part_size)


_Answer = tuple[int, dict[str, str], bytes]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # connections are kept and reused, as with a real endpoint
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.double.handle(self)

    do_POST = do_PUT = do_DELETE = do_GET


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    double: ServiceDouble


class ServiceDouble:
    """The API at :attr:`api` and S3 behind it; :attr:`seen` lists the requests in order."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.double = self
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.api = f"{self.base}/v1"
        self.seen: list[Seen] = []
        self.objects: dict[str, Path] = {}
        self.uploads: dict[str, _Upload] = {}
        # When set, the API answers 401 (as API Gateway's authorizer) to any other Authorization.
        self.tokens: set[str] | None = None
        self.faults: list[Fault] = []
        # When set, S3 answers this CRC64NVME for what it stores (a PUT's header, a completion).
        self.misreported_crc64nvme: str | None = None
        self._signed: dict[str, _Signed] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Condition()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    # What tests ask.

    def stored(self, key: str) -> bytes:
        return self.objects[key].read_bytes()

    def open_uploads(self) -> list[str]:
        """Multipart uploads neither completed nor aborted: orphans, once a run has ended."""
        return [upload_id for upload_id, upload in self.uploads.items() if upload.state == "open"]

    def requests(self, method: str, pattern: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.method == method and re.fullmatch(pattern, seen.path)]

    def wait_for(self, method: str, pattern: str, timeout: float = 10.0, count: int = 1) -> None:
        """Wait until ``count`` such requests have reached the double."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.requests(method, pattern)) >= count, timeout):
                raise TimeoutError(f"fewer than {count} {method} {pattern} within {timeout} s")

    # Serving.

    def handle(self, handler: _Handler) -> None:
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query))
        with self._lock:
            authorization = handler.headers.get("Authorization")
            self.seen.append(Seen(handler.command, parts.path, query, authorization, time.monotonic()))
            self._lock.notify_all()
            fault = self._fault(handler.command, parts.path)
        if fault is not None and fault.kind == "stall":
            self._closing.wait(STALL_SECONDS)
            handler.close_connection = True
            return
        if fault is not None and fault.kind == "call":
            assert fault.call is not None
            fault.call()
        if fault is not None and fault.kind == "answer":
            self._drain(handler)
            self._send(handler, (fault.status, fault.headers, fault.body))
            return
        if parts.path.startswith("/s3/"):
            answer = self._s3_put(handler, parts.path.removeprefix("/s3/"), query)
        else:
            answer = self._api(handler, parts.path, query)
        if answer is None or (fault is not None and fault.kind == "lose"):
            handler.close_connection = True  # the client gets no answer
            return
        self._send(handler, answer)

    def _fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and re.fullmatch(fault.path, path) and fault.times > 0:
                if fault.after > 0:
                    fault.after -= 1
                    return None
                fault.times -= 1
                return fault
        return None

    @staticmethod
    def _drain(handler: _Handler) -> None:
        left = int(handler.headers.get("Content-Length") or 0)
        while left > 0:
            block = handler.rfile.read(min(BLOCK, left))
            if not block:
                break
            left -= len(block)

    @staticmethod
    def _send(handler: _Handler, answer: _Answer) -> None:
        status, headers, body = answer
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    # S3.

    def _s3_put(self, handler: _Handler, key: str, query: dict[str, str]) -> _Answer | None:
        signed = self._signed.get(query.get("X-Amz-Signature", ""))
        length = int(handler.headers.get("Content-Length") or 0)
        bound = handler.headers.get("x-amz-checksum-sha256")
        bound_crc = handler.headers.get("x-amz-checksum-crc64nvme")
        number = int(query["partNumber"]) if "partNumber" in query else None
        if (
            handler.command != "PUT"
            or signed is None
            or (signed.key, signed.length, signed.sha256, signed.crc64nvme) != (key, length, bound, bound_crc)
            or (signed.upload_id, signed.part_number) != (query.get("uploadId"), number)
        ):
            self._drain(handler)
            return _xml(403, "SignatureDoesNotMatch")
        file = self._directory / f"{next(self._numbers)}.bin"
        digest = hashlib.sha256()
        crc = 0
        received = 0
        with file.open("wb") as out:
            while received < length:
                block = handler.rfile.read(min(BLOCK, length - received))
                if not block:
                    return None  # the client went away mid-body
                digest.update(block)
                crc = crc64nvme(block, crc)
                out.write(block)
                received += len(block)
        sha256 = base64.b64encode(digest.digest()).decode()
        if (bound is not None and bound != sha256) or (bound_crc is not None and bound_crc != _base64(crc)):
            return _xml(400, "BadDigest")
        etag = f'"{digest.hexdigest()[:32]}"'
        with self._lock:
            if signed.upload_id is not None and number is not None:
                upload = self.uploads[signed.upload_id]
                if upload.state != "open":
                    return _xml(404, "NoSuchUpload")
                part = _Part(etag, length, None, file, crc=crc)
                if upload.algorithm == "SHA256":
                    part.sha256 = sha256
                if upload.algorithm == "CRC64NVME":
                    part.crc64nvme = _base64(crc)
                upload.parts[number] = part
                return 200, {"ETag": etag}, b""
            if handler.headers.get("If-None-Match") == "*" and key in self.objects:
                return _xml(412, "PreconditionFailed")
            self.objects[key] = file
        # S3 stores a CRC64NVME for every object (unless another checksum was bound) and answers it.
        stored = {} if bound is not None else {"x-amz-checksum-crc64nvme": self.misreported_crc64nvme or _base64(crc)}
        return 200, {"ETag": etag, **stored}, b""

    def _sign(self, signed: _Signed) -> str:
        signature = f"{next(self._numbers):064x}"
        self._signed[signature] = signed
        query = f"partNumber={signed.part_number}&uploadId={signed.upload_id}&" if signed.part_number else ""
        return f"{self.base}/s3/{signed.key}?{query}X-Amz-Signature={signature}"

    # The API.

    def _api(self, handler: _Handler, path: str, query: dict[str, str]) -> _Answer:
        length = int(handler.headers.get("Content-Length") or 0)
        body = json.loads(handler.rfile.read(length)) if length else {}
        if self.tokens is not None and handler.headers.get("Authorization") not in self.tokens:
            return _json(401, {"message": "Unauthorized"})
        route = re.fullmatch(r"/v1/uploads(/multipart(?:/(?P<id>[^/]+)(?P<action>/parts|/complete)?)?)?", path)
        if route is None:
            return _json(404, {"error": {"code": "not_found", "message": "no such route"}})
        upload_id, action = route["id"], route["action"] or ""
        with self._lock:
            if path == "/v1/uploads" and handler.command == "POST":
                return self._create_upload(body)
            if path == "/v1/uploads/multipart" and handler.command == "POST":
                return self._create_multipart(body)
            upload = self.uploads.get(upload_id or "")
            key = body.get("key", query.get("key"))
            if upload is None or upload.key != key:
                return _json(404, {"error": {"code": "not_found", "message": "no such upload for this key"}})
            if (handler.command, action) == ("POST", "/complete"):
                return self._complete(upload, body)
            if upload.state != "open":
                return _json(404, {"error": {"code": "not_found", "message": "no such upload for this key"}})
            if (handler.command, action) == ("POST", "/parts"):
                return self._sign_parts(upload_id, upload, body)
            if (handler.command, action) == ("GET", "/parts"):
                parts = [_listed(number, part) for number, part in sorted(upload.parts.items())]
                return _json(200, {"key": upload.key, "upload_id": upload_id, "parts": parts})
            if (handler.command, action) == ("DELETE", ""):
                upload.state = "aborted"
                return 204, {}, b""
        return _json(405, {"error": {"code": "method_not_allowed", "message": "method not allowed"}})

    def _create_upload(self, body: dict[str, Any]) -> _Answer:
        key = f"uploads/{uuid.uuid4()}"
        if body.get("sha256") is not None and body.get("crc64nvme") is not None:
            return _json(400, {"error": {"code": "bad_request", "message": "give sha256 or crc64nvme, not both"}})
        signed = _Signed(key, body["size"], body.get("sha256"), crc64nvme=body.get("crc64nvme"))
        headers = {"Content-Type": body["content_type"], "Content-Length": str(body["size"]), "If-None-Match": "*"}
        if signed.sha256 is not None:
            headers["x-amz-checksum-sha256"] = signed.sha256
        if signed.crc64nvme is not None:
            headers["x-amz-checksum-crc64nvme"] = signed.crc64nvme
        answer = {"key": key, "method": "PUT", "url": self._sign(signed), "headers": headers, "expires_at": None}
        return _json(201, answer)

    def _create_multipart(self, body: dict[str, Any]) -> _Answer:
        size, part_size = body["size"], body.get("part_size") or 8 * MiB
        upload_id = f"upload-{next(self._numbers)}"
        checksums, crc = body.get("checksums", False), body.get("crc64nvme")
        if checksums and crc is not None:
            return _json(400, {"error": {"code": "bad_request", "message": "checksums or crc64nvme, not both"}})
        algorithm = "SHA256" if checksums else "CRC64NVME" if crc is not None else None
        upload = _Upload(f"uploads/{uuid.uuid4()}-{size}x{part_size}.bin", size, part_size, algorithm)
        self.uploads[upload_id] = upload
        first_page = [] if algorithm else list(range(1, min(upload.part_count, 1000) + 1))
        return _json(
            201,
            {
                "key": upload.key,
                "upload_id": upload_id,
                "part_size": part_size,
                "part_count": upload.part_count,
                "checksums": checksums,
                "crc64nvme": crc,
                "parts": [self._part_url(upload_id, upload, number, None, None) for number in first_page],
                "next_part": len(first_page) + 1 if len(first_page) < upload.part_count else None,
                "expires_at": None,
            },
        )

    def _sign_parts(self, upload_id: str, upload: _Upload, body: dict[str, Any]) -> _Answer:
        numbers: list[int] = body["part_numbers"]
        digests: list[str | None] = body.get("sha256s") or [None] * len(numbers)
        crcs: list[str | None] = body.get("crc64nvmes") or [None] * len(numbers)
        needed = {"SHA256": "sha256s", "CRC64NVME": "crc64nvmes"}.get(upload.algorithm or "")
        if (needed is not None and body.get(needed) is None) or len({len(numbers), len(digests), len(crcs)}) > 1:
            return _json(400, {"error": {"code": "bad_request", "message": f"{needed} must match part_numbers"}})
        if any(number > upload.part_count for number in numbers):
            return _json(400, {"error": {"code": "bad_request", "message": "beyond the plan"}})
        parts = [self._part_url(upload_id, upload, *each) for each in zip(numbers, digests, crcs, strict=True)]
        return _json(200, {"parts": parts, "expires_at": None})

    def _part_url(
        self, upload_id: str, upload: _Upload, number: int, sha256: str | None, crc: str | None
    ) -> dict[str, Any]:
        signed = _Signed(upload.key, upload.part_length(number), sha256, upload_id, number, crc)
        headers = {"Content-Length": str(signed.length)}
        if sha256 is not None:
            headers["x-amz-checksum-sha256"] = sha256
        if crc is not None:
            headers["x-amz-checksum-crc64nvme"] = crc
        return {"part_number": number, "url": self._sign(signed), "headers": headers}

    def _complete(self, upload: _Upload, body: dict[str, Any]) -> _Answer:
        whole = body.get("crc64nvme")
        if upload.state == "completed" and upload.key in self.objects:
            # As the function answers a repeated completion: with the CRC64NVME this one gives.
            return _json(200, {"key": upload.key, "etag": '"done"', "size": upload.size, "crc64nvme": whole})
        if upload.state != "open":
            return _json(404, {"error": {"code": "not_found", "message": "no such upload for this key"}})
        if (upload.algorithm == "CRC64NVME") != (whole is not None):
            return _json(400, {"error": {"code": "bad_request", "message": "crc64nvme goes with such uploads only"}})
        given = {part["part_number"]: part["etag"] for part in body["parts"]}
        if given != {number: part.etag for number, part in upload.parts.items()}:
            return _json(400, {"error": {"code": "bad_request", "message": "the parts do not match S3's"}})
        crc = 0
        for number in sorted(upload.parts):
            crc = combine_crc64nvme(crc, upload.parts[number].crc, upload.parts[number].size)
        if whole is not None and whole != _base64(crc):
            message = "S3 refused the completion: the parts do not make the announced crc64nvme (BadDigest)"
            return _json(400, {"error": {"code": "bad_request", "message": message}})
        file = self._directory / f"{next(self._numbers)}.bin"
        with file.open("wb") as out:
            for number in sorted(upload.parts):
                with upload.parts[number].file.open("rb") as part:
                    while block := part.read(BLOCK):
                        out.write(block)
        upload.state = "completed"
        self.objects[upload.key] = file
        stored = (self.misreported_crc64nvme or _base64(crc)) if whole is not None else None
        return _json(200, {"key": upload.key, "etag": '"done"', "size": upload.size, "crc64nvme": stored})


def _listed(number: int, part: _Part) -> dict[str, Any]:
    return {
        "part_number": number,
        "etag": part.etag,
        "size": part.size,
        "sha256": part.sha256,
        "crc64nvme": part.crc64nvme,
    }


def _base64(crc: int) -> str:
    return base64.b64encode(crc.to_bytes(8, "big")).decode()


def _json(status: int, body: dict[str, Any]) -> _Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


def _xml(status: int, code: str) -> _Answer:
    body = f"<?xml version='1.0'?><Error><Code>{code}</Code><Message>{code}</Message></Error>".encode()
    return status, {"Content-Type": "application/xml"}, body


def serve(directory: Path) -> Iterator[ServiceDouble]:
    """A started double that is closed afterwards (for a fixture)."""
    double = ServiceDouble(directory)
    try:
        yield double
    finally:
        double.close()
