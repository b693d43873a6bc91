"""Sending a file: one presigned PUT below the multipart threshold, parallel parts above it.

Bytes are streamed from the file, never held whole: a PUT reads its file, or its part of the
file, a block at a time as the socket takes them, so memory stays at a few blocks per worker
whatever the file or part size.

Every PUT is retried with backoff (:mod:`presigned_upload.retry`) on network errors, throttling,
5xx answers and S3's ``400 RequestTimeout``. A URL S3 refuses as no longer valid (403, or
``400 ExpiredToken`` when the credentials that signed it ended before its expiry) is signed anew,
once. A single PUT binds ``If-None-Match: *`` and the file's SHA-256 to a key the API has just
made, which only that URL can write: so a 412 after an attempt whose answer was lost means the
bytes are stored, and is success.

A multipart upload is created with checksums: each part URL binds that part's SHA-256. It records
its key and upload id so ``--resume`` asks S3 which parts it holds, with their digests, and sends
only the others and any whose bytes in the file no longer match. Bytes S3 holds are never sent
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import requests

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
# S3 error codes of a 400 that may go away when the same URL is tried again...
RETRY_S3_CODES = frozenset({"RequestTimeout", "RequestTimeoutException"})
# ...and those that a freshly signed URL may cure (the signing session ended before the URL did).
RESIGN_S3_CODES = frozenset({"ExpiredToken", "TokenRefreshRequired"})
Progress = Callable[[int], None]
Confirm = Callable[[str], bool]
_Item = TypeVar("_Item")


class UploadFailed(RuntimeError):
    """The upload could not be finished; the message says why and what to do."""


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


@dataclass
class UploadResult:
    """What was stored, and which parts this run sent (for a multipart upload)."""

    key: str
    size: int
    multipart: bool
    resumed: bool = False
    parts_sent: list[int] = field(default_factory=list)


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
    sha256 = _sha256(whole, threading.Event())
    upload = api.create_upload(content_type, size, sha256, path.name)
    try:
        _put_with_retries(upload["url"], upload["headers"], whole, options, report, what="the file")
    except _UrlRefused as refused:
        if refused.maybe_stored:
            raise UploadFailed(
                f"{refused}, after an attempt whose answer was lost: the file may be stored at {upload['key']}"
            ) from None
        # Nothing was stored under the refused URL's key: ask for a new URL (and key), once.
        upload = api.create_upload(content_type, size, sha256, path.name)
        _put_with_retries(upload["url"], upload["headers"], whole, options, report, what="the file")
    return UploadResult(key=upload["key"], size=size, multipart=False)


@dataclass
class _Multipart:
    """One multipart upload in progress: its recorded state and the parts S3 already holds."""

    state: resume_state.ResumeState
    held: dict[int, dict[str, Any]]
    resumed: bool


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
            return _Multipart(saved, {part["part_number"]: part for part in held}, resumed=True)
    try:
        resume_state.prepare(options.state_dir)  # before the upload exists: a failure here orphans nothing
    except OSError as error:
        raise UploadFailed(f"cannot keep the resume state in {options.state_dir}: {error.strerror}") from None
    created = api.create_multipart(content_type, size, path.name, options.part_size, checksums=True)
    state = resume_state.ResumeState(
        file=str(path.resolve()),
        size=size,
        mtime_ns=path.stat().st_mtime_ns,
        key=created["key"],
        upload_id=created["upload_id"],
        part_size=created["part_size"],
        content_type=content_type,
        checksums=bool(created.get("checksums")),
    )
    try:
        resume_state.save(state, options.state_dir)
    except OSError as error:
        with contextlib.suppress(ApiError):  # if not, the bucket's lifecycle rule removes it in the end
            api.abort(state.upload_id, state.key)
        raise UploadFailed(
            f"cannot save the resume state in {options.state_dir} ({error.strerror}); "
            "the upload was aborted and nothing was sent"
        ) from None
    return _Multipart(state, {}, resumed=False)


def _vanished(
    path: Path, size: int, saved: resume_state.ResumeState, api: UploadApiClient, options: UploadOptions
) -> UploadResult | None:
    """S3 no longer knows the saved upload: it was completed (its answer lost), or aborted or
    expired. The stored object when there is one; ``None`` once the user agreed to start afresh."""
    if saved.completion is not None:
        try:
            completed = api.complete(saved.upload_id, saved.key, saved.completion, size)
        except ApiError as error:
            if error.status != 404:
                raise
        else:
            resume_state.forget(path, options.state_dir)
            return UploadResult(key=completed["key"], size=completed["size"], multipart=True, resumed=True)
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
    state = upload.state
    part_size = state.part_size
    part_count = max(1, -(-size // part_size))
    etags: dict[int, str] = {}
    digests: dict[int, str] = {}
    sent: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def part(number: int) -> _Bytes:
        return _Bytes(path, (number - 1) * part_size, min(part_size, size - (number - 1) * part_size))

    def hash_part(number: int) -> None:
        digests[number] = _sha256(part(number), stop)

    def sign(numbers: list[int]) -> list[dict[str, Any]]:
        sha256s = [digests[number] for number in numbers] if state.checksums else None
        return api.sign_parts(state.upload_id, state.key, numbers, sha256s)

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
            if state.checksums:  # to sign, and to compare with what S3 holds
                _in_parallel(hash_part, numbers, options.concurrency, stop)
            missing = []
            for number in numbers:
                held = upload.held.get(number)
                if held is not None and _holds(held, part(number).length, digests.get(number)):
                    etags[number] = held["etag"]
                    report(held["size"])
                else:
                    missing.append(number)
            if missing:
                _in_parallel(send, sign(missing), options.concurrency, stop)
        completion = [{"part_number": number, "etag": etags[number]} for number in sorted(etags)]
        state = replace(state, completion=completion)
        resume_state.save(state, options.state_dir)  # before it is sent: its answer may be lost
        completed = api.complete(state.upload_id, state.key, completion, size)
    except Exception as error:
        said = str(error) if isinstance(error, (UploadFailed, ApiError, TokenCommandFailed)) else network_failure(error)
        raise UploadFailed(
            f"{scrub(said)}; the parts sent so far are kept: run again with --resume to send only the rest"
        ) from error
    finally:
        stop.set()  # parts still in flight (after Ctrl-C or a failure) stop sending at once
    resume_state.forget(path, options.state_dir)
    return UploadResult(
        key=completed["key"], size=completed["size"], multipart=True, resumed=upload.resumed, parts_sent=sent
    )


def _holds(held: dict[str, Any], length: int, digest: str | None) -> bool:
    """Whether the part S3 holds is this one: its size, and its SHA-256 when S3 lists one (an
    upload made with checksums; a file rewritten with its size and mtime kept is caught here)."""
    if held["size"] != length:
        return False
    listed = held.get("sha256")
    return listed is None or digest is None or listed == digest


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


def _sha256(source: _Bytes, stop: threading.Event) -> str:
    """The base64 SHA-256 of ``source``, read a block at a time."""
    digest = hashlib.sha256()
    with source.path.open("rb") as file:
        file.seek(source.offset)
        left = source.length
        while left:
            if stop.is_set():
                raise Stopped("stopped")
            block = file.read(min(BLOCK, left))
            if not block:
                raise UploadFailed(f"{source.path} got shorter while it was read")
            digest.update(block)
            left -= len(block)
    return base64.b64encode(digest.digest()).decode()


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
