"""The HTTP side of the local gateway: requests in, proxy events to the function, answers out.

It answers the way API Gateway REST does: ``/<stage>/<path>`` URLs, 403 "Missing Authentication
Token" for a route that does not exist or a method a REST API cannot have (TRACE, QUERY, ...),
MOCK integrations from their integration responses, 502 when the function fails or returns a
malformed answer, 504 past the function's timeout.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import json
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from devtools.gateway.api_model import DeployedApi, Method, Resource
from devtools.gateway.auth import CognitoVerifier, Unauthorized
from devtools.gateway.worker import Invocation, WorkerPool
from devtools.ports import LOOPBACK, free_port
from devtools.proxy_events import proxy_event

MISSING_TOKEN = (403, {"message": "Missing Authentication Token"})
TOO_LONG = (413, {"message": "Request Too Long"})
UNAUTHORIZED = (401, {"message": "Unauthorized"})
FORBIDDEN = (403, {"message": "Forbidden"})
BAD_REQUEST = (400, {"message": "Bad Request"})
BAD_GATEWAY = (502, {"message": "Internal server error"})
TIMED_OUT = (504, {"message": "Endpoint request timed out"})
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's payload cap
# The methods a REST API can have (``ANY`` stands for all of them). Any other request method
# (TRACE, CONNECT, QUERY, made-up ones) matches no method of any resource, so API Gateway answers
# it as a route it does not have: 403 "Missing Authentication Token", in JSON.
API_GATEWAY_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"})


@dataclass
class GatewayConfig:
    """What the gateway serves: the deployed API, a worker pool per function, binary types."""

    api: DeployedApi
    pools: dict[str, WorkerPool]
    binary_media_types: tuple[str, ...] = ()
    verifier: CognitoVerifier | None = None
    api_keys: frozenset[str] = frozenset()


class _RequestHandler(BaseHTTPRequestHandler):
    server: _GatewayServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in separate writes; without this, Nagle's algorithm meets the
        # client's delayed ACK and every keep-alive request waits ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def __getattr__(self, name: str) -> Any:
        # http.server looks up ``do_<METHOD>`` and answers an HTML 501 when there is none; every
        # method goes through _serve instead, which answers as API Gateway does.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines can carry tokens in query strings: keep the console quiet by default.
        pass

    def _serve(self) -> None:
        config = self.server.config
        url = urlsplit(self.path)
        length = self._content_length()
        if length is None or length > MAX_PAYLOAD_BYTES:
            # The body stays unread, so this connection cannot carry another request.
            self.close_connection = True
            self._send_json(*(TOO_LONG if length is not None else BAD_REQUEST))
            return
        body = self.rfile.read(length) if length else b""
        stage, _, rest = url.path.lstrip("/").partition("/")
        path = "/" + unquote(rest) if rest else "/"
        known = stage == config.api.stage and self.command in API_GATEWAY_METHODS
        found = config.api.find(path, self.command) if known else None
        if found is None:
            self._send_json(*MISSING_TOKEN)
            return
        resource, method, parameters = found
        if method.api_key_required and self.headers.get("x-api-key") not in config.api_keys:
            self._send_json(*FORBIDDEN)
            return
        claims = None
        if method.authorization == "COGNITO_USER_POOLS":
            try:
                if config.verifier is None:
                    raise Unauthorized("no verifier configured")
                claims = config.verifier.claims(self.headers.get("Authorization"))
            except Unauthorized:
                self._send_json(*UNAUTHORIZED)
                return
        if method.mock is not None:
            self._send(method.mock.status, list(method.mock.headers.items()), method.mock.body.encode())
            return
        self._proxy(resource, method, parameters, path, url.query, body, claims)

    def _proxy(
        self,
        resource: Resource,
        method: Method,
        parameters: dict[str, str],
        path: str,
        query: str,
        body: bytes,
        claims: dict[str, str] | None,
    ) -> None:
        config = self.server.config
        headers: dict[str, list[str]] = {}
        for name, value in self.headers.items():
            headers.setdefault(name, []).append(value)
        binary = _is_binary(self.headers.get("Content-Type", ""), config.binary_media_types, body)
        request_id = str(uuid.uuid4())
        event = proxy_event(
            self.command,
            resource.path,
            path=path,
            headers=headers,
            query=parse_qs(query, keep_blank_values=True),
            path_parameters=parameters,
            body=body if body or self.command in ("POST", "PUT", "PATCH") else None,
            binary=binary,
            stage=config.api.stage,
            source_ip=self.client_address[0],
            request_id=request_id,
        )
        if claims is not None:
            event["requestContext"]["authorizer"] = {"claims": claims}
        assert method.function_name is not None
        invocation = config.pools[method.function_name].invoke(event, request_id)
        self._answer(invocation)

    def _answer(self, invocation: Invocation) -> None:
        if invocation.failure == "timeout":
            self._send_json(*TIMED_OUT)
            return
        if invocation.failure is not None or invocation.response is None:
            self._send_json(*BAD_GATEWAY)
            return
        converted = _http_response(invocation.response)
        if converted is None:
            self._send_json(*BAD_GATEWAY)
            return
        self._send(*converted)

    def _content_length(self) -> int | None:
        """The request's Content-Length (0 when absent), or ``None`` when it is not a number."""
        raw = self.headers.get("Content-Length") or "0"
        return int(raw) if raw.isdigit() else None

    def _send_json(self, status: int, body: dict[str, str]) -> None:
        """One of the gateway's own answers, with the headers its gateway responses map (CORS)."""
        headers = [("Content-Type", "application/json")]
        headers += self.server.config.api.gateway_response_headers(status, self.headers)
        self._send(status, headers, json.dumps(body).encode())

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _is_binary(content_type: str, binary_media_types: tuple[str, ...], body: bytes) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if any(fnmatch.fnmatch(media_type, pattern) for pattern in binary_media_types):
        return True
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return True  # API Gateway would mangle it as text; hand it over intact instead
    return False


def _http_response(response: Any) -> tuple[int, list[tuple[str, str]], bytes] | None:
    """A proxy response as status, header pairs and body; ``None`` when it is malformed (502)."""
    if not isinstance(response, dict):
        return None
    status = response.get("statusCode")
    headers = response.get("headers") or {}
    multi = response.get("multiValueHeaders") or {}
    body = response.get("body") or ""
    if not isinstance(status, int) or not 100 <= status <= 599:
        return None
    if not isinstance(headers, dict) or not isinstance(multi, dict) or not isinstance(body, str):
        return None
    pairs: list[tuple[str, str]] = []
    for name, values in multi.items():
        if not isinstance(values, list):
            return None
        pairs.extend((str(name), str(value)) for value in values)
    multi_names = {name.lower() for name in multi}
    pairs.extend((str(name), str(value)) for name, value in headers.items() if name.lower() not in multi_names)
    if response.get("isBase64Encoded") is True:
        try:
            return status, pairs, base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            return None
    return status, pairs, body.encode()


class _GatewayServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog is 5: a burst of clients overflows the accept queue, and
    # Linux drops the extra SYNs, so those clients wait for a retransmission (1 s, then 3 s...).
    # The kernel caps this at net.core.somaxconn (4096 on current kernels).
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], config: GatewayConfig) -> None:
        super().__init__(address, _RequestHandler)
        self.config = config


@dataclass(frozen=True)
class RunningGateway:
    """A gateway serving on loopback."""

    base_url: str
    stage_url: str
    config: GatewayConfig


@contextmanager
def serve(config: GatewayConfig, port: int | None = None) -> Iterator[RunningGateway]:
    """Serve ``config`` on 127.0.0.1 in a background thread; stop and close the workers on exit."""
    server = _GatewayServer((LOOPBACK, port or free_port()), config)
    thread = threading.Thread(target=server.serve_forever, name="local-gateway", daemon=True)
    thread.start()
    base_url = f"http://{LOOPBACK}:{server.server_address[1]}"
    try:
        yield RunningGateway(base_url=base_url, stage_url=f"{base_url}/{config.api.stage}", config=config)
    finally:
        server.shutdown()
        server.server_close()
        for pool in config.pools.values():
            pool.close()
