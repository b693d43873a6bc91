"""The command-line client's transfer logic against a fake API and mocked S3 URLs (responses)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import responses

from presigned_upload import state as resume_state
from presigned_upload.api import ApiError
from presigned_upload.transfer import MiB, UploadFailed, UploadOptions, upload_file

S3 = "https://bucket.s3.eu-west-1.amazonaws.com"


class FakeApi:
    """The API's answers, with part URLs under S3; records what the client asked for."""

    def __init__(self, held: list[dict[str, Any]] | None = None, resume_404: bool = False) -> None:
        self.signed: list[list[int]] = []
        self.completed: list[dict[str, Any]] = []
        self.created = 0
        self.held = held or []
        self.resume_404 = resume_404

    def create_upload(self, content_type: str, size: int, sha256: str | None, filename: str) -> dict[str, Any]:
        return {"key": "uploads/k.txt", "url": f"{S3}/single", "headers": {"Content-Type": content_type}}

    def create_multipart(self, content_type: str, size: int, filename: str, part_size: int | None) -> dict[str, Any]:
        self.created += 1
        return {"key": "uploads/k.bin", "upload_id": "u1", "part_size": part_size or 5 * MiB}

    def sign_parts(self, upload_id: str, key: str, part_numbers: list[int]) -> list[dict[str, Any]]:
        self.signed.append(part_numbers)
        return [{"part_number": n, "url": f"{S3}/part{n}?try={len(self.signed)}", "headers": {}} for n in part_numbers]

    def list_parts(self, upload_id: str, key: str) -> list[dict[str, Any]]:
        if self.resume_404:
            raise ApiError(404, "not_found", "no such upload for this key")
        return self.held

    def complete(self, upload_id: str, key: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
        self.completed = parts
        return {"key": key, "etag": '"final"', "size": 11 * MiB}


def options(tmp_path: Path, **changes: Any) -> UploadOptions:
    values: dict[str, Any] = {
        "multipart_threshold": 5 * MiB,
        "part_size": 5 * MiB,
        "concurrency": 2,
        "retries": 2,
        "backoff_seconds": 0.0,
        "state_dir": tmp_path / "state",
    }
    return UploadOptions(**{**values, **changes})


@pytest.fixture
def big(tmp_path: Path) -> Path:
    path = tmp_path / "big.bin"
    path.write_bytes(b"z" * 11 * MiB)
    return path


def part_url(number: int) -> re.Pattern[str]:
    return re.compile(rf"{S3}/part{number}\?.*")


@responses.activate
def test_transient_failures_are_retried_and_progress_ends_at_the_size(tmp_path: Path, big: Path) -> None:
    responses.put(part_url(1), status=503)
    responses.put(part_url(1), headers={"ETag": '"e1"'})
    responses.put(part_url(2), headers={"ETag": '"e2"'})
    responses.put(part_url(3), headers={"ETag": '"e3"'})
    progress: list[int] = []
    api = FakeApi()
    result = upload_file(big, api, options(tmp_path), progress.append)  # type: ignore[arg-type]
    assert sorted(result.parts_sent) == [1, 2, 3]
    assert sum(progress) == 11 * MiB  # the failed attempt's bytes were taken back
    assert api.completed == [
        {"part_number": 1, "etag": '"e1"'},
        {"part_number": 2, "etag": '"e2"'},
        {"part_number": 3, "etag": '"e3"'},
    ]
    assert resume_state.load(big, tmp_path / "state") is None


@responses.activate
def test_parts_are_signed_in_small_batches_just_before_use(tmp_path: Path, big: Path) -> None:
    for number in (1, 2, 3):
        responses.put(part_url(number), headers={"ETag": f'"e{number}"'})
    api = FakeApi()
    upload_file(big, api, options(tmp_path, concurrency=1), None)  # type: ignore[arg-type]
    assert api.signed == [[1, 2], [3]]


@responses.activate
def test_a_refused_url_is_signed_again_once(tmp_path: Path, big: Path) -> None:
    responses.put(part_url(1), status=403)
    responses.put(part_url(1), headers={"ETag": '"e1"'})
    responses.put(part_url(2), headers={"ETag": '"e2"'})
    responses.put(part_url(3), headers={"ETag": '"e3"'})
    api = FakeApi()
    upload_file(big, api, options(tmp_path, concurrency=1), None)  # type: ignore[arg-type]
    assert [1] in api.signed[1:]


@responses.activate
def test_an_existing_object_is_never_overwritten_or_retried(tmp_path: Path) -> None:
    small = tmp_path / "a.txt"
    small.write_text("hello")
    responses.put(f"{S3}/single", status=412)
    with pytest.raises(UploadFailed, match="already exists"):
        upload_file(small, FakeApi(), options(tmp_path), None)  # type: ignore[arg-type]
    assert len(responses.calls) == 1


@responses.activate
def test_resume_sends_only_what_s3_lacks(tmp_path: Path, big: Path) -> None:
    state = resume_state.ResumeState(
        str(big.resolve()), 11 * MiB, big.stat().st_mtime_ns, "uploads/k.bin", "u1", 5 * MiB, "x/y"
    )
    resume_state.save(state, tmp_path / "state")
    responses.put(part_url(3), headers={"ETag": '"e3"'})
    api = FakeApi(
        held=[{"part_number": 1, "etag": '"e1"', "size": 5 * MiB}, {"part_number": 2, "etag": '"e2"', "size": 5 * MiB}]
    )
    result = upload_file(big, api, options(tmp_path, resume=True), None)  # type: ignore[arg-type]
    assert (result.resumed, result.parts_sent, api.created) == (True, [3], 0)


@responses.activate
def test_resuming_an_upload_that_is_gone_starts_afresh(tmp_path: Path, big: Path) -> None:
    state = resume_state.ResumeState(
        str(big.resolve()), 11 * MiB, big.stat().st_mtime_ns, "uploads/k.bin", "old", 5 * MiB, "x/y"
    )
    resume_state.save(state, tmp_path / "state")
    for number in (1, 2, 3):
        responses.put(part_url(number), headers={"ETag": f'"e{number}"'})
    api = FakeApi(resume_404=True)
    result = upload_file(big, api, options(tmp_path, resume=True), None)  # type: ignore[arg-type]
    assert (result.resumed, sorted(result.parts_sent), api.created) == (False, [1, 2, 3], 1)


@responses.activate
def test_a_part_that_keeps_failing_keeps_the_state_for_resume(tmp_path: Path, big: Path) -> None:
    responses.put(part_url(1), status=500)
    responses.put(part_url(2), headers={"ETag": '"e2"'})
    with pytest.raises(UploadFailed, match="--resume"):
        upload_file(big, FakeApi(), options(tmp_path, concurrency=1), None)  # type: ignore[arg-type]
    assert resume_state.load(big, tmp_path / "state") is not None
