"""Routing: from a proxy event to a proxy response, with every error mapped in one place.

The multipart and download logic load on their routes' first request, so a cold ``POST /uploads``
pays for neither (docs/architecture.md, "Signing without the SDK").
"""

from __future__ import annotations

from upload_api import uploads
from upload_api.errors import ApiError, BadRequest, Forbidden, MethodNotAllowed, NotFound
from upload_api.events import gateway_request_id, parse_event
from upload_api.identity import owner_prefix
from upload_api.log import bind_correlation_id, get_logger
from upload_api.responses import (
    CORS_ALLOW_HEADERS,
    CORS_MAX_AGE_SECONDS,
    cors_headers,
    empty_response,
    error_response,
    internal_error_response,
    json_response,
)

# Type-only imports: typing and collections.abc stay out of a cold start (see upload_api.interfaces).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from upload_api.config import Config
    from upload_api.events import Request
    from upload_api.interfaces import ObjectStore, UploadSigner
    from upload_api.multipart import MultipartUploads
    from upload_api.signed_requests import SignedRequests

    Response = dict[str, Any]
    # An action answers a request whose caller is known: its key prefix comes with it.
    Action = Callable[[Request, str], Response]

logger = get_logger(__name__)

# Completing 10 000 parts takes about 700 KB of JSON; a page of 1 000 digests about 50 KB.
MULTIPART_BODY_BYTES = 1024 * 1024

LEGACY_ROUTE = "/upload-url"
DOWNLOAD_ROUTE = "/files/{key+}"
FORM_ROUTE = "/uploads/form"


class UploadApi:
    """The API of the OpenAPI contract for one deployment (its config, signer and S3 store)."""

    def __init__(self, config: Config, signer: UploadSigner, store: ObjectStore) -> None:
        self._config = config
        self._signer = signer
        self._store = store
        self._multipart_uploads: MultipartUploads | None = None
        self._signed_requests: SignedRequests | None = None
        # resource path template -> method -> action; must equal the OpenAPI document (a test checks).
        self._routes: dict[str, dict[str, Action]] = {
            LEGACY_ROUTE: {"GET": self._legacy_upload_url},
            "/uploads": {"POST": self._create_upload},
            FORM_ROUTE: {"POST": self._create_form_upload},
            "/uploads/multipart": {"POST": self._create_multipart},
            "/uploads/multipart/{upload_id}": {"DELETE": self._abort_multipart},
            "/uploads/multipart/{upload_id}/parts": {"GET": self._list_parts, "POST": self._sign_parts},
            "/uploads/multipart/{upload_id}/complete": {"POST": self._complete_multipart},
            DOWNLOAD_ROUTE: {"GET": self._download},
            "/signed-requests": {"POST": self._sign_request},
        }

    @property
    def _multipart(self) -> MultipartUploads:
        """The multipart routes' logic, imported and built on their first request."""
        if self._multipart_uploads is None:
            from upload_api.multipart import MultipartUploads

            self._multipart_uploads = MultipartUploads(self._config, self._signer, self._store)
        return self._multipart_uploads

    @property
    def _requests(self) -> SignedRequests:
        """The signed-requests route's logic, imported and built on its first request."""
        if self._signed_requests is None:
            from upload_api.signed_requests import SignedRequests

            self._signed_requests = SignedRequests(self._config, self._signer)
        return self._signed_requests

    @property
    def routes(self) -> dict[str, tuple[str, ...]]:
        """Every route this handler implements, whether or not configuration switches it on."""
        return {path: tuple(methods) for path, methods in self._routes.items()}

    def handle(self, event: Any) -> Response:
        """Answer one proxy event. Never raises; unexpected failures become a bare 500.

        Every log record of the request carries API Gateway's request id (``correlation_id``),
        the id its access log and the caller's ``x-amzn-RequestId`` show.
        """
        bind_correlation_id(gateway_request_id(event))
        cors: dict[str, str] = {"Vary": "Origin"}
        try:
            request = parse_event(event)
            cors = cors_headers(request.header("origin"), self._config.allowed_origins)
            return self._dispatch(request, cors)
        except ApiError as error:
            logger.info("request refused", extra={"status": error.status, "code": error.code})
            return error_response(error, cors)
        except Exception:
            logger.exception("unhandled error")
            return internal_error_response(cors)

    def _dispatch(self, request: Request, cors: dict[str, str]) -> Response:
        methods = self._routes_for(request.resource)
        if request.method == "OPTIONS":
            return self._preflight(request, tuple(methods), cors)
        action = methods.get(request.method)
        if action is None:
            allowed = ", ".join([*methods, "OPTIONS"])
            raise MethodNotAllowed(
                f"{request.method} is not allowed on {request.resource}; allowed: {allowed}",
                headers={"Allow": allowed},
            )
        # Who is asking comes before what they ask: a caller without a usable identity gets 401
        # or 403 on every route, before any body is read.
        response = action(request, owner_prefix(self._config, request))
        response["headers"].update(cors)
        return response

    def _routes_for(self, resource: str) -> dict[str, Action]:
        methods = self._routes.get(resource)
        switched_off = (
            (resource == LEGACY_ROUTE and not self._config.legacy_route_enabled)
            or (resource == DOWNLOAD_ROUTE and not self._config.downloads_enabled)
            or (resource == FORM_ROUTE and not self._config.form_uploads_enabled)
        )
        if methods is None or switched_off:
            raise NotFound(f"no route {resource}")
        return methods

    def _preflight(self, request: Request, methods: tuple[str, ...], cors: dict[str, str]) -> Response:
        origin = request.header("origin")
        if origin is None or origin not in self._config.allowed_origins:
            raise Forbidden("this origin is not allowed to call the API")
        asked = (request.header("access-control-request-method") or "").upper()
        if asked not in methods:
            raise BadRequest(f"preflight asks for {asked or 'no method'}; allowed: {', '.join(methods)}")
        return empty_response(
            204,
            {
                **cors,
                "Access-Control-Allow-Methods": ",".join([*methods, "OPTIONS"]),
                "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
                "Access-Control-Max-Age": CORS_MAX_AGE_SECONDS,
            },
        )

    def _legacy_upload_url(self, request: Request, prefix: str) -> Response:
        body = uploads.legacy_upload_url(prefix, self._signer)
        logger.info("legacy upload url signed", extra={"uuid": body["UUID"]})
        return json_response(200, body)

    def _create_upload(self, request: Request, prefix: str) -> Response:
        upload = uploads.parse_upload_request(request.json_object(), self._config)
        body = uploads.create_upload(upload, prefix, self._signer)
        logger.info(
            "upload signed",
            extra={"key": body["key"], "size": upload.size, "content_type": upload.content_type},
        )
        return json_response(201, body)

    def _create_form_upload(self, request: Request, prefix: str) -> Response:
        form = uploads.parse_form_request(request.json_object(), self._config)
        body = uploads.create_form_upload(form, prefix, self._signer)
        logger.info(
            "form upload signed",
            extra={"key": body["key"], "max_size": form.max_size, "content_type": form.content_type},
        )
        return json_response(201, body)

    def _create_multipart(self, request: Request, prefix: str) -> Response:
        body = self._multipart.create(request.json_object(), prefix)
        logger.info(
            "multipart upload created",
            extra={"key": body["key"], "part_size": body["part_size"], "part_count": body["part_count"]},
        )
        return json_response(201, body)

    def _sign_parts(self, request: Request, prefix: str) -> Response:
        body = self._multipart.sign_parts(
            request.path_parameter("upload_id"), request.json_object(MULTIPART_BODY_BYTES), prefix
        )
        logger.info("multipart parts signed", extra={"count": len(body["parts"])})
        return json_response(200, body)

    def _list_parts(self, request: Request, prefix: str) -> Response:
        return json_response(
            200, self._multipart.list_parts(request.path_parameter("upload_id"), request.query.get("key"), prefix)
        )

    def _complete_multipart(self, request: Request, prefix: str) -> Response:
        body = self._multipart.complete(
            request.path_parameter("upload_id"), request.json_object(MULTIPART_BODY_BYTES), prefix
        )
        logger.info("multipart upload completed", extra={"key": body["key"], "size": body["size"]})
        return json_response(200, body)

    def _abort_multipart(self, request: Request, prefix: str) -> Response:
        self._multipart.abort(request.path_parameter("upload_id"), request.query.get("key"), prefix)
        logger.info("multipart upload aborted")
        return empty_response(204, {})

    def _sign_request(self, request: Request, prefix: str) -> Response:
        body = request.json_object()
        signed = self._requests.sign(body, prefix)
        logger.info("S3 request signed", extra={"operation": body.get("operation"), "key": signed.get("key")})
        return json_response(201, signed)

    def _download(self, request: Request, prefix: str) -> Response:
        from upload_api import downloads  # on the route's first request

        body = downloads.sign_download(
            request.path_parameter("key"),
            request.query.get("filename"),
            prefix,
            self._signer,
            self._store,
            malware_scan=self._config.malware_scan,
        )
        logger.info("download signed", extra={"key": body["key"]})
        return json_response(200, body)
