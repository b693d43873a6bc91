"""Multipart uploads: files of any size in parts, each part PUT straight to S3 with its own URL.

S3 allows up to 10 000 parts of 5 MiB to 5 GiB (the last may be smaller). Part URLs are handed
out in pages of at most 1 000, so no answer nears Lambda's 6 MB response limit. The service keeps
no state of its own: S3's record of the upload (ListParts) is the truth a client resumes from.

The plan (announced size, part size) travels in the key the server makes,
``<prefix><uuid4>-<size>x<part_size><ext>``, and S3 binds that key to the upload id: a client
cannot present another plan for the same upload (S3 answers NoSuchUpload for any other key). So
each part URL binds its exact ``Content-Length`` and part numbers beyond the plan are refused,
with no call to S3 and no state: one upload can never store more than it announced.
"""

from __future__ import annotations

import re

from upload_api import keys, validation
from upload_api.errors import BadRequest, Conflict, NotFound, PayloadTooLarge
from upload_api.responses import iso8601
from upload_api.s3_store import KeyTaken

# Type-only imports: typing stays out of a cold start (see upload_api.interfaces).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from upload_api.config import Config
    from upload_api.interfaces import ObjectStore, UploadSigner
    from upload_api.s3_store import StoredPart
    from upload_api.signer import SignedRequest

MiB = 1024 * 1024
MIN_PART_SIZE = 5 * MiB
MAX_PART_SIZE = 5 * 1024 * MiB
MAX_PARTS = 10_000
DEFAULT_PART_SIZE = 8 * MiB
PAGE_SIZE = 1_000

_CREATE_FIELDS = {"content_type", "size", "filename", "part_size", "checksums", "crc64nvme"}
_SIGN_FIELDS = {"key", "part_numbers", "sha256s", "crc64nvmes"}
_COMPLETE_FIELDS = {"key", "parts", "size", "crc64nvme"}
# S3 upload ids are opaque but URL-safe; anything else cannot be one of ours.
_UPLOAD_ID = re.compile(r"^[A-Za-z0-9._~+/=-]{1,1024}$")
# A multipart object's ETag ends with the number of its parts: "<hex>-<count>".
_MULTIPART_ETAG = re.compile(r'^"?[0-9A-Fa-f]+-(\d+)"?$')


# What a multipart key carries after its uuid: the plan, then the optional safe extension.
_PLANNED_KEY = re.compile(
    r"(?P<uuid>[0-9a-f-]{36})-(?P<size>[1-9][0-9]{0,15})x(?P<part_size>[1-9][0-9]{0,10})(?P<ext>\.[a-z0-9]{1,16})?"
)


class PartPlan:
    """How a file of ``size`` bytes is cut (a plain class, not a dataclass: see :mod:`upload_api.signer`)."""

    __slots__ = ("part_count", "part_size", "size")

    def __init__(self, part_size: int, part_count: int, size: int) -> None:
        self.part_size = part_size
        self.part_count = part_count
        self.size = size

    def part_length(self, number: int) -> int:
        """The exact byte count of part ``number`` (the last one holds the rest)."""
        if number < self.part_count:
            return self.part_size
        return self.size - (self.part_count - 1) * self.part_size

    def key_suffix(self) -> str:
        """How the plan is written into the key: ``-<size>x<part_size>``."""
        return f"-{self.size}x{self.part_size}"


def plan_of_key(key: str) -> PartPlan | None:
    """The plan a multipart key carries, or ``None`` for a key without one."""
    name = key.rsplit("/", 1)[-1]
    found = _PLANNED_KEY.fullmatch(name)
    if found is None:
        return None
    size, part_size = int(found["size"]), int(found["part_size"])
    return PartPlan(part_size=part_size, part_count=max(1, _ceil_div(size, part_size)), size=size)


def plan_parts(size: int, asked_part_size: int | None = None) -> PartPlan:
    """The part size (asked for, or the smallest whole MiB of at least 8 MiB that needs at most
    10 000 parts) and the number of parts; :class:`BadRequest` for an asked size S3 cannot take."""
    if asked_part_size is None:
        needed = _ceil_div(size, MAX_PARTS)
        part_size = max(DEFAULT_PART_SIZE, _ceil_div(needed, MiB) * MiB)
    else:
        part_size = asked_part_size
        if not MIN_PART_SIZE <= part_size <= MAX_PART_SIZE:
            raise BadRequest(f"part_size must be between {MIN_PART_SIZE} (5 MiB) and {MAX_PART_SIZE} (5 GiB) bytes")
        if _ceil_div(size, part_size) > MAX_PARTS:
            raise BadRequest(f"part_size {part_size} would need more than {MAX_PARTS} parts; use a larger one")
    return PartPlan(part_size=part_size, part_count=max(1, _ceil_div(size, part_size)), size=size)


class CreateRequest:
    """A validated multipart create: what to store, how it is cut, and its checksum."""

    __slots__ = ("algorithm", "content_type", "crc64nvme", "filename", "plan")

    def __init__(
        self, content_type: str, filename: str | None, plan: PartPlan, algorithm: str | None, crc64nvme: str | None
    ) -> None:
        self.content_type = content_type
        self.filename = filename
        self.plan = plan
        self.algorithm = algorithm  # None, "SHA256" (each part's) or "CRC64NVME" (the whole file's)
        self.crc64nvme = crc64nvme


def parse_create(body: dict[str, Any], config: Config) -> CreateRequest:
    """Validate a multipart create (``POST /uploads/multipart``, or its signed request)."""
    validation.only_fields(body, _CREATE_FIELDS)
    content_type = validation.parse_content_type(body.get("content_type"))
    size = validation.parse_size(body.get("size"), config.multipart_max_size_bytes)
    validation.require_allowed_type(content_type, config)
    filename = validation.parse_filename(body.get("filename"))
    checksums = body.get("checksums", False)
    if not isinstance(checksums, bool):
        raise BadRequest("checksums must be true or false")
    crc64nvme = body.get("crc64nvme")
    if crc64nvme is not None:
        crc64nvme = validation.parse_crc64nvme(crc64nvme)
        if checksums:
            raise BadRequest("give checksums (SHA-256 per part) or crc64nvme (the whole file), not both")
    algorithm = "SHA256" if checksums else "CRC64NVME" if crc64nvme is not None else None
    asked = body.get("part_size")
    if asked is not None and (isinstance(asked, bool) or not isinstance(asked, int)):
        raise BadRequest("part_size must be a whole number of bytes")
    return CreateRequest(content_type, filename, plan_parts(size, asked), algorithm, crc64nvme)


class MultipartUploads:
    """The multipart routes' logic over a signer and S3's record of the uploads."""

    def __init__(self, config: Config, signer: UploadSigner, store: ObjectStore) -> None:
        self._config = config
        self._signer = signer
        self._store = store

    def create(self, body: dict[str, Any], prefix: str) -> dict[str, Any]:
        """``POST /uploads/multipart``: start an upload under ``prefix`` and sign its first page."""
        asked = parse_create(body, self._config)
        plan, algorithm = asked.plan, asked.algorithm
        key, _ = keys.new_key(prefix, asked.filename, plan.key_suffix())
        upload_id = self._store.create(key, asked.content_type, algorithm)
        # With checksums each URL binds its part's checksum, which only the client knows: it asks
        # for URLs page by page with them.
        first_page = [] if algorithm else list(range(1, min(plan.part_count, PAGE_SIZE) + 1))
        signed = [
            (number, self._signer.sign_part(key, upload_id, number, content_length=plan.part_length(number)))
            for number in first_page
        ]
        next_part = len(first_page) + 1 if len(first_page) < plan.part_count else None
        return {
            "key": key,
            "upload_id": upload_id,
            "part_size": plan.part_size,
            "part_count": plan.part_count,
            "checksums": algorithm == "SHA256",
            "crc64nvme": asked.crc64nvme,
            "parts": [_part_url(number, request) for number, request in signed],
            "next_part": next_part,
            "expires_at": iso8601(signed[0][1].expires_at) if signed else None,
        }

    def sign_parts(self, upload_id: str, body: dict[str, Any], prefix: str) -> dict[str, Any]:
        """``POST /uploads/multipart/{upload_id}/parts``: sign a page of part URLs (no call to S3)."""
        return sign_page(self._signer, upload_id, body, prefix)

    def list_parts(self, upload_id: str, key: Any, prefix: str) -> dict[str, Any]:
        """``GET /uploads/multipart/{upload_id}/parts?key=``: what S3 holds, to resume from."""
        checked_key = our_key(key, upload_id, prefix)
        stored = self._store.describe(checked_key, upload_id)
        return {
            "key": checked_key,
            "upload_id": upload_id,
            "parts": [
                {
                    "part_number": part.part_number,
                    "etag": part.etag,
                    "size": part.size,
                    "sha256": part.sha256_base64,
                    "crc64nvme": part.crc64nvme_base64,
                }
                for part in stored.parts
            ],
        }

    def complete(self, upload_id: str, body: dict[str, Any], prefix: str) -> dict[str, Any]:
        """``POST /uploads/multipart/{upload_id}/complete``: assemble the parts into the object.

        ``parts`` (each part's ETag) is optional: without it the parts are S3's own list, so a
        browser whose bucket CORS hides ``ETag`` completes all the same. The completion binds
        ``If-None-Match: *``: it never writes over an object.

        Idempotent: repeated after S3 assembled the object (the first answer lost to a timeout),
        it answers as the first did, from the stored object of the size the key's plan announced.
        """
        validation.only_fields(body, _COMPLETE_FIELDS)
        key = our_key(body.get("key"), upload_id, prefix)
        plan = _plan(key)
        announced = plan.size
        given = None if body.get("parts") is None else _completion_parts(body["parts"])
        # Without the client's list, a completed object has the plan's parts (each URL bound its length).
        part_count = plan.part_count if given is None else len(given)
        maximum = self._config.multipart_max_size_bytes
        if body.get("size") is not None and validation.parse_size(body["size"], maximum) != announced:
            raise BadRequest(f"size {body['size']} is not the {announced} bytes this upload announced")
        crc64nvme = body.get("crc64nvme")
        crc64nvme = None if crc64nvme is None else validation.parse_crc64nvme(crc64nvme)
        try:
            upload = self._store.describe(key, upload_id)
        except NotFound:
            return self._already_completed(key, part_count, announced, crc64nvme)
        _require_whole_file_checksum(upload.checksum_algorithm, crc64nvme)
        stored = {part.part_number: part for part in upload.parts}
        if given is None:
            given = _held_parts(stored, plan)
        for number, etag in given.items():
            held = stored.get(number)
            if held is None:
                raise BadRequest(f"part {number} is not in S3: upload it before completing")
            if held.etag.strip('"') != etag.strip('"'):
                raise BadRequest(f"part {number}'s ETag does not match the part S3 holds")
        left_out = sorted(set(stored) - set(given))
        if left_out:
            raise BadRequest(f"S3 holds part(s) {_numbers(left_out)} that the completion leaves out")
        parts = [stored[number] for number in sorted(given)]
        size = sum(part.size for part in parts)
        if size > self._config.multipart_max_size_bytes:
            # Only reachable when the deployment's maximum was lowered after this upload was
            # created: each part URL binds its planned length, and the plan was checked against
            # the maximum then. Such an upload is never assembled, and its parts are freed.
            self._store.abort(key, upload_id)
            raise PayloadTooLarge(
                f"the parts add up to {size} bytes, over the maximum of "
                f"{self._config.multipart_max_size_bytes}; the upload was aborted"
            )
        if size != announced:
            raise BadRequest(f"the parts add up to {size} bytes, not the {announced} announced")
        try:
            completed = self._store.complete(key, upload_id, parts, crc64nvme)
        except (NotFound, KeyTaken):
            # Another call completed this very upload between our ListParts and now (or, with
            # If-None-Match, an object is at the key: it is this upload's, or a conflict).
            return self._already_completed(key, len(parts), size, crc64nvme)
        return {"key": key, "etag": completed.etag, "size": size, "crc64nvme": completed.crc64nvme_base64}

    def _already_completed(self, key: str, part_count: int, announced: int, crc64nvme: str | None) -> dict[str, Any]:
        """The answer to a completion of an upload S3 no longer has: the object it became, if it
        is stored at the caller's own ``key`` with the announced size and part count; else 404.

        Its ``crc64nvme`` is the one this completion gives: S3 assembled such an upload only
        after checking it against the whole-file value (a listing does not show the value)."""
        stored = self._store.stat(key)
        if stored is None:
            raise NotFound("no such upload for this key")
        counted = _MULTIPART_ETAG.fullmatch(stored.etag)
        if stored.size != announced or (counted is not None and int(counted.group(1)) != part_count):
            parts = f" in {counted.group(1)} parts" if counted else ""
            raise Conflict(
                f"the upload is finished, but the object stored at this key has {stored.size} bytes{parts}, "
                f"not the {announced} bytes in {part_count} parts of this completion"
            )
        return {"key": key, "etag": stored.etag, "size": stored.size, "crc64nvme": crc64nvme}

    def abort(self, upload_id: str, key: Any, prefix: str) -> None:
        """``DELETE /uploads/multipart/{upload_id}?key=``: abort and free the parts."""
        self._store.abort(our_key(key, upload_id, prefix), upload_id)


def sign_page(signer: UploadSigner, upload_id: str, body: dict[str, Any], prefix: str) -> dict[str, Any]:
    """A page of part URLs of the caller's upload ``upload_id`` (no call to S3): each binds its
    part's planned length, and its checksum when given; no part beyond the plan is signed."""
    validation.only_fields(body, _SIGN_FIELDS)
    key = our_key(body.get("key"), upload_id, prefix)
    plan = _plan(key)
    numbers = _part_numbers(body.get("part_numbers"))
    beyond = [number for number in numbers if number > plan.part_count]
    if beyond:
        raise BadRequest(f"part(s) {_numbers(beyond)} are beyond this upload's {plan.part_count} parts")
    validation.one_checksum(body, "sha256s", "crc64nvmes")
    sha256s = _checksums(body.get("sha256s"), len(numbers), "sha256s", validation.parse_sha256)
    crc64nvmes = _checksums(body.get("crc64nvmes"), len(numbers), "crc64nvmes", validation.parse_crc64nvme)
    # No call to S3: signing is local. The key is the caller's (its prefix was checked above),
    # and each URL binds the upload id, so a URL for an upload that does not exist, or that
    # belongs to another key, is refused by S3 itself (404 NoSuchUpload) and stores nothing.
    signed = [
        (number, signer.sign_part(key, upload_id, number, sha256, plan.part_length(number), crc64nvme))
        for number, sha256, crc64nvme in zip(numbers, sha256s, crc64nvmes, strict=True)
    ]
    return {
        "parts": [_part_url(number, request) for number, request in signed],
        "expires_at": iso8601(signed[0][1].expires_at),
    }


def _ceil_div(dividend: int, divisor: int) -> int:
    """``dividend / divisor`` rounded up, in integers (exact for any size, unlike floats)."""
    return -(-dividend // divisor)


def _plan(key: str) -> PartPlan:
    """The plan the (already checked) key carries; an upload made without one cannot continue."""
    plan = plan_of_key(key)
    if plan is None:
        raise NotFound("no such upload for this key (multipart keys carry their plan)")
    return plan


def our_key(key: Any, upload_id: str, prefix: str) -> str:
    """The key when this service made it under the caller's ``prefix``; otherwise 404 (not 403:
    nothing reveals whether someone else's upload exists)."""
    if key is None:
        raise BadRequest("key is required")
    if not isinstance(key, str):
        raise BadRequest("key must be a string")
    if not keys.is_service_key(key, prefix) or not _UPLOAD_ID.fullmatch(upload_id):
        raise NotFound("no such upload for this key")
    return key


def _part_url(number: int, request: SignedRequest) -> dict[str, Any]:
    return {"part_number": number, "url": request.url, "headers": request.headers}


def _part_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PARTS:
        raise BadRequest(f"part numbers must be whole numbers from 1 to {MAX_PARTS}")
    return value


def _part_numbers(value: Any) -> list[int]:
    if not isinstance(value, list) or not value:
        raise BadRequest("part_numbers must be a non-empty list")
    if len(value) > PAGE_SIZE:
        raise BadRequest(f"ask for at most {PAGE_SIZE} part URLs at a time")
    numbers = [_part_number(item) for item in value]
    if len(set(numbers)) != len(numbers):
        raise BadRequest("part_numbers lists a part twice")
    return numbers


def _checksums(value: Any, count: int, name: str, parse: Callable[[Any, str], str]) -> list[str | None]:
    # An upload created with a checksum needs one on every part: S3 itself refuses a part of
    # such an upload that comes without its x-amz-checksum-<algorithm>.
    if value is None:
        return [None] * count
    if not isinstance(value, list) or len(value) != count:
        raise BadRequest(f"{name} must list one checksum per part number, in their order")
    return [parse(item, name) for item in value]


def _held_parts(stored: dict[int, StoredPart], plan: PartPlan) -> dict[int, str]:
    """The parts S3 holds as a completion's list: every part of the plan, with S3's ETags."""
    missing = sorted(set(range(1, plan.part_count + 1)) - set(stored))
    if missing:
        raise BadRequest(f"S3 does not hold part(s) {_numbers(missing)} yet: upload them before completing")
    return {number: part.etag for number, part in stored.items()}


def _require_whole_file_checksum(algorithm: str | None, crc64nvme: str | None) -> None:
    """An upload created with a whole-file CRC64NVME completes only with it (S3 checks the
    assembled object against it); any other upload, without one."""
    if algorithm == "CRC64NVME" and crc64nvme is None:
        raise BadRequest("this upload announced a whole-file CRC64NVME: complete it with crc64nvme")
    if crc64nvme is not None and algorithm not in ("CRC64NVME", None):
        raise BadRequest(f"this upload was created with {algorithm} checksums, not a whole-file crc64nvme")


def _completion_parts(value: Any) -> dict[int, str]:
    if not isinstance(value, list) or not value:
        raise BadRequest("parts must be a non-empty list of {part_number, etag}")
    if len(value) > MAX_PARTS:
        raise BadRequest(f"an upload has at most {MAX_PARTS} parts")
    given: dict[int, str] = {}
    for item in value:
        if not isinstance(item, dict) or set(item) != {"part_number", "etag"}:
            raise BadRequest("each part must be {part_number, etag}")
        number = _part_number(item["part_number"])
        etag = item["etag"]
        if not isinstance(etag, str) or not etag.strip('"'):
            raise BadRequest(f"part {number}'s etag must be a non-empty string")
        if number in given:
            raise BadRequest(f"part {number} is listed twice")
        given[number] = etag
    missing = sorted(set(range(1, max(given) + 1)) - set(given))
    if missing:
        raise BadRequest(f"parts must be numbered from 1 with none missing; missing: {_numbers(missing)}")
    return given


def _numbers(numbers: list[int]) -> str:
    shown = ", ".join(str(number) for number in numbers[:10])
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")
