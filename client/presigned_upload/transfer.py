"""Sending a file: one presigned PUT below the multipart threshold, parallel parts above it.

Bytes are streamed from the file, never held whole: a PUT reads its file, or its part of the
file, a block at a time as the socket takes them, so memory stays at a few blocks per worker
whatever the file or part size.

Every upload binds the file's CRC64NVME (:mod:`presigned_upload.crc64nvme`), so S3 refuses bytes
that are not the file's, and the stored object's CRC64NVME that S3 answers is compared with the
file's (:class:`ChecksumMismatch`). A single PUT binds it as ``x-amz-checksum-crc64nvme``, and S3
answers the one it stored in the same header. A multipart upload is a full-object CRC64NVME one:
one read of the file before the upload is created gives each part's CRC64NVME and, combined
(:func:`~presigned_upload.crc64nvme.combine`), the whole file's, which the create announces; each
part URL binds its part's, the completion gives the whole file's again, S3 checks the assembled
object against it, and the API answers the one stored. The file is read twice, as it was when
parts bound their SHA-256: once to compute, once to send.

Every PUT is retried with backoff (:mod:`presigned_upload.retry`) on network errors, throttling,
5xx answers and S3's ``400 RequestTimeout``. A URL S3 refuses as no longer valid (403, or
``400 ExpiredToken`` when the credentials that signed it ended before its expiry) is signed anew,
once. A single PUT binds ``If-None-Match: *`` and the file's CRC64NVME to a key the API has just
made, which only that URL can write: so a 412 after an attempt whose answer was lost means the
bytes are stored, and is success.

A multipart upload records its key, upload id and whole-file CRC64NVME so ``--resume`` asks S3
which parts it holds, with their CRC64NVMEs, computes the file's again and sends only the other
parts and any whose bytes in the file no longer match (uploads recorded by earlier clients, with
part SHA-256s or no checksums, are resumed as they were made). Bytes S3 holds are never sent
again without asking: a resumed upload that S3 no longer knows is first completed again (it may
have finished), and only when no object was stored either is the whole file sent anew, once the
user confirms. API calls are retried by :class:`~presigned_upload.api.UploadApiClient`.

The parts of a multipart upload are sent by daemon threads. A stopping run (Ctrl-C, or a part
that failed for good) ends their waits and bodies at once and waits for them at most
:data:`STOP_GRACE` seconds: one stuck on a stalled socket neither delays the exit nor keeps the
process alive.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import mimetypes
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, Literal, TypeVar

import requests

from presigned_upload import crc64nvme as crc
from presigned_upload import state as resume_state
from presigned_upload.api import ApiError, UploadApiClient
from presigned_upload.credentials import TokenCommandFailed
from presigned_upload.redact import network_failure, scrub, where
from presigned_upload.retry import Backoff, Stopped, pause, retry_after

MiB = 1024 * 1024
# Part URLs are signed a few at a time, just before they are used: a page signed up front would
# expire (300 s by default) long before the last of its parts is sent on a slow link.
SIGN_BATCH_PER_WORKER = 2
# Connect, then at most this long without a byte moving either way (S3 itself gives up on a
# silent upload after about 20 s, with 400 RequestTimeout).
PUT_TIMEOUT = (10.0, 60.0)
# How long a stopping run waits for the parts in flight to give up before it leaves them.
STOP_GRACE = 0.5
# Bytes read (and hashed) at a time.
BLOCK = 256 * 1024
# The part size when none is asked for: the API's own rule (the smallest whole MiB of at least
# 8 MiB that needs at most 10 000 parts). The client decides it, as each part's CRC64NVME is
# computed before the upload is created.
DEFAULT_PART_SIZE = 8 * MiB
MIN_PART_SIZE = 5 * MiB
MAX_PART_SIZE = 5 * 1024 * MiB
MAX_PARTS = 10_000
# Where S3 answers a PUT with the CRC64NVME it stored.
CRC64NVME_HEADER = "x-amz-checksum-crc64nvme"
# S3 error codes of a 400 that may go away when the same URL is tried again...
RETRY_S3_CODES = frozenset({"RequestTimeout", "RequestTimeoutException"})
# ...and those that a freshly signed URL may cure (the signing session ended before the URL did).
RESIGN_S3_CODES = frozenset({"ExpiredToken", "TokenRefreshRequired"})
Progress = Callable[[int], None]
Confirm = Callable[[str], bool]
_Item = TypeVar("_Item")


class UploadFailed(RuntimeError):
    """The upload could not be finished; the message says why and what to do."""


class ChecksumMismatch(UploadFailed):
    """S3 answered that the object it stored has another CRC64NVME than the file's."""


@dataclass(frozen=True)
class UploadOptions:
    """How to send a file."""

    multipart_threshold: int = 64 * MiB
    part_size: int | None = None
    concurrency: int = 4
    retries: int = 4
    backoff_seconds: float = 0.5
    resume: bool = False
    state_dir: Path = Path(".presigned-upload")
    content_type: str | None = None
    # Asked before a vanished upload's file is sent again; None refuses (non-interactive use).
    confirm_resend: Confirm | None = None
    # Bind the file's CRC64NVME (new uploads; a resumed one keeps what it was created with).
    checksum: bool = True


@dataclass
class UploadResult:
    """What was stored, and which parts this run sent (for a multipart upload)."""

    key: str
    size: int
    multipart: bool
    resumed: bool = False
    parts_sent: list[int] = field(default_factory=list)
    # The stored object's CRC64NVME (base64): S3's answer when it gave one (then equal to the
    # file's, else ChecksumMismatch), otherwise the file's that the upload bound and S3 checked.
    # None when neither is known (an upload without checksum whose answer carried none).
    crc64nvme: str | None = None
    # How it is known: "compared" (S3 answered it, equal to the file's), "s3" (S3 answered it; the
    # file's was not computed: an upload without checksum), "bound" (the file's, which the upload
    # bound and S3 checked, when S3's answer carried none: a 412 after a lost answer).
    crc64nvme_source: Literal["compared", "s3", "bound"] | None = None


@dataclass(frozen=True)
class _Bytes:
    """``length`` bytes of the file at ``path`` from ``offset``: what one PUT sends."""

    path: Path
    offset: int
    length: int


def upload_file(
    path: Path, api: UploadApiClient, options: UploadOptions, progress: Progress | None = None
) -> UploadResult:
    """Upload ``path`` through the API at ``api``; raise :class:`UploadFailed` with the reason."""
    if not path.is_file():
        raise UploadFailed(f"{path} is not a file")
    size = path.stat().st_size
    if size == 0:
        raise UploadFailed(f"{path} is empty: there is nothing to upload")
    content_type = options.content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    report = progress or (lambda sent: None)
    try:
        if size < options.multipart_threshold:
            return _single_put(path, size, content_type, api, options, report)
        return _multipart(path, size, content_type, api, options, report)
    except (ApiError, TokenCommandFailed) as error:
        raise UploadFailed(str(error)) from error
    except resume_state.Unreadable as error:
        raise UploadFailed(str(error)) from None


def _single_put(
    path: Path, size: int, content_type: str, api: UploadApiClient, options: UploadOptions, report: Progress
) -> UploadResult:
    whole = _Bytes(path, 0, size)
    own = crc.to_base64(_crc64nvme(whole, threading.Event())) if options.checksum else None
    upload = api.create_upload(content_type, size, path.name, crc64nvme=own)
    try:
        response = _put_with_retries(upload["url"], upload["headers"], whole, options, report, what="the file")
    except _UrlRefused as refused:
        if refused.maybe_stored:
            raise UploadFailed(
                f"{refused}, after an attempt whose answer was lost: the file may be stored at {upload['key']}"
            ) from None
        # Nothing was stored under the refused URL's key: ask for a new URL (and key), once.
        upload = api.create_upload(content_type, size, path.name, crc64nvme=own)
        response = _put_with_retries(upload["url"], upload["headers"], whole, options, report, what="the file")
    # A 412 after a lost answer carries none: the bytes stored then are the ones the URL bound.
    stored = response.headers.get(CRC64NVME_HEADER) if response.status_code < 300 else None
    return _checked(UploadResult(key=upload["key"], size=size, multipart=False), stored, own)


def _checked(result: UploadResult, stored: str | None, own: str | None) -> UploadResult:
    """``result`` with the stored CRC64NVME, once S3's (``stored``) is found equal to the file's
    (``own``); :class:`ChecksumMismatch` when it is not."""
    if stored is not None and own is not None and stored != own:
        raise ChecksumMismatch(
            f"S3 stored {result.key} with the CRC64NVME {stored}, but this file's is {own}: "
            "the stored object is not this file; do not use it, and upload the file again"
        )
    source: Literal["compared", "s3", "bound"] | None = None
    if stored is not None:
        source = "compared" if own is not None else "s3"
    elif own is not None:
        source = "bound"
    return replace(result, crc64nvme=stored or own, crc64nvme_source=source)


@dataclass
class _Checksums:
    """What an upload's part URLs bind and its completion gives: the whole file's CRC64NVME and
    each part's (computed before the upload starts), part SHA-256s (an upload an earlier client
    made; hashed a batch at a time), or nothing."""

    kind: Literal["crc64nvme", "sha256"] | None
    parts: dict[int, str] = field(default_factory=dict)  # base64, by part number
    whole: str | None = None  # the whole file's CRC64NVME, base64


@dataclass
class _Multipart:
    """One multipart upload in progress: its recorded state, the parts S3 already holds, and the
    checksums of the file's parts."""

    state: resume_state.ResumeState
    held: dict[int, dict[str, Any]]
    resumed: bool
    checksums: _Checksums


def part_size_for(size: int, asked: int | None) -> int:
    """The part size of a ``size``-byte upload: ``asked``, or the API's default rule;
    :class:`UploadFailed` for one S3 cannot take (before the file is read)."""
    if asked is None:
        return max(DEFAULT_PART_SIZE, _ceil_div(_ceil_div(size, MAX_PARTS), MiB) * MiB)
    if not MIN_PART_SIZE <= asked <= MAX_PART_SIZE:
        raise UploadFailed(f"the part size must be from 5MiB to 5GiB, not {asked} bytes")
    if _ceil_div(size, asked) > MAX_PARTS:
        raise UploadFailed(f"parts of {asked} bytes would be more than {MAX_PARTS}: ask for larger ones")
    return asked


def _ceil_div(dividend: int, divisor: int) -> int:
    return -(-dividend // divisor)


def _part_crcs(path: Path, size: int, part_size: int) -> _Checksums:
    """Each part's CRC64NVME and, combined from them, the whole file's: one read of the file."""
    parts: dict[int, str] = {}
    whole = 0
    stop = threading.Event()  # this runs on the caller's thread: a Ctrl-C interrupts it there
    for number, offset in enumerate(range(0, size, part_size), start=1):
        length = min(part_size, size - offset)
        value = _crc64nvme(_Bytes(path, offset, length), stop)
        parts[number] = crc.to_base64(value)
        whole = crc.combine(whole, value, length)
    return _Checksums("crc64nvme", parts, crc.to_base64(whole))


def _checksums_of(path: Path, size: int, state: resume_state.ResumeState) -> _Checksums:
    """The checksums a recorded upload binds, computed from the file as it is now."""
    if state.crc64nvme is not None:
        return _part_crcs(path, size, state.part_size)
    return _Checksums("sha256" if state.checksums else None)


def _start_or_resume(
    path: Path, size: int, content_type: str, api: UploadApiClient, options: UploadOptions
) -> _Multipart | UploadResult:
    saved = resume_state.load(path, options.state_dir) if options.resume else None
    if saved is not None:
        try:
            held = api.list_parts(saved.upload_id, saved.key)
        except ApiError as error:
            if error.status != 404:
                raise
            finished = _vanished(path, size, saved, api, options)
            if finished is not None:
                return finished
        else:
            parts = {part["part_number"]: part for part in held}
            return _Multipart(saved, parts, resumed=True, checksums=_checksums_of(path, size, saved))
    part_size = part_size_for(size, options.part_size)
    try:
        resume_state.prepare(options.state_dir)  # before the upload exists: a failure here orphans nothing
    except OSError as error:
        raise UploadFailed(f"cannot keep the resume state in {options.state_dir}: {error.strerror}") from None
    checksums = _part_crcs(path, size, part_size) if options.checksum else _Checksums(None)
    created = api.create_multipart(content_type, size, path.name, part_size, crc64nvme=checksums.whole)
    state = resume_state.ResumeState(
        file=str(path.resolve()),
        size=size,
        mtime_ns=path.stat().st_mtime_ns,
        key=created["key"],
        upload_id=created["upload_id"],
        part_size=created["part_size"],
        content_type=content_type,
        crc64nvme=checksums.whole,
    )
    refusal = None
    if created["part_size"] != part_size:
        refusal = f"the API cut the file into parts of {created['part_size']} bytes, not the {part_size} asked"
    elif created.get("crc64nvme") != checksums.whole:
        refusal = "the API did not create a CRC64NVME upload (a deployment from before issue 21): try --no-checksum"
    try:
        if refusal is None:
            resume_state.save(state, options.state_dir)
    except OSError as error:
        refusal = f"cannot save the resume state in {options.state_dir} ({error.strerror})"
    if refusal is not None:
        with contextlib.suppress(ApiError):  # if not, the bucket's lifecycle rule removes it in the end
            api.abort(state.upload_id, state.key)
        raise UploadFailed(f"{refusal}; the upload was aborted and nothing was sent")
    return _Multipart(state, {}, resumed=False, checksums=checksums)


def _vanished(
    path: Path, size: int, saved: resume_state.ResumeState, api: UploadApiClient, options: UploadOptions
) -> UploadResult | None:
    """S3 no longer knows the saved upload: it was completed (its answer lost), or aborted or
    expired. The stored object when there is one; ``None`` once the user agreed to start afresh."""
    if saved.completion is not None:
        try:
            completed = api.complete(saved.upload_id, saved.key, saved.completion, size, crc64nvme=saved.crc64nvme)
        except ApiError as error:
            if error.status != 404:
                raise
        else:
            resume_state.forget(path, options.state_dir)
            result = UploadResult(key=completed["key"], size=completed["size"], multipart=True, resumed=True)
            return _checked(result, completed.get("crc64nvme"), saved.crc64nvme)
    question = f"The upload {saved.upload_id} is gone and no object was stored; send all {size} bytes again? [y/N] "
    if options.confirm_resend is None:
        raise UploadFailed(
            f"the upload {saved.upload_id} is gone and no object was stored; nothing was sent "
            "(run again with --yes to send the whole file again)"
        )
    if not options.confirm_resend(question):
        raise UploadFailed(f"the upload {saved.upload_id} is gone and no object was stored; nothing was sent")
    resume_state.forget(path, options.state_dir)
    return None


def _multipart(
    path: Path, size: int, content_type: str, api: UploadApiClient, options: UploadOptions, report: Progress
) -> UploadResult:
    upload = _start_or_resume(path, size, content_type, api, options)
    if isinstance(upload, UploadResult):
        report(size)
        return upload
    state, checksums = upload.state, upload.checksums
    part_size = state.part_size
    part_count = max(1, -(-size // part_size))
    etags: dict[int, str] = {}
    sent: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def part(number: int) -> _Bytes:
        return _Bytes(path, (number - 1) * part_size, min(part_size, size - (number - 1) * part_size))

    def hash_part(number: int) -> None:
        checksums.parts[number] = _sha256(part(number), stop)

    def sign(numbers: list[int]) -> list[dict[str, Any]]:
        values = [checksums.parts[number] for number in numbers] if checksums.kind else None
        if checksums.kind == "crc64nvme":
            return api.sign_parts(state.upload_id, state.key, numbers, crc64nvmes=values)
        return api.sign_parts(state.upload_id, state.key, numbers, values)

    def send(signed: dict[str, Any]) -> None:
        number = signed["part_number"]
        what = f"part {number}"
        try:
            response = _put_with_retries(signed["url"], signed["headers"], part(number), options, report, what, stop)
        except _UrlRefused:
            # Most likely the URL expired while it waited: sign it again, once.
            fresh = sign([number])[0]
            response = _put_with_retries(fresh["url"], fresh["headers"], part(number), options, report, what, stop)
        with lock:
            etags[number] = response.headers["ETag"]
            sent.append(number)

    batch = max(1, options.concurrency * SIGN_BATCH_PER_WORKER)
    try:
        for first in range(1, part_count + 1, batch):
            numbers = list(range(first, min(first + batch, part_count + 1)))
            if checksums.kind == "sha256":  # to sign, and to compare with what S3 holds
                _in_parallel(hash_part, numbers, options.concurrency, stop)
            missing = []
            for number in numbers:
                held = upload.held.get(number)
                if held is not None and _holds(held, part(number).length, checksums, number):
                    etags[number] = held["etag"]
                    report(held["size"])
                else:
                    missing.append(number)
            if missing:
                _in_parallel(send, sign(missing), options.concurrency, stop)
        completion = [{"part_number": number, "etag": etags[number]} for number in sorted(etags)]
        # The whole file's CRC64NVME as it is now (a file rewritten since the create, its size and
        # mtime kept, has another: S3 checks the assembled object against this one).
        state = replace(state, completion=completion, crc64nvme=checksums.whole)
        resume_state.save(state, options.state_dir)  # before it is sent: its answer may be lost
        completed = api.complete(state.upload_id, state.key, completion, size, crc64nvme=checksums.whole)
    except Exception as error:
        said = str(error) if isinstance(error, (UploadFailed, ApiError, TokenCommandFailed)) else network_failure(error)
        raise UploadFailed(
            f"{scrub(said)}; the parts sent so far are kept: run again with --resume to send only the rest"
        ) from error
    finally:
        stop.set()  # parts still in flight (after Ctrl-C or a failure) stop sending at once
    resume_state.forget(path, options.state_dir)
    result = UploadResult(
        key=completed["key"], size=completed["size"], multipart=True, resumed=upload.resumed, parts_sent=sent
    )
    return _checked(result, completed.get("crc64nvme"), checksums.whole)


def _holds(held: dict[str, Any], length: int, checksums: _Checksums, number: int) -> bool:
    """Whether the part S3 holds is this one: its size, and its checksum when S3 lists one (an
    upload made with checksums; a file rewritten with its size and mtime kept is caught here)."""
    if held["size"] != length:
        return False
    listed = held.get(checksums.kind) if checksums.kind is not None else None
    local = checksums.parts.get(number)
    return listed is None or local is None or listed == local


def _in_parallel(work: Callable[[_Item], None], items: Sequence[_Item], workers: int, stop: threading.Event) -> None:
    """``work(item)`` for every item, on up to ``workers`` daemon threads. The first failure sets
    ``stop`` (the others give up) and is raised here; so is a Ctrl-C while waiting. Either way the
    threads still running get :data:`STOP_GRACE` seconds, and are then left behind."""
    pending = iter(items)
    lock = threading.Lock()
    failures: list[BaseException] = []
    settled = threading.Event()  # every thread is done, or one failed
    running = min(workers, len(items))
    if running == 0:
        return

    def run() -> None:
        nonlocal running
        try:
            while not stop.is_set():
                with lock:
                    item = next(pending, None)
                if item is None:
                    break
                work(item)
        except BaseException as failure:  # handed to the waiting thread
            failures.append(failure)
            stop.set()
        finally:
            with lock:
                running -= 1
                if running == 0 or failures:
                    settled.set()

    threads = [threading.Thread(target=run, daemon=True) for _ in range(running)]
    for thread in threads:
        thread.start()
    try:
        settled.wait()
    finally:
        with lock:
            unfinished = running > 0  # a failure, or a Ctrl-C while waiting
        if unfinished:
            stop.set()
            deadline = time.monotonic() + STOP_GRACE
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
    if failures:
        raise failures[0]
    if stop.is_set():
        raise Stopped("stopped")


def _blocks(source: _Bytes, stop: threading.Event) -> Iterator[memoryview]:
    """``source`` a block at a time, in one reused buffer (each block is valid until the next)."""
    buffer = bytearray(BLOCK)
    view = memoryview(buffer)
    with source.path.open("rb", buffering=0) as file:
        file.seek(source.offset)
        left = source.length
        while left:
            if stop.is_set():
                raise Stopped("stopped")
            read = file.readinto(view[: min(BLOCK, left)])
            if not read:
                raise UploadFailed(f"{source.path} got shorter while it was read")
            yield view[:read]
            left -= read


def _sha256(source: _Bytes, stop: threading.Event) -> str:
    """The base64 SHA-256 of ``source``, read a block at a time."""
    digest = hashlib.sha256()
    for block in _blocks(source, stop):
        digest.update(block)
    return base64.b64encode(digest.digest()).decode()


def _crc64nvme(source: _Bytes, stop: threading.Event) -> int:
    """The CRC64NVME of ``source``, read a block at a time."""
    value = 0
    for block in _blocks(source, stop):
        value = crc.crc64nvme(block, value)
    return value


def _s3_code(response: requests.Response) -> str:
    """S3's error code (``SignatureDoesNotMatch``), the one part of its answer worth showing (the
    rest may echo the request, its signature included); empty when there is none."""
    found = re.search(r"<Code>([A-Za-z0-9.]{1,64})</Code>", response.text[:4096])
    return found.group(1) if found else ""


class _UrlRefused(UploadFailed):
    """S3 refused the URL itself (403, or 400 ExpiredToken): most often, it expired."""

    def __init__(self, message: str, *, maybe_stored: bool) -> None:
        super().__init__(message)
        self.maybe_stored = maybe_stored  # an earlier attempt's answer was lost


class _Body:
    """A request body that reads ``source`` from ``file`` as the socket takes it (requests sends a
    file-like body of known length block by block), reports each block as it leaves, and ends
    the PUT when ``stop`` is set."""

    def __init__(self, file: BinaryIO, source: _Bytes, report: Progress, stop: threading.Event) -> None:
        file.seek(source.offset)
        self._file = file
        self._left = source.length
        self._length = source.length
        self._report = report
        self._stop = stop

    def __len__(self) -> int:
        return self._length

    def read(self, amount: int = -1) -> bytes:
        if self._stop.is_set():
            raise Stopped("stopped")
        block = self._file.read(self._left if amount < 0 else min(amount, self._left))
        self._left -= len(block)
        self._report(len(block))
        return block


def _put_with_retries(
    url: str,
    headers: dict[str, str],
    source: _Bytes,
    options: UploadOptions,
    report: Progress,
    what: str,
    stop: threading.Event | None = None,
) -> requests.Response:
    """PUT ``source`` to ``url`` and return S3's answer: a success or, for a URL that binds
    ``If-None-Match: *``, a 412 after an earlier attempt (whose answer was lost) stored the bytes."""
    stop = stop or threading.Event()
    backoff = Backoff(base=options.backoff_seconds)
    no_overwrite = headers.get("If-None-Match") == "*"
    maybe_stored = False
    for attempt in range(options.retries + 1):
        if stop.is_set():
            raise Stopped(f"{what}: stopped")
        sent = 0

        def counted(amount: int) -> None:
            nonlocal sent
            sent += amount
            report(amount)

        asked = None
        try:
            with source.path.open("rb") as file:
                response = requests.put(
                    url, data=_Body(file, source, counted, stop), headers=headers, timeout=PUT_TIMEOUT
                )
        except requests.RequestException as error:
            report(-sent)  # those bytes will be sent again
            failure = f"{what} could not be sent to {where(url)}: {network_failure(error)}"
            maybe_stored = maybe_stored or sent > 0  # S3 may have got them all, its answer lost
        else:
            status, code = response.status_code, _s3_code(response)
            if status < 300 or (status == 412 and no_overwrite and attempt > 0):
                return response  # a 412 then: the key is new and only this URL writes it, so these bytes are there
            report(-sent)
            failure = f"{what} was refused by S3 (HTTP {status}{f', {code}' if code else ''})"
            if status == 412:
                raise UploadFailed(f"{what}: an object already exists at this key; nothing was overwritten")
            if status == 403 or code in RESIGN_S3_CODES:
                raise _UrlRefused(failure, maybe_stored=maybe_stored)
            if code == "BadDigest":
                raise UploadFailed(f"{failure}: the file changed after it was hashed; send it again")
            if status not in (408, 429) and status < 500 and code not in RETRY_S3_CODES:
                raise UploadFailed(failure)
            maybe_stored = maybe_stored or status >= 500
            asked = retry_after(response.headers.get("Retry-After"))
        wait = backoff.delay(attempt, asked)
        if attempt == options.retries or wait is None:
            break
        pause(wait, stop)
    raise UploadFailed(f"{failure} after {attempt + 1} attempts")
