"""End to end through a deployed API: what `nox -s e2e-aws` checks in a real account.

One list of checks (:func:`run_checks`) runs against a :class:`Target`: a user signed in to the
deployment's user pool uploads a small file and a multipart file through the API, S3 refuses a
PUT with another content type and a URL past its expiry, and both files come back whole through
download URLs. :class:`devtools.e2e_aws.AwsTarget` deploys ``terraform/examples/complete`` to
an account for it; ``tests/integration/test_e2e_dry_run.py`` runs the same checks against the
local stack on every `make test`, so the path is exercised before anyone spends money on it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import requests

from devtools.upload_events import messages_for_keys
from presigned_upload.api import UploadApiClient
from presigned_upload.transfer import MiB, UploadOptions, upload_file

TIMEOUT = 60
SMALL_TYPE, OTHER_TYPE, LARGE_TYPE = "image/png", "image/jpeg", "application/pdf"
LARGE_SIZE = 11 * MiB  # three parts of 5 MiB, 5 MiB and 1 MiB
PART_SIZE = 5 * MiB


class CheckFailed(AssertionError):
    """What the deployment did differs from what the service promises."""


class Target(Protocol):
    """A deployment the checks run against."""

    api_url: str

    def auth_headers(self) -> dict[str, str]:
        """Headers that authenticate a signed-in test user."""
        ...

    def expired_upload(self, request: dict[str, Any]) -> dict[str, Any]:
        """A `POST /uploads` answer for ``request`` whose URL has already expired."""
        ...


@dataclass
class Report:
    """One line per check, for the terminal and the CI summary."""

    say: Callable[[str], None] = print

    def passed(self, what: str) -> None:
        self.say(f"  ok   {what}")


def _b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _s3_code(response: requests.Response) -> str:
    found = re.search(r"<Code>([^<]+)</Code>", response.text)
    return found.group(1) if found else ""


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def post(target: Target, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(f"{target.api_url}{path}", json=body, headers=target.auth_headers(), timeout=TIMEOUT)
    _expect(response.status_code in (200, 201), f"POST {path} answered {response.status_code}: {response.text[:300]}")
    answer: dict[str, Any] = response.json()
    return answer


def _file_answer(target: Target, key: str) -> requests.Response:
    return requests.get(f"{target.api_url}/files/{key}", headers=target.auth_headers(), timeout=TIMEOUT)


def _error_code(response: requests.Response) -> str:
    return str(response.json().get("error", {}).get("code", "")) if response.status_code >= 400 else ""


# With the malware scan on, a download waits for GuardDuty's verdict (409 scan_pending meanwhile).
SCAN_TIMEOUT, SCAN_POLL = 600.0, 10.0


def _file_after_scan(target: Target, key: str, timeout: float, poll: float) -> requests.Response:
    """``GET /files/{key}``, asked again while the answer is 409 ``scan_pending`` (until ``timeout``)."""
    deadline = time.monotonic() + timeout
    response = _file_answer(target, key)
    while _error_code(response) == "scan_pending" and time.monotonic() < deadline:
        time.sleep(poll)
        response = _file_answer(target, key)
    return response


def _download(target: Target, key: str) -> bytes:
    response = _file_after_scan(target, key, SCAN_TIMEOUT, SCAN_POLL)
    _expect(response.status_code == 200, f"GET /files/{{key}} answered {response.status_code}: {response.text[:300]}")
    fetched = requests.get(response.json()["url"], timeout=TIMEOUT)
    _expect(fetched.status_code == 200, f"the download URL answered {fetched.status_code} ({_s3_code(fetched)})")
    return fetched.content


def upload_small(target: Target, report: Report) -> tuple[str, bytes]:
    data = os.urandom(4096)
    request = {"content_type": SMALL_TYPE, "size": len(data), "sha256": _b64_sha256(data), "filename": "e2e.png"}
    upload = post(target, "/uploads", request)
    put = requests.put(upload["url"], data=data, headers=upload["headers"], timeout=TIMEOUT)
    _expect(put.status_code == 200, f"S3 refused the PUT made as answered: {put.status_code} {_s3_code(put)}")
    report.passed(f"a {len(data)}-byte {SMALL_TYPE} went up with one PUT")
    return upload["key"], data


def refuse_another_type(target: Target, report: Report) -> None:
    data = os.urandom(1024)
    upload = post(target, "/uploads", {"content_type": SMALL_TYPE, "size": len(data)})
    headers = {**upload["headers"], "Content-Type": OTHER_TYPE}
    put = requests.put(upload["url"], data=data, headers=headers, timeout=TIMEOUT)
    _expect(put.status_code == 403, f"S3 took a PUT with another content type: {put.status_code}")
    report.passed(f"S3 refused a PUT as {OTHER_TYPE} of a URL signed for {SMALL_TYPE} (403 {_s3_code(put)})")


def refuse_expired(target: Target, report: Report) -> None:
    data = os.urandom(1024)
    upload = target.expired_upload({"content_type": SMALL_TYPE, "size": len(data)})
    put = requests.put(upload["url"], data=data, headers=upload["headers"], timeout=TIMEOUT)
    _expect(put.status_code == 403, f"S3 took a PUT past the URL's expiry: {put.status_code}")
    report.passed(f"S3 refused a URL past its expiry (403 {_s3_code(put)})")


def upload_large(target: Target, report: Report) -> tuple[str, bytes]:
    data = os.urandom(LARGE_SIZE)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "e2e.pdf"
        path.write_bytes(data)
        api = UploadApiClient(target.api_url, headers=target.auth_headers())
        options = UploadOptions(
            content_type=LARGE_TYPE, part_size=PART_SIZE, multipart_threshold=PART_SIZE, state_dir=Path(folder)
        )
        result = upload_file(path, api, options)
    report.passed(f"{LARGE_SIZE // MiB} MiB went up in {len(result.parts_sent)} parts (multipart)")
    return result.key, data


@dataclass(frozen=True)
class EventsQueue:
    """Where a deployment with ``enable_events`` leaves one message per upload."""

    sqs: Any
    url: str


def one_event_per_upload(queue: EventsQueue, keys: list[str], report: Report, timeout: float = 120.0) -> None:
    for key, messages in messages_for_keys(queue.sqs, queue.url, keys, timeout=timeout).items():
        _expect(len(messages) == 1, f"{len(messages)} completion events for {key}, not one")
    report.passed(f"one completion event per upload on the queue ({len(keys)} uploads)")


def run_checks(target: Target, report: Report | None = None, *, events: EventsQueue | None = None) -> list[str]:
    """Every check, in order; :class:`CheckFailed` at the first that does not hold. The keys stored."""
    report = report or Report()
    small_key, small = upload_small(target, report)
    refuse_another_type(target, report)
    refuse_expired(target, report)
    large_key, large = upload_large(target, report)
    if events is not None:
        one_event_per_upload(events, [small_key, large_key], report)
    for key, data in ((small_key, small), (large_key, large)):
        fetched = _download(target, key)
        _expect(hashlib.sha256(fetched).digest() == hashlib.sha256(data).digest(), f"{key} came back different")
    report.passed("both files came back whole through download URLs (same SHA-256)")
    return [small_key, large_key]


# The EICAR test file: every antivirus engine, GuardDuty's included, reports it, and it harms nothing.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _wait_for_verdict(target: Target, key: str, timeout: float, poll: float) -> tuple[int, str]:
    response = _file_after_scan(target, key, timeout, poll)
    return response.status_code, _error_code(response)


def malware_scan_checks(
    target: Target, clean_key: str, report: Report, *, timeout: float = SCAN_TIMEOUT, poll: float = SCAN_POLL
) -> None:
    """A clean upload becomes downloadable once scanned; the EICAR test file never does."""
    status, code = _wait_for_verdict(target, clean_key, timeout, poll)
    _expect(status == 200, f"a clean upload answered {status} {code} after its scan, not 200")
    report.passed("a clean upload was scanned and then served")
    upload = post(target, "/uploads", {"content_type": LARGE_TYPE, "size": len(EICAR)})
    put = requests.put(upload["url"], data=EICAR, headers=upload["headers"], timeout=TIMEOUT)
    _expect(put.status_code == 200, f"S3 refused the EICAR test file's PUT: {put.status_code} {_s3_code(put)}")
    status, code = _wait_for_verdict(target, upload["key"], timeout, poll)
    _expect((status, code) == (409, "not_clean"), f"the EICAR test file answered {status} {code}, not 409 not_clean")
    report.passed("the EICAR test file was refused for download (409 not_clean)")


def wait_until_expired(upload: dict[str, Any], say: Callable[[str], None] = print) -> dict[str, Any]:
    """Sleep past ``upload``'s ``expires_at`` (how a real account shows expiry: it cannot be faked)."""
    expires_at = datetime.fromisoformat(upload["expires_at"].replace("Z", "+00:00"))
    seconds = (expires_at - datetime.now(UTC)).total_seconds() + 5
    if seconds > 0:
        say(f"  ..   waiting {seconds:.0f} s for an upload URL to expire")
        time.sleep(seconds)
    return upload
