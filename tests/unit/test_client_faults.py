"""The command-line client against faults injected by a local HTTP double of the API and S3
(tests/unit/service_double.py: a real server on 127.0.0.1, so every fault happens on a real
connection): lost answers, S3's 400s, throttling, an expiring token, unreadable state files,
long file names, Ctrl-C on a stalled socket, memory, and part checksums on resume."""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from awscrt.checksums import crc64nvme

from devtools import REPO_ROOT
from presigned_upload import cli
from presigned_upload import crc64nvme as crc
from presigned_upload import state as resume_state
from presigned_upload.api import UploadApiClient
from presigned_upload.crc64nvme import to_base64
from presigned_upload.transfer import STOP_GRACE, MiB, UploadOptions, upload_file
from tests.unit.service_double import Fault, ServiceDouble, api_error, s3_error, serve

pytestmark = pytest.mark.client

TOKEN = "token-1"
PARTS = r"/v1/uploads/multipart/[^/]+/parts"
PART_PUT = r"/s3/.*"


@pytest.fixture
def double(tmp_path: Path) -> Iterator[ServiceDouble]:
    stored = tmp_path / "s3"
    stored.mkdir()
    yield from serve(stored)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory (the CLI keeps its resume state there) with the token in the environment."""
    directory = tmp_path / "work"
    directory.mkdir()
    monkeypatch.chdir(directory)
    monkeypatch.setenv(cli.TOKEN_VARIABLE, TOKEN)
    return directory


def a_file(directory: Path, size: int, name: str = "data.bin") -> Path:
    path = directory / name
    path.write_bytes(os.urandom(size))
    return path


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    """``presigned-upload upload ARGUMENTS --quiet`` in this process: exit code, stdout, stderr."""
    try:
        code = cli.main(["upload", *arguments, "--quiet"])
    except SystemExit as exit:  # argparse's own refusals
        code = int(exit.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def multipart(double: ServiceDouble, file: Path, *more: str) -> tuple[str, ...]:
    """Arguments for a multipart upload of ``file`` in 5 MiB parts."""
    return (str(file), "--api", double.api, "--multipart-threshold", "5MiB", "--part-size", "5MiB", *more)


def single(double: ServiceDouble, file: Path, *more: str) -> tuple[str, ...]:
    return (str(file), "--api", double.api, *more)


# A PUT whose answer was lost.


def test_a_put_whose_answer_was_lost_then_412_is_success_and_stores_one_copy(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 1000)
    double.faults = [Fault("PUT", PART_PUT, "lose")]  # S3 stores the bytes, the answer never arrives
    code, out, err = run(capsys, *single(double, file))
    assert (code, err) == (0, "")
    assert list(double.objects) == [out.strip()]  # one copy, at the key printed
    assert double.stored(out.strip()) == file.read_bytes()
    puts = double.requests("PUT", PART_PUT)
    assert len(puts) == 2  # the second was answered 412: the bytes were already there
    assert len(double.requests("POST", "/v1/uploads")) == 1


def test_a_412_on_the_first_attempt_is_still_an_error(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 1000)
    double.faults = [s3_error("PUT", PART_PUT, 412, "PreconditionFailed")]
    code, out, err = run(capsys, *single(double, file))
    assert (code, out) == (1, "")
    assert "an object already exists at this key; nothing was overwritten" in err
    assert len(double.requests("PUT", PART_PUT)) == 1


# S3's 400s: RequestTimeout is retried, ExpiredToken signed again.


@pytest.mark.parametrize("shape", ["single", "multipart"])
def test_s3_request_timeout_is_retried_with_the_same_url(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str], shape: str
) -> None:
    file = a_file(work, 1000 if shape == "single" else 6 * MiB)
    double.faults = [s3_error("PUT", PART_PUT, 400, "RequestTimeout")]
    code, out, err = run(capsys, *(single if shape == "single" else multipart)(double, file))
    assert (code, err) == (0, "")
    assert double.stored(out.strip()) == file.read_bytes()
    refused = double.requests("PUT", PART_PUT)[0]
    again = [seen for seen in double.requests("PUT", PART_PUT) if seen.query == refused.query]
    assert len(again) == 2  # the same URL, tried again


@pytest.mark.parametrize("code", ["ExpiredToken", "TokenRefreshRequired"])
def test_an_expired_signing_token_gets_a_fresh_url_for_a_single_put(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str], code: str
) -> None:
    file = a_file(work, 1000)
    double.faults = [s3_error("PUT", PART_PUT, 400, code)]
    exit_code, out, err = run(capsys, *single(double, file))
    assert (exit_code, err) == (0, "")
    refused, stored = double.requests("PUT", PART_PUT)
    assert refused.query["X-Amz-Signature"] != stored.query["X-Amz-Signature"]
    assert len(double.requests("POST", "/v1/uploads")) == 2  # a new URL (and key): nothing was stored
    assert list(double.objects) == [out.strip()]


def test_an_expired_signing_token_gets_a_fresh_url_for_a_part(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 11 * MiB)
    double.faults = [s3_error("PUT", PART_PUT, 400, "ExpiredToken")]
    code, out, err = run(capsys, *multipart(double, file, "--concurrency", "1"))
    assert (code, err) == (0, "")
    assert double.stored(out.strip()) == file.read_bytes()
    refused = double.requests("PUT", PART_PUT)[0]
    assert len(double.requests("POST", PARTS)) == 3  # two batches, and part 1 once more
    again = [seen for seen in double.requests("PUT", PART_PUT) if seen.query["partNumber"] == "1"]
    assert [seen.query["X-Amz-Signature"] != refused.query["X-Amz-Signature"] for seen in again] == [False, True]


# API calls: retried with backoff, honouring Retry-After.


def test_a_429_with_retry_after_on_signing_is_waited_out(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 11 * MiB)
    double.faults = [api_error("POST", PARTS, 429, "too_many_requests", headers={"Retry-After": "1"})]
    code, out, err = run(capsys, *multipart(double, file))
    assert (code, err) == (0, "")
    assert double.stored(out.strip()) == file.read_bytes()
    throttled, retried = double.requests("POST", PARTS)[:2]
    assert retried.at - throttled.at >= 0.95  # Retry-After: 1, and no sooner


def test_api_calls_are_retried_on_no_answer_and_gateway_errors(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 11 * MiB)
    complete = r"/v1/uploads/multipart/[^/]+/complete"
    double.faults = [
        Fault("POST", "/v1/uploads/multipart", "lose"),  # created, but the answer is lost
        api_error("POST", "/v1/uploads/multipart", 503, "upstream_unavailable", headers={"Retry-After": "0"}),
        Fault("POST", PARTS, "lose"),  # signed, but the answer is lost
        api_error("POST", PARTS, 502, "upstream_failed", after=1),  # the next page: once 502
        api_error("POST", complete, 504, "gateway_timeout"),
        Fault("POST", complete, "lose"),  # completed, but the answer is lost: repeated, answered 200
    ]
    code, out, err = run(capsys, *multipart(double, file, "--concurrency", "1"))
    assert (code, err) == (0, "")
    assert double.stored(out.strip()) == file.read_bytes()
    assert [len(double.requests("POST", path)) for path in ("/v1/uploads/multipart", PARTS, complete)] == [3, 4, 3]
    # The upload whose answer was lost holds no parts; the bucket's lifecycle rule removes it.
    (orphan,) = double.open_uploads()
    assert double.uploads[orphan].parts == {}


def test_a_retry_after_beyond_a_minute_ends_the_run_at_once(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 11 * MiB)
    double.faults = [api_error("POST", PARTS, 429, "too_many_requests", headers={"Retry-After": "3600"})]
    started = time.monotonic()
    code, _, err = run(capsys, *multipart(double, file))
    assert time.monotonic() - started < 5
    assert code == 1
    assert "HTTP 429" in err
    assert "--resume" in err


# A token that expires mid-upload.


def token_script(directory: Path) -> str:
    """A --token-command that prints token-1, then token-2, ... (one more at each run)."""
    script = directory / "get-token.py"
    script.write_text(
        "import pathlib, sys\n"
        "counter = pathlib.Path(sys.argv[1])\n"
        "runs = int(counter.read_text()) + 1 if counter.exists() else 1\n"
        "counter.write_text(str(runs))\n"
        "print(f'token-{runs}')\n"
    )
    return shlex.join([sys.executable, str(script), str(directory / "runs")])


def test_a_401_mid_upload_runs_the_token_command_again(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cli.TOKEN_VARIABLE)
    file = a_file(work, 11 * MiB)
    double.tokens = {"token-1"}

    def token_1_expires() -> None:
        double.tokens = {"token-2"}

    # The second page of part URLs comes after token-1 expired.
    double.faults = [Fault("POST", PARTS, "call", after=1, call=token_1_expires)]
    code, out, err = run(capsys, *multipart(double, file, "--concurrency", "1", "--token-command", token_script(work)))
    assert (code, err) == (0, "")
    assert double.stored(out.strip()) == file.read_bytes()
    assert (work / "runs").read_text() == "2"
    signing = [seen.authorization for seen in double.requests("POST", PARTS)]
    assert signing == ["token-1", "token-1", "token-2"]  # the 401, then the same call with the new token
    assert double.requests("PUT", PART_PUT)  # parts had gone up before the token expired
    assert double.requests("POST", r".*/complete")[0].authorization == "token-2"


def test_a_failing_token_command_is_a_clear_error_that_shows_no_output(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cli.TOKEN_VARIABLE)
    file = a_file(work, 1000)
    command = shlex.join([sys.executable, "-c", "print('secret-token-output'); raise SystemExit(3)"])
    code, out, err = run(capsys, *single(double, file, "--token-command", command))
    assert code == 1
    assert "failed (exit code 3)" in err
    assert "secret-token-output" not in out + err
    assert double.seen == []


def test_the_token_command_and_token_file_exclude_each_other(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 1000)
    code, _, err = run(capsys, *single(double, file, "--token-command", "true", "--token-file", str(file)))
    assert code == 2
    assert "not allowed with argument" in err


# Abbreviated options.


def test_an_abbreviated_header_option_is_refused_without_showing_its_value(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 1000)
    code, out, err = run(capsys, *single(double, file, "--hea", "x-api-key:SUPERSECRET", "--heade=x-api-key:SECRET2"))
    assert code == 2
    assert "unrecognized arguments: --hea --heade (values not shown)" in err
    assert "SUPERSECRET" not in out + err
    assert "SECRET2" not in out + err
    assert double.seen == []


# Resume state files that cannot be used, and file names too long for one.


def a_state(file: Path, **changes: object) -> dict[str, object]:
    return {
        "version": 1,
        "file": str(file.resolve()),
        "size": file.stat().st_size,
        "mtime_ns": file.stat().st_mtime_ns,
        "key": "uploads/gone",
        "upload_id": "upload-0",
        "part_size": 5 * MiB,
        "content_type": "application/octet-stream",
        **changes,
    }


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("", "it is not JSON"),
        ('{"version": 1, "file": ', "it is not JSON"),
        ("[1, 2]", "is not a resume state"),
        ("\udcff", "it is not JSON"),
        ('{"version": 1, "key": "k"}', "damaged (missing content_type, file, mtime_ns, part_size, size, upload_id)"),
        ("WRONG_SIZE", "damaged (a wrong size)"),
        ("FUTURE", "written by a newer presigned-upload (state version 3; this one reads 2)"),
    ],
)
def test_an_unreadable_or_newer_state_file_is_a_clear_error(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str], written: str, said: str
) -> None:
    file = a_file(work, 6 * MiB)
    if written == "WRONG_SIZE":
        written = json.dumps(a_state(file, size="6MiB"))
    elif written == "FUTURE":
        written = json.dumps(a_state(file, version=3, chunks=[1, 2]))
    path = resume_state.state_path(file, work / ".presigned-upload")
    path.parent.mkdir()
    path.write_bytes(written.encode(errors="surrogateescape"))
    code, out, err = run(capsys, *multipart(double, file, "--resume"))
    assert (code, out) == (1, "")
    assert said in err
    assert path.name in err
    assert "to start afresh" in err
    assert double.seen == []


def test_fields_a_state_file_adds_in_its_version_are_ignored(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 6 * MiB)
    path = resume_state.state_path(file, work / ".presigned-upload")
    path.parent.mkdir()
    path.write_text(json.dumps(a_state(file, written_by="presigned-upload 0.2")))
    code, _, err = run(capsys, *multipart(double, file, "--resume", "--yes"))
    assert (code, err) == (0, "")  # upload-0 is gone: the file was sent again, as agreed


def test_a_file_name_over_233_bytes_uploads_and_resumes(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 11 * MiB, name="é" * 118 + ".bin")  # 240 bytes
    assert len(file.name.encode()) == 240
    double.faults = [s3_error("PUT", PART_PUT, 500, "InternalError", after=2)]
    code, _, err = run(capsys, *multipart(double, file, "--retries", "0", "--concurrency", "1"))
    assert code == 1
    assert "--resume" in err
    state_file = resume_state.state_path(file, work / ".presigned-upload")
    assert state_file.is_file()
    assert len(state_file.name.encode()) <= 255 - len(".tmp")
    code, out, err = run(capsys, *multipart(double, file, "--resume"))
    assert (code, err) == (0, "")
    assert double.stored(out.strip()) == file.read_bytes()
    assert len(double.uploads) == 1
    assert double.open_uploads() == []


def test_a_state_that_cannot_be_saved_aborts_the_upload_it_created(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    file = a_file(work, 6 * MiB)

    def disk_full(state: resume_state.ResumeState, directory: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(resume_state, "save", disk_full)
    code, out, err = run(capsys, *multipart(double, file))
    assert (code, out) == (1, "")
    assert "No space left on device" in err
    assert "the upload was aborted and nothing was sent" in err
    assert len(double.uploads) == 1
    assert double.open_uploads() == []  # nothing orphaned
    assert double.requests("PUT", PART_PUT) == []


def test_a_state_directory_that_cannot_be_made_fails_before_anything_is_created(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 6 * MiB)
    code, _, err = run(capsys, *multipart(double, file, "--state-dir", str(file / "state")))
    assert code == 1
    assert "cannot keep the resume state" in err
    assert double.seen == []


# CRC64NVME: every upload binds the file's, S3's stored one is compared with it, and resume sends
# again a part whose CRC64NVME is not the one S3 lists.


def crc_of(data: bytes) -> str:
    return to_base64(crc64nvme(data))


def rewrite_keeping_mtime(file: Path, offset: int) -> bytes:
    """Flip the byte at ``offset`` with the file's size and mtime kept (rsync -t, touch -r)."""
    stat = file.stat()
    data = bytearray(file.read_bytes())
    data[offset] ^= 0xFF
    file.write_bytes(bytes(data))
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return bytes(data)


@pytest.mark.parametrize("shape", ["single", "multipart"])
def test_the_stored_crc64nvme_is_compared_and_printed(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str], shape: str
) -> None:
    file = a_file(work, 1000 if shape == "single" else 11 * MiB)
    arguments = (single if shape == "single" else multipart)(double, file)
    code = cli.main(["upload", *arguments])  # not --quiet: the line on stderr
    out, err = capsys.readouterr()
    assert code == 0
    key = out.strip()
    assert out == f"{key}\n"  # the key alone on stdout, as before
    assert double.stored(key) == file.read_bytes()
    stored = f"stored {file.stat().st_size} bytes at {key}, crc64nvme={crc_of(file.read_bytes())}"
    assert err == f"presigned-upload: {stored} (S3's, equal to this file's)\n"
    code, out, err = run(capsys, *arguments, "--json")
    assert (code, err) == (0, "")
    shown = json.loads(out)
    assert shown == {
        "key": shown["key"],
        "size": file.stat().st_size,
        "crc64nvme": crc_of(file.read_bytes()),
        "crc64nvme_source": "compared",
        "multipart": shape == "multipart",
    }
    assert double.stored(shown["key"]) == file.read_bytes()


@pytest.mark.parametrize("shape", ["single", "multipart"])
def test_a_stored_crc64nvme_that_is_not_the_file_s_is_an_error(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str], shape: str
) -> None:
    file = a_file(work, 1000 if shape == "single" else 11 * MiB)
    double.misreported_crc64nvme = "AAAAAAAAAAA="
    code, out, err = run(capsys, *(single if shape == "single" else multipart)(double, file))
    assert (code, out) == (1, "")  # nothing claimed uploaded
    (key,) = double.objects
    assert err == (
        f"presigned-upload: upload failed: S3 stored {key} with the CRC64NVME AAAAAAAAAAA=, but this file's is "
        f"{crc_of(file.read_bytes())}: the stored object is not this file; do not use it, and upload the file again\n"
    )
    assert not (work / ".presigned-upload").exists() or not any((work / ".presigned-upload").iterdir())


def test_a_multipart_upload_announces_the_whole_file_s_crc64nvme_and_each_part_binds_its_own(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 11 * MiB)
    code, out, err = run(capsys, *multipart(double, file))
    assert (code, err) == (0, "")
    (upload,) = double.uploads.values()
    assert upload.algorithm == "CRC64NVME"
    data = file.read_bytes()
    chunks = [data[: 5 * MiB], data[5 * MiB : 10 * MiB], data[10 * MiB :]]
    assert [upload.parts[number].crc64nvme for number in (1, 2, 3)] == [crc_of(chunk) for chunk in chunks]
    assert double.stored(out.strip()) == data


def test_a_file_that_changes_after_it_was_read_is_refused_by_s3_never_stored(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 11 * MiB)
    # The file changes once its CRC64NVMEs are computed, before its first part is sent.
    double.faults = [Fault("POST", PARTS, "call", call=lambda: rewrite_keeping_mtime(file, 10))]
    code, out, err = run(capsys, *multipart(double, file, "--retries", "0"))
    assert (code, out) == (1, "")
    assert "HTTP 400, BadDigest): the file changed after it was hashed" in err
    assert double.objects == {}


def test_resume_sends_again_a_part_whose_crc64nvme_s3_lists_differs_from_the_file_s(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = a_file(work, 11 * MiB)
    double.faults = [s3_error("PUT", PART_PUT, 500, "InternalError", after=2)]  # part 3 fails
    code, _, _ = run(capsys, *multipart(double, file, "--retries", "0", "--concurrency", "1"))
    assert code == 1
    (upload,) = double.uploads.values()
    assert sorted(upload.parts) == [1, 2]
    announced = crc_of(file.read_bytes())
    state = json.loads(resume_state.state_path(file, work / ".presigned-upload").read_text())
    assert (state["version"], state["crc64nvme"]) == (2, announced)
    data = rewrite_keeping_mtime(file, 10)  # part 1 changes; size and mtime do not
    code, out, err = run(capsys, *multipart(double, file, "--resume", "--json"))
    assert (code, err) == (0, "")
    shown = json.loads(out)
    assert double.stored(shown["key"]) == data
    # Completed with the whole file's CRC64NVME as it is now, which S3 checked.
    assert (shown["crc64nvme"], shown["crc64nvme_source"]) == (crc_of(data), "compared")
    assert shown["crc64nvme"] != announced
    sent = [seen.query["partNumber"] for seen in double.requests("PUT", PART_PUT)]
    assert (sent[:3], sorted(sent[3:])) == (["1", "2", "3"], ["1", "3"])  # part 2 was kept; part 1 sent again


def test_an_upload_an_earlier_client_made_with_part_sha256s_resumes_as_it_was_made(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A version 1 state of an upload whose parts bind their SHA-256 (the client before issue 21)."""
    file = a_file(work, 11 * MiB)
    api = UploadApiClient(double.api, headers={"Authorization": TOKEN})
    created = api.create_multipart("application/octet-stream", 11 * MiB, file.name, 5 * MiB, checksums=True)
    chunks = [file.read_bytes()[: 5 * MiB], file.read_bytes()[5 * MiB : 10 * MiB]]
    digests = [base64.b64encode(hashlib.sha256(chunk).digest()).decode() for chunk in chunks]
    for part, chunk in zip(api.sign_parts(created["upload_id"], created["key"], [1, 2], digests), chunks, strict=True):
        assert requests.put(part["url"], data=chunk, headers=part["headers"], timeout=10).status_code == 200
    path = resume_state.state_path(file, work / ".presigned-upload")
    path.parent.mkdir()
    state = a_state(file, key=created["key"], upload_id=created["upload_id"], checksums=True)
    data = rewrite_keeping_mtime(file, 10)
    path.write_text(json.dumps(state))
    code, out, err = run(capsys, *multipart(double, file, "--resume", "--json"))
    assert (code, err) == (0, "")
    shown = json.loads(out)
    assert double.stored(shown["key"]) == data
    assert (shown["crc64nvme"], shown["crc64nvme_source"]) == (None, None)  # a composite: no whole-file one
    sent = [seen.query["partNumber"] for seen in double.requests("PUT", PART_PUT)]
    assert sorted(sent[2:]) == ["1", "3"]


def test_without_checksum_nothing_is_bound_and_s3_s_stored_crc64nvme_is_shown(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small, big = a_file(work, 1000, "small.bin"), a_file(work, 11 * MiB)
    code, out, _ = run(capsys, *single(double, small, "--no-checksum", "--json"))
    assert code == 0
    assert json.loads(out)["crc64nvme"] == crc_of(small.read_bytes())  # S3 stores one for every object
    assert json.loads(out)["crc64nvme_source"] == "s3"
    code, out, _ = run(capsys, *multipart(double, big, "--no-checksum", "--json"))
    assert code == 0
    assert (json.loads(out)["crc64nvme"], json.loads(out)["crc64nvme_source"]) == (None, None)
    assert [upload.algorithm for upload in double.uploads.values()] == [None]


def test_the_pure_python_fallback_binds_the_same_crc64nvme_and_says_it_is_slow(
    double: ServiceDouble, work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crc, "crc64nvme", crc.crc64nvme_python)
    monkeypatch.setattr(crc, "combine", crc.combine_python)
    monkeypatch.setattr(crc, "IMPLEMENTATION", "python")
    file = a_file(work, 6 * MiB)
    code, out, err = run(capsys, *multipart(double, file, "--json"))
    assert code == 0
    assert err.startswith("presigned-upload: awscrt is not installed, so the CRC64NVME is computed in pure Python")
    assert json.loads(out)["crc64nvme"] == crc_of(file.read_bytes())  # S3 (awscrt in the double) agrees


# Memory: bytes are streamed from the file.


@pytest.mark.parametrize(("size", "threshold"), [(24 * MiB, 64 * MiB), (32 * MiB, 8 * MiB)])
def test_bytes_are_streamed_from_the_file_not_held_in_memory(
    double: ServiceDouble, work: Path, size: int, threshold: int
) -> None:
    file = a_file(work, size)
    api = UploadApiClient(double.api, headers={"Authorization": TOKEN})
    options = UploadOptions(multipart_threshold=threshold, part_size=8 * MiB, concurrency=2, state_dir=work / "state")
    tracemalloc.start()
    try:
        result = upload_file(file, api, options)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert double.stored(result.key) == file.read_bytes()
    assert peak < 4 * MiB, f"{peak / MiB:.1f} MiB at the peak for a {size // MiB} MiB file"


# Ctrl-C: answered within 2 s, whatever the sockets do.


def start_cli(double: ServiceDouble, work: Path, *arguments: str) -> subprocess.Popen[str]:
    """The client in a process of its own, as a user runs it."""
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "client"), cli.TOKEN_VARIABLE: TOKEN}
    return subprocess.Popen(
        [sys.executable, "-m", "presigned_upload", "upload", *arguments, "--quiet"],
        cwd=work,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize(
    "case",
    ["stalled part", "stalled single PUT", "part waiting to retry", "stalled signing"],
)
def test_ctrl_c_is_answered_within_2_seconds(double: ServiceDouble, work: Path, case: str) -> None:
    file = a_file(work, 11 * MiB)
    arguments = multipart(double, file)
    if case == "stalled part":
        double.faults = [Fault("PUT", PART_PUT, "stall", after=1, times=99)]
        waited_for = ("PUT", PART_PUT, 2)
    elif case == "stalled single PUT":
        arguments = single(double, file)
        double.faults = [Fault("PUT", PART_PUT, "stall")]
        waited_for = ("PUT", PART_PUT, 1)
    elif case == "part waiting to retry":
        s3_slow_down = s3_error("PUT", PART_PUT, 503, "SlowDown", times=99, headers={"Retry-After": "50"})
        double.faults = [s3_slow_down]
        waited_for = ("PUT", PART_PUT, 2)
    else:
        double.faults = [Fault("POST", PARTS, "stall")]
        waited_for = ("POST", PARTS, 1)
    process = start_cli(double, work, *arguments)
    try:
        method, pattern, count = waited_for
        try:
            double.wait_for(method, pattern, timeout=20, count=count)
        except TimeoutError as waited_too_long:
            pytest.fail(f"{waited_too_long}; the client said {process.communicate(timeout=5)}")
        time.sleep(0.3)  # well inside the stall or the wait
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
        took = time.monotonic() - started
    finally:
        process.kill()
        process.wait()
    assert process.returncode == cli.INTERRUPTED, err
    assert took < 2.0, f"Ctrl-C took {took:.1f} s"
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith("presigned-upload: interrupted"), err
    if case != "stalled single PUT":
        assert err.strip().endswith("--resume"), err


def test_a_second_ctrl_c_exits_at_once(double: ServiceDouble, work: Path) -> None:
    file = a_file(work, 11 * MiB)
    double.faults = [Fault("PUT", PART_PUT, "stall", times=99)]
    process = start_cli(double, work, *multipart(double, file))
    try:
        double.wait_for("PUT", PART_PUT)
        time.sleep(0.3)
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        time.sleep(STOP_GRACE / 2)  # the first is being handled: the stalled part gets its grace
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
        took = time.monotonic() - started
    finally:
        process.kill()
        process.wait()
    assert process.returncode == cli.INTERRUPTED
    assert took < 2.0
    assert err.strip() == "presigned-upload: interrupted again; exiting at once"


def test_a_stop_waits_for_no_part_longer_than_the_grace(double: ServiceDouble, work: Path) -> None:
    """In a library caller too (no signal), a part that fails for good ends the run at once even
    while another is stuck on a stalled socket."""
    file = a_file(work, 11 * MiB)
    double.faults = [
        Fault("PUT", PART_PUT, "stall"),
        s3_error("PUT", PART_PUT, 400, "InvalidArgument"),
    ]
    api = UploadApiClient(double.api, headers={"Authorization": TOKEN})
    options = UploadOptions(multipart_threshold=5 * MiB, part_size=5 * MiB, concurrency=2, state_dir=work / "s")
    started = time.monotonic()
    with pytest.raises(Exception, match=r"HTTP 400, InvalidArgument.*--resume"):
        upload_file(file, api, options)
    assert time.monotonic() - started < 2.0
