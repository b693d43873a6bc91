"""``POST /signed-requests``: one S3 request of an upload, signed for a client that sends it itself.

A client that drives S3 on its own (Uppy 6's ``signRequest`` asks for one request at a time)
gets each request of an upload signed under the rules of the other routes: a single PUT as
``POST /uploads`` signs it; a multipart upload created for a server-made key under the caller's
prefix with the size plan in it (type allowlist, sizes); each part bound to its planned length and
within the plan; list, complete and abort only for the caller's own keys; the completion bound to
``If-None-Match: *``. Nothing here calls S3 or loads the SDK: signing is local arithmetic, so these
answers cost a cold start no more than ``POST /uploads`` does.
"""

from __future__ import annotations

from upload_api import keys, multipart, uploads, validation
from upload_api.errors import BadRequest, NotFound
from upload_api.responses import iso8601

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from upload_api.config import Config
    from upload_api.interfaces import UploadSigner
    from upload_api.signer import SignedRequest

OPERATIONS = (
    "put_object",
    "create_multipart_upload",
    "upload_part",
    "list_parts",
    "complete_multipart_upload",
    "abort_multipart_upload",
)
_UPLOAD_FIELDS = {"operation", "key", "upload_id"}


class SignedRequests:
    """The route's logic over the deployment's config and signer."""

    def __init__(self, config: Config, signer: UploadSigner) -> None:
        self._config = config
        self._signer = signer

    def sign(self, body: dict[str, Any], prefix: str) -> dict[str, Any]:
        """Sign the request ``body["operation"]`` names, for a caller whose keys live under ``prefix``."""
        operation = body.get("operation")
        if operation not in OPERATIONS:
            raise BadRequest(f"operation must be one of {', '.join(OPERATIONS)}")
        fields = {name: value for name, value in body.items() if name != "operation"}
        if operation == "put_object":
            return self._put_object(fields, prefix)
        if operation == "create_multipart_upload":
            return self._create_multipart_upload(fields, prefix)
        if operation == "upload_part":
            return self._upload_part(fields, prefix)
        return self._upload_request(operation, body, prefix)

    def _put_object(self, fields: dict[str, Any], prefix: str) -> dict[str, Any]:
        """PutObject: exactly what ``POST /uploads`` signs."""
        request = uploads.parse_upload_request(fields, self._config)
        return uploads.create_upload(request, prefix, self._signer)

    def _create_multipart_upload(self, fields: dict[str, Any], prefix: str) -> dict[str, Any]:
        """CreateMultipartUpload for a fresh key that carries the plan; the client reads the upload
        id from S3's answer. The signature binds the content type and, with a whole-file CRC64NVME,
        the checksum algorithm and type."""
        upload = multipart.parse_create(fields, self._config)
        key, _ = keys.new_key(prefix, upload.filename, upload.plan.key_suffix())
        headers = {"Content-Type": upload.content_type}
        if upload.algorithm is not None:
            headers["x-amz-checksum-algorithm"] = upload.algorithm
            headers["x-amz-checksum-type"] = "FULL_OBJECT" if upload.algorithm == "CRC64NVME" else "COMPOSITE"
        signed = self._signer.sign_request("POST", key, [("uploads", "")], headers)
        return {
            **_answer(signed),
            "key": key,
            "part_size": upload.plan.part_size,
            "part_count": upload.plan.part_count,
        }

    def _upload_part(self, fields: dict[str, Any], prefix: str) -> dict[str, Any]:
        """UploadPart: a page of one, as ``POST /uploads/multipart/{upload_id}/parts`` signs it."""
        upload_id = _upload_id(fields.pop("upload_id", None))
        number = fields.pop("part_number", None)
        for single, plural in (("sha256", "sha256s"), ("crc64nvme", "crc64nvmes")):
            if single in fields:
                fields[plural] = [fields.pop(single)]
        page = multipart.sign_page(self._signer, upload_id, {**fields, "part_numbers": [number]}, prefix)
        part = page["parts"][0]
        return {"method": "PUT", "url": part["url"], "headers": part["headers"], "expires_at": page["expires_at"]}

    def _upload_request(self, operation: str, body: dict[str, Any], prefix: str) -> dict[str, Any]:
        """ListParts, CompleteMultipartUpload or AbortMultipartUpload of the caller's own upload."""
        extra = {"crc64nvme"} if operation == "complete_multipart_upload" else set()
        validation.only_fields(body, _UPLOAD_FIELDS | extra)
        upload_id = _upload_id(body.get("upload_id"))
        key = multipart.our_key(body.get("key"), upload_id, prefix)
        if multipart.plan_of_key(key) is None:  # a single PUT's key: never a multipart upload's
            raise NotFound("no such upload for this key (multipart keys carry their plan)")
        params = [("uploadId", upload_id)]
        if operation == "list_parts":
            return _answer(self._signer.sign_request("GET", key, params, {}))
        if operation == "abort_multipart_upload":
            return _answer(self._signer.sign_request("DELETE", key, params, {}))
        # Never onto an existing object; with a whole-file CRC64NVME, S3 checks the assembled object.
        headers = {"If-None-Match": "*"}
        if body.get("crc64nvme") is not None:
            headers["x-amz-checksum-crc64nvme"] = validation.parse_crc64nvme(body["crc64nvme"])
            headers["x-amz-checksum-type"] = "FULL_OBJECT"
        return _answer(self._signer.sign_request("POST", key, params, headers))


def _upload_id(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise BadRequest("upload_id is required: the UploadId S3 answered CreateMultipartUpload with")
    return value


def _answer(signed: SignedRequest) -> dict[str, Any]:
    return {
        "method": signed.method,
        "url": signed.url,
        "headers": signed.headers,
        "expires_at": iso8601(signed.expires_at),
    }
