"""Sending a file: one presigned PUT below the multipart threshold, parallel parts above it.

Every PUT is retried with exponential backoff on network errors, throttling and 5xx answers; a
multipart upload records its key and upload id so `--resume` asks S3 which parts it holds and
sends only the others. A completion that times out or answers 502/503/504 is repeated: the API
answers a repeat from the stored object once S3 has assembled it. Bytes S3 holds are never sent
again without asking: a resumed upload that S3 no longer knows is first completed again (it may
have finished), and only when no object was stored either is the whole file sent anew, once the
user confirms.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import requests

from presigned_upload import state as resume_state
from presigned_upload.api import ApiError, UploadApiClient
from presigned_upload.redact import network_failure, scrub, where

MiB = 1024 * 1024
# Part URLs are signed a few at a time, just before they are used: a page signed up front would
# expire (300 s by default) long before the last of its parts is sent on a slow link.
SIGN_BATCH_PER_WORKER = 2
# The API's answers to a completion that may still succeed when repeated: no answer (a timeout
# or a dropped connection), API Gateway's 504, and the function's or gateway's 502/503.
RETRY_COMPLETION = {0, 502, 503, 504}
Progress = Callable[[int], None]
Confirm = Callable[[str], bool]


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
    except ApiError as error:
        raise UploadFailed(str(error)) from error


def _single_put(
    path: Path, size: int, content_type: str, api: UploadApiClient, options: UploadOptions, report: Progress
) -> UploadResult:
    data = path.read_bytes()
    sha256 = base64.b64encode(hashlib.sha256(data).digest()).decode()
    upload = api.create_upload(content_type, size, sha256, path.name)
    _put_with_retries(upload["url"], data, upload["headers"], options, report, what="the file")
    return UploadResult(key=upload["key"], size=size, multipart=False)


@dataclass
class _Multipart:
    """One multipart upload in progress: where it goes and the parts S3 already holds."""

    key: str
    upload_id: str
    part_size: int
    etags: dict[int, str]
    resumed: bool


def _start_or_resume(
    path: Path, size: int, content_type: str, api: UploadApiClient, options: UploadOptions, report: Progress
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
            etags = {}
            for part in held:
                if part["size"] == _part_length(part["part_number"], saved.part_size, size):
                    etags[part["part_number"]] = part["etag"]
                    report(part["size"])
            return _Multipart(saved.key, saved.upload_id, saved.part_size, etags, resumed=True)
    created = api.create_multipart(content_type, size, path.name, options.part_size)
    upload = _Multipart(created["key"], created["upload_id"], created["part_size"], {}, resumed=False)
    resume_state.save(
        resume_state.ResumeState(
            file=str(path.resolve()),
            size=size,
            mtime_ns=path.stat().st_mtime_ns,
            key=upload.key,
            upload_id=upload.upload_id,
            part_size=upload.part_size,
            content_type=content_type,
        ),
        options.state_dir,
    )
    return upload


def _vanished(
    path: Path, size: int, saved: resume_state.ResumeState, api: UploadApiClient, options: UploadOptions
) -> UploadResult | None:
    """S3 no longer knows the saved upload: it was completed (its answer lost), or aborted or
    expired. The stored object when there is one; ``None`` once the user agreed to start afresh."""
    if saved.completion is not None:
        try:
            completed = _complete(api, saved.upload_id, saved.key, saved.completion, size, options)
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


def _complete(
    api: UploadApiClient, upload_id: str, key: str, parts: list[dict[str, Any]], size: int, options: UploadOptions
) -> dict[str, Any]:
    """Complete the upload, repeating the call (with backoff) while its outcome is unknown."""
    for attempt in range(options.retries + 1):
        try:
            return api.complete(upload_id, key, parts, size)
        except ApiError as error:
            if error.status not in RETRY_COMPLETION or attempt == options.retries:
                raise
        time.sleep(options.backoff_seconds * 2**attempt)
    raise AssertionError("unreachable")  # the last attempt returns or raises


def _multipart(
    path: Path, size: int, content_type: str, api: UploadApiClient, options: UploadOptions, report: Progress
) -> UploadResult:
    upload = _start_or_resume(path, size, content_type, api, options, report)
    if isinstance(upload, UploadResult):
        report(size)
        return upload
    part_size = upload.part_size
    part_count = max(1, -(-size // part_size))
    remaining = [number for number in range(1, part_count + 1) if number not in upload.etags]
    sent: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def send(part: dict[str, Any]) -> None:
        number = part["part_number"]
        with path.open("rb") as file:
            file.seek((number - 1) * part_size)
            data = file.read(_part_length(number, part_size, size))
        try:
            response = _put_with_retries(
                part["url"], data, part["headers"], options, report, what=f"part {number}", stop=stop
            )
        except _UrlRefused:
            # Most likely the URL expired while it waited: sign it again, once.
            fresh = api.sign_parts(upload.upload_id, upload.key, [number])[0]
            response = _put_with_retries(
                fresh["url"], data, fresh["headers"], options, report, what=f"part {number}", stop=stop
            )
        with lock:
            upload.etags[number] = response.headers["ETag"]
            sent.append(number)

    batch = max(1, options.concurrency * SIGN_BATCH_PER_WORKER)
    pool = ThreadPoolExecutor(max_workers=options.concurrency)
    try:
        for start in range(0, len(remaining), batch):
            parts = api.sign_parts(upload.upload_id, upload.key, remaining[start : start + batch])
            list(pool.map(send, parts))  # list() re-raises the first failure
        completion = [{"part_number": number, "etag": upload.etags[number]} for number in sorted(upload.etags)]
        saved = resume_state.load(path, options.state_dir)
        if saved is not None:  # recorded before it is sent: its answer may be lost
            resume_state.save(replace(saved, completion=completion), options.state_dir)
        completed = _complete(api, upload.upload_id, upload.key, completion, size, options)
    except Exception as error:
        said = str(error) if isinstance(error, (UploadFailed, ApiError)) else network_failure(error)
        raise UploadFailed(
            f"{scrub(said)}; the parts sent so far are kept: run again with --resume to send only the rest"
        ) from error
    finally:
        stop.set()  # parts still in flight (after Ctrl-C or a failure) stop sending at once
        pool.shutdown(wait=True, cancel_futures=True)
    resume_state.forget(path, options.state_dir)
    return UploadResult(
        key=completed["key"], size=completed["size"], multipart=True, resumed=upload.resumed, parts_sent=sent
    )


def _s3_code(response: requests.Response) -> str:
    """``, SignatureDoesNotMatch``: S3's error code, the one part of its answer worth showing (the
    rest may echo the request, its signature included)."""
    found = re.search(r"<Code>([A-Za-z0-9.]{1,64})</Code>", response.text[:4096])
    return f", {found.group(1)}" if found else ""


def _part_length(number: int, part_size: int, size: int) -> int:
    return min(part_size, size - (number - 1) * part_size)


class _UrlRefused(UploadFailed):
    """S3 answered 403: the signature no longer holds (most often, the URL expired)."""


class _Stopped(Exception):
    """The run is stopping (Ctrl-C, or another part failed): this PUT gives up mid-body."""


class _CountingBody:
    """A request body that reports each block as it leaves, so progress moves during a PUT,
    and that ends the PUT when ``stop`` is set."""

    def __init__(self, data: bytes, report: Progress, stop: threading.Event | None = None) -> None:
        self._data = memoryview(data)
        self._offset = 0
        self._report = report
        self._stop = stop

    def __len__(self) -> int:
        return len(self._data)

    def read(self, amount: int = -1) -> bytes:
        if self._stop is not None and self._stop.is_set():
            raise _Stopped("stopped")
        end = len(self._data) if amount < 0 else min(len(self._data), self._offset + amount)
        block = self._data[self._offset : end].tobytes()
        self._offset = end
        self._report(len(block))
        return block


def _put_with_retries(
    url: str,
    data: bytes,
    headers: dict[str, str],
    options: UploadOptions,
    report: Progress,
    *,
    what: str,
    stop: threading.Event | None = None,
) -> requests.Response:
    for attempt in range(options.retries + 1):
        if stop is not None and stop.is_set():
            raise _Stopped(f"{what}: stopped")
        sent = 0

        def counted(amount: int) -> None:
            nonlocal sent
            sent += amount
            report(amount)

        try:
            response = requests.put(url, data=_CountingBody(data, counted, stop), headers=headers, timeout=300)
        except requests.RequestException as error:
            failure = f"{what} could not be sent to {where(url)}: {network_failure(error)}"
        else:
            if response.status_code < 300:
                return response
            if response.status_code == 412:
                raise UploadFailed(f"{what}: an object already exists at this key; nothing was overwritten")
            failure = f"{what} was refused by S3 (HTTP {response.status_code}{_s3_code(response)})"
            if response.status_code == 403:
                raise _UrlRefused(failure)
            if response.status_code not in (408, 429) and response.status_code < 500:
                raise UploadFailed(failure)
        report(-sent)  # those bytes will be sent again
        if attempt < options.retries:
            time.sleep(options.backoff_seconds * 2**attempt)
    raise UploadFailed(f"{failure} after {options.retries + 1} attempts")
