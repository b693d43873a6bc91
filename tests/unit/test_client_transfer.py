"""The command-line client's transfer logic against a fake API and mocked S3 URLs (responses)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from hypothesis import given
from hypothesis import strategies as st

from presigned_upload import cli, retry
from presigned_upload import state as resume_state
from presigned_upload.api import ApiError, UploadApiClient
from presigned_upload.crc64nvme import crc64nvme, to_base64
from presigned_upload.retry import Backoff, retry_after
from presigned_upload.transfer import MiB, UploadFailed, UploadOptions, part_size_for, upload_file
from upload_api.multipart import plan_parts

pytestmark = pytest.mark.client

S3 = "https://bucket.s3.eu-west-1.amazonaws.com"


class FakeApi:
    """The API's answers, with part URLs under S3; records what the client asked for."""

    def __init__(
        self,
        held: list[dict[str, Any]] | None = None,
        resume_404: bool = False,
        complete_answers: list[ApiError | None] | None = None,
    ) -> None:
        self.signed: list[list[int]] = []
        self.completed: list[dict[str, Any]] = []
        self.completions = 0
        self.created = 0
        self.held = held or []
        self.resume_404 = resume_404
        # What each completion call answers in turn: an error, or None for success (the default).
        self.complete_answers = complete_answers or []

    def create_upload(self, content_type: str, size: int, filename: str, **checksum: str | None) -> dict[str, Any]:
        return {"key": "uploads/k.txt", "url": f"{S3}/single", "headers": {"Content-Type": content_type}}

    def create_multipart(
        self, content_type: str, size: int, filename: str, part_size: int | None, **checksum: Any
    ) -> dict[str, Any]:
        self.created += 1
        self.crc64nvme = checksum.get("crc64nvme")
        return {"key": "uploads/k.bin", "upload_id": "u1", "part_size": part_size, "crc64nvme": self.crc64nvme}

    def sign_parts(
        self, upload_id: str, key: str, part_numbers: list[int], sha256s: list[str] | None = None, **crc: Any
    ) -> list[dict[str, Any]]:
        self.signed.append(part_numbers)
        return [{"part_number": n, "url": f"{S3}/part{n}?try={len(self.signed)}", "headers": {}} for n in part_numbers]

    def list_parts(self, upload_id: str, key: str) -> list[dict[str, Any]]:
        if self.resume_404:
            raise ApiError(404, "not_found", "no such upload for this key")
        return self.held

    def complete(
        self, upload_id: str, key: str, parts: list[dict[str, Any]], size: int | None, crc64nvme: str | None = None
    ) -> dict[str, Any]:
        self.completions += 1
        self.completed = parts
        answer = self.complete_answers.pop(0) if self.complete_answers else None
        if answer is not None:
            raise answer
        return {"key": key, "etag": '"final-3"', "size": size, "crc64nvme": crc64nvme}


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
    questions: list[str] = []
    agree = options(tmp_path, resume=True, confirm_resend=lambda question: questions.append(question) or True)
    result = upload_file(big, api, agree, None)  # type: ignore[arg-type]
    assert (result.resumed, sorted(result.parts_sent), api.created) == (False, [1, 2, 3], 1)
    assert questions == [f"The upload old is gone and no object was stored; send all {11 * MiB} bytes again? [y/N] "]


@responses.activate
def test_a_part_that_keeps_failing_keeps_the_state_for_resume(tmp_path: Path, big: Path) -> None:
    responses.put(part_url(1), status=500)
    responses.put(part_url(2), headers={"ETag": '"e2"'})
    with pytest.raises(UploadFailed, match="--resume"):
        upload_file(big, FakeApi(), options(tmp_path, concurrency=1), None)  # type: ignore[arg-type]
    assert resume_state.load(big, tmp_path / "state") is not None


def puts_per_part() -> Counter[int]:
    """How many PUTs reached each part's URL."""
    return Counter(
        int(call.request.url.split("/part")[1].split("?")[0])
        for call in responses.calls
        if call.request.method == "PUT" and "/part" in call.request.url
    )


API = "https://api.example.com/v1"


@responses.activate
def test_a_completion_that_times_out_is_repeated_through_the_real_client(tmp_path: Path, big: Path) -> None:
    whole = to_base64(crc64nvme(big.read_bytes()))
    created = {"key": "uploads/k.bin", "upload_id": "u1", "part_size": 5 * MiB, "crc64nvme": whole}
    responses.post(f"{API}/uploads/multipart", json=created)
    responses.post(
        f"{API}/uploads/multipart/u1/parts",
        json={"parts": [{"part_number": n, "url": f"{S3}/part{n}?x=1", "headers": {}} for n in (1, 2, 3)]},
    )
    for number in (1, 2, 3):
        responses.put(part_url(number), headers={"ETag": f'"e{number}"'})
    complete = f"{API}/uploads/multipart/u1/complete"
    responses.post(complete, body=requests.exceptions.ReadTimeout("read timed out"))
    responses.post(complete, status=503, json={"error": {"code": "upstream_unavailable", "message": "busy"}})
    responses.post(complete, status=504, json={"message": "Endpoint request timed out"})
    responses.post(complete, json={"key": "uploads/k.bin", "etag": '"f-3"', "size": 11 * MiB, "crc64nvme": whole})
    result = upload_file(big, UploadApiClient(API, timeout=1, backoff=Backoff(0)), options(tmp_path), None)
    assert (result.key, result.size, result.crc64nvme) == ("uploads/k.bin", 11 * MiB, whole)
    assert puts_per_part() == {1: 1, 2: 1, 3: 1}
    bodies = [json.loads(call.request.body) for call in responses.calls if call.request.url == complete]
    assert len(bodies) == 4
    expected = {"key": "uploads/k.bin", "parts": bodies[0]["parts"], "size": 11 * MiB, "crc64nvme": whole}
    assert all(body == expected for body in bodies)


@responses.activate
def test_resuming_a_vanished_upload_that_s3_completed_reports_success_without_sending(
    tmp_path: Path, big: Path
) -> None:
    for number in (1, 2, 3):
        responses.put(part_url(number), headers={"ETag": f'"e{number}"'})
    lost = ApiError(504, "http_error", "Endpoint request timed out")
    first = FakeApi(complete_answers=[lost])  # the answer is lost (after the API client's retries)...
    with pytest.raises(UploadFailed, match="--resume"):
        upload_file(big, first, options(tmp_path), None)  # type: ignore[arg-type]
    assert puts_per_part() == {1: 1, 2: 1, 3: 1}

    # ...but S3 assembled the object and forgot the upload: ListParts is 404, completion 200.
    second = FakeApi(resume_404=True)
    progress: list[int] = []
    result = upload_file(big, second, options(tmp_path, resume=True), progress.append)  # type: ignore[arg-type]
    assert (result.key, result.size, result.resumed, result.parts_sent) == ("uploads/k.bin", 11 * MiB, True, [])
    assert second.completed == first.completed
    assert (second.created, second.signed) == (0, [])
    assert puts_per_part() == {1: 1, 2: 1, 3: 1}  # nothing more was sent
    assert sum(progress) == 11 * MiB
    assert resume_state.load(big, tmp_path / "state") is None


def save_gone_upload(big: Path, tmp_path: Path) -> None:
    state = resume_state.ResumeState(
        str(big.resolve()), 11 * MiB, big.stat().st_mtime_ns, "uploads/k.bin", "gone", 5 * MiB, "x/y",
        completion=[{"part_number": n, "etag": f'"e{n}"'} for n in (1, 2, 3)],
    )  # fmt: skip
    resume_state.save(state, tmp_path / "state")


@responses.activate
def test_a_vanished_upload_without_an_object_asks_and_answered_no_sends_nothing(tmp_path: Path, big: Path) -> None:
    save_gone_upload(big, tmp_path)
    api = FakeApi(resume_404=True, complete_answers=[ApiError(404, "not_found", "no such upload for this key")])
    questions: list[str] = []
    refuse = options(tmp_path, resume=True, confirm_resend=lambda question: bool(questions.append(question)))
    with pytest.raises(UploadFailed, match="nothing was sent"):
        upload_file(big, api, refuse, None)  # type: ignore[arg-type]
    assert questions == [f"The upload gone is gone and no object was stored; send all {11 * MiB} bytes again? [y/N] "]
    assert (api.completions, api.created, api.signed, len(responses.calls)) == (1, 0, [], 0)
    assert resume_state.load(big, tmp_path / "state") is not None  # asked again next time


@responses.activate
def test_without_anyone_to_ask_a_vanished_upload_is_not_sent_again(tmp_path: Path, big: Path) -> None:
    save_gone_upload(big, tmp_path)
    api = FakeApi(resume_404=True, complete_answers=[ApiError(404, "not_found", "no such upload for this key")])
    with pytest.raises(UploadFailed, match="--yes"):
        upload_file(big, api, options(tmp_path, resume=True, confirm_resend=None), None)  # type: ignore[arg-type]
    assert (api.created, len(responses.calls)) == (0, 0)


@responses.activate
def test_ctrl_c_stops_cleanly_with_the_command_that_resumes(
    tmp_path: Path, big: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    responses.put(part_url(1), headers={"ETag": '"e1"'})

    def interrupt(request: Any) -> Any:
        raise KeyboardInterrupt

    responses.add_callback(responses.PUT, part_url(2), callback=interrupt)
    api = FakeApi()
    monkeypatch.setattr(cli, "UploadApiClient", lambda url, **settings: api)
    monkeypatch.chdir(tmp_path)
    argv = [
        "upload", str(big), "--api", API, "--multipart-threshold", "5MiB", "--part-size", "5MiB",
        "--concurrency", "1", "--header", "x-api-key:secret-token", "--quiet",
    ]  # fmt: skip
    assert cli.main(argv) == 130
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1
    assert "secret-token" not in err
    assert err.strip() == (
        "presigned-upload: interrupted; to send only the rest, run: presigned-upload upload "
        f"{big} --api {API} --multipart-threshold 5MiB --part-size 5MiB --concurrency 1 "
        "--header x-api-key:... --quiet --resume"
    )
    assert api.completions == 0
    assert puts_per_part()[3] == 0
    assert resume_state.load(big, tmp_path / ".presigned-upload") is not None


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = 1_445_412_470.0  # 2015-10-21 07:27:50 UTC
    assert retry_after("120", now) == 120.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == 10.0
    assert retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now) == 0.0  # already past
    assert [retry_after(value, now) for value in (None, "", "soon", "-1", "1.5", "\u0663")] == [None] * 6


def test_backoff_is_exponential_with_full_jitter_capped_and_honours_retry_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    draws: list[tuple[float, float]] = []

    def uniform(low: float, high: float) -> float:
        draws.append((low, high))
        return high

    monkeypatch.setattr(retry.random, "uniform", uniform)
    backoff = Backoff(base=0.5, cap=20.0)
    assert [backoff.delay(attempt) for attempt in range(8)] == [0.5, 1, 2, 4, 8, 16, 20, 20]
    assert {low for low, _ in draws} == {0.0}  # full jitter: anywhere from no wait to the bound
    assert backoff.delay(0, asked=3.0) == 3.0  # never sooner than Retry-After asks
    assert backoff.delay(5, asked=3.0) == 16.0
    assert backoff.delay(0, asked=retry.MAX_WAIT + 1) is None  # not worth holding the run for


def test_a_multipart_threshold_above_s3_s_single_put_limit_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small = tmp_path / "a.txt"
    small.write_text("hello")
    assert cli.main(["upload", str(small), "--api", API, "--multipart-threshold", "6GiB"]) == 2
    assert "--multipart-threshold is at most 5GiB" in capsys.readouterr().err


@given(size=st.integers(1, 10_000 * 5 * 1024 * MiB))
def test_the_client_s_default_part_size_is_the_api_s(size: int) -> None:
    """The client cuts the file itself (each part's CRC64NVME is computed before the upload is
    created), by the rule the API would apply."""
    assert part_size_for(size, None) == plan_parts(size).part_size


def test_a_part_size_s3_cannot_take_fails_before_the_file_is_read(tmp_path: Path, big: Path) -> None:
    api = FakeApi()
    for asked, said in [(4 * MiB, "from 5MiB to 5GiB"), (6 * 1024 * MiB, "from 5MiB to 5GiB")]:
        with pytest.raises(UploadFailed, match=said):
            upload_file(big, api, options(tmp_path, part_size=asked), None)  # type: ignore[arg-type]
    with pytest.raises(UploadFailed, match="more than 10000"):
        part_size_for(10_001 * 5 * MiB, 5 * MiB)
    assert api.created == 0
