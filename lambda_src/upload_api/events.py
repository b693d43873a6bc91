"""Reading API Gateway REST proxy events (payload format 1.0) defensively.

An event is untrusted input: any key may be missing, null or of the wrong type. Everything that
is wrong with it becomes :class:`BadRequest`, never an exception that would turn into a 5xx.
The runtime hands the handler JSON decoded into plain dicts: ``isinstance(x, dict)`` is the
check (a tenth of what an ABC's ``isinstance`` costs on the warm path).
"""

from __future__ import annotations

import binascii
import json

from upload_api.errors import BadRequest, PayloadTooLarge

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

# Most bodies are a few hundred bytes; anything far bigger is a mistake or an attack. Completing
# a multipart upload lists up to 10 000 parts (about 70 bytes each), so routes may allow more.
MAX_BODY_BYTES = 16 * 1024


class Request:
    """The parts of a proxy event the API looks at, normalised (a plain class, not a dataclass:
    see :mod:`upload_api.signer`)."""

    __slots__ = ("body", "claims", "headers", "method", "path_parameters", "query", "resource")

    def __init__(
        self,
        method: str,
        resource: str,
        headers: Mapping[str, str],
        body: bytes,
        path_parameters: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        claims: Mapping[str, str] | None = None,
    ) -> None:
        self.method = method
        self.resource = resource
        self.headers = headers  # lower-case names
        self.body = body
        self.path_parameters: Mapping[str, str] = path_parameters or {}
        self.query: Mapping[str, str] = query or {}
        self.claims: Mapping[str, str] = claims or {}

    def header(self, name: str) -> str | None:
        """A request header by case-insensitive name."""
        return self.headers.get(name.lower())

    def path_parameter(self, name: str) -> str:
        """A path parameter of the route; its absence means the event does not fit the route."""
        value = self.path_parameters.get(name)
        if not value:
            raise BadRequest(f"the path has no {name}")
        return value

    def json_object(self, max_bytes: int = MAX_BODY_BYTES) -> dict[str, Any]:
        """The body parsed as one JSON object, or :class:`BadRequest` saying what is wrong."""
        if not self.body:
            raise BadRequest("the request body must be a JSON object")
        if len(self.body) > max_bytes:
            raise PayloadTooLarge(f"the request body must be at most {max_bytes} bytes")
        try:
            text = self.body.decode("utf-8")
            value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
        except UnicodeDecodeError:
            raise BadRequest("the request body must be UTF-8 encoded JSON") from None
        except (ValueError, RecursionError) as exc:
            # json.JSONDecodeError is a ValueError; so are integers too long to convert.
            raise BadRequest(f"the request body is not valid JSON: {_short(exc)}") from None
        if not isinstance(value, dict):
            raise BadRequest("the request body must be a JSON object")
        return value


def parse_event(event: Any) -> Request:
    """Turn a proxy event into a :class:`Request`, or raise :class:`BadRequest`."""
    if not isinstance(event, dict):
        raise BadRequest("the event is not an API Gateway proxy event")
    method = event.get("httpMethod")
    if not isinstance(method, str) or not method:
        raise BadRequest("the event has no HTTP method")
    resource = event.get("resource") or event.get("path")
    if not isinstance(resource, str) or not resource.startswith("/"):
        raise BadRequest("the event has no resource path")
    return Request(
        method=method.upper(),
        resource=resource,
        headers=_headers(event),
        body=_body(event),
        path_parameters=_string_map(event.get("pathParameters")),
        query=_string_map(event.get("queryStringParameters")),
        claims=_claims(event.get("requestContext")),
    )


def gateway_request_id(event: Any) -> str | None:
    """API Gateway's id of the request (``requestContext.requestId``), when the event has a
    plausible one: it goes into log records, so nothing else from the event does."""
    context = event.get("requestContext") if isinstance(event, dict) else None
    value = context.get("requestId") if isinstance(context, dict) else None
    if isinstance(value, str) and 0 < len(value) <= 128 and value.isascii() and value.isprintable():
        return value
    return None


def _headers(event: Mapping[str, Any]) -> dict[str, str]:
    headers: dict[str, str] = {}
    multi = event.get("multiValueHeaders")
    if isinstance(multi, dict):
        for name, values in multi.items():
            if isinstance(name, str) and isinstance(values, list) and values and isinstance(values[0], str):
                headers[name.lower()] = values[0]
    single = event.get("headers")
    if isinstance(single, dict):
        for name, value in single.items():
            if isinstance(name, str) and isinstance(value, str):
                headers[name.lower()] = value
    return headers


def _string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {name: item for name, item in value.items() if isinstance(name, str) and isinstance(item, str)}


def _claims(context: Any) -> dict[str, str]:
    """The token claims a COGNITO_USER_POOLS authorizer put in ``requestContext.authorizer``."""
    authorizer = context.get("authorizer") if isinstance(context, dict) else None
    return _string_map(authorizer.get("claims") if isinstance(authorizer, dict) else None)


def _body(event: Mapping[str, Any]) -> bytes:
    body = event.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise BadRequest("the event body must be a string")
    if event.get("isBase64Encoded") is True:
        try:
            # base64.b64decode(body, validate=True), without base64's import at cold start
            # (tests/unit/test_stdlib_equivalents.py proves them equal).
            return binascii.a2b_base64(body, strict_mode=True)
        except (binascii.Error, ValueError):
            raise BadRequest("the event body is marked base64 but is not valid base64") from None
    return body.encode("utf-8", errors="surrogatepass")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200]
