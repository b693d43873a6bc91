"""The command-line client keeps its secrets: no signed URL, signature or token in what it prints,
the token never on the command line, no plain HTTP off loopback, state files for the owner only."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import responses

from presigned_upload import cli
from presigned_upload import state as resume_state
from presigned_upload.crc64nvme import crc64nvme, to_base64

pytestmark = pytest.mark.client

TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
API = "http://127.0.0.1:9/v1"
# A presigned URL to a port where nothing listens: requests' error message quotes it whole.
SIGNED = (
    "http://127.0.0.1:1/bucket/uploads/k.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z"
    "&X-Amz-Expires=300&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost"
    "&X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLETOKEN&X-Amz-Signature=0123456789abcdef0123456789abcdef"
)
SECRETS = ("X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "0123456789abcdef", "AKIAEXAMPLE", TOKEN)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.txt"
    path.write_bytes(b"hello")
    return path


def run(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(arguments)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def assert_no_secret(printed: str) -> None:
    for secret in SECRETS:
        assert secret not in printed, f"{secret!r} leaked: {printed}"


@responses.activate
def test_a_network_error_on_the_put_prints_no_signed_url(
    small: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(cli.TOKEN_VARIABLE, TOKEN)
    responses.add(
        responses.POST,
        f"{API}/uploads",
        json={"key": "uploads/k.txt", "method": "PUT", "url": SIGNED, "headers": {"Content-Type": "text/plain"}},
        status=201,
    )
    responses.add_passthru("http://127.0.0.1:1")
    code, printed = run(["upload", str(small), "--api", API, "--retries", "0", "--quiet"], capsys)
    assert code == 1
    assert "could not be sent to 127.0.0.1:1/bucket/uploads/k.txt: ConnectionError" in printed
    assert_no_secret(printed)
    assert responses.calls[0].request.headers["Authorization"] == TOKEN


@responses.activate
def test_a_network_error_on_a_part_put_prints_no_signed_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(cli.TOKEN_VARIABLE, TOKEN)
    monkeypatch.chdir(tmp_path)
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (5 * 1024 * 1024 + 1))
    whole = to_base64(crc64nvme(big.read_bytes()))  # the answer echoes the whole file's CRC64NVME
    responses.add(
        responses.POST,
        f"{API}/uploads/multipart",
        json={"key": "uploads/k.bin", "upload_id": "u1", "part_size": 5 * 1024 * 1024, "crc64nvme": whole},
        status=201,
    )
    responses.add(
        responses.POST,
        f"{API}/uploads/multipart/u1/parts",
        json={"parts": [{"part_number": n, "url": SIGNED, "headers": {}} for n in (1, 2)], "expires_at": "x"},
    )
    responses.add_passthru("http://127.0.0.1:1")
    arguments = ["upload", str(big), "--api", API, "--retries", "0", "--quiet", "--multipart-threshold", "5MiB"]
    code, printed = run([*arguments, "--part-size", "5MiB"], capsys)
    assert code == 1
    assert "could not be sent to 127.0.0.1:1/bucket/uploads/k.txt" in printed
    assert_no_secret(printed)


def test_a_network_error_on_the_api_call_prints_no_secret(
    small: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(cli.TOKEN_VARIABLE, TOKEN)
    code, printed = run(["upload", str(small), "--api", "http://127.0.0.1:1/v1", "--quiet"], capsys)
    assert code == 1
    assert "could not reach the API at 127.0.0.1:1/v1/uploads: ConnectionError" in printed
    assert "Connection refused" in printed  # the reason is kept
    assert_no_secret(printed)


def test_a_token_on_the_command_line_is_refused(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for header in (f"--header=Authorization:{TOKEN}", f"--header=authorization: {TOKEN}"):
        code, printed = run(["upload", str(small), "--api", API, header], capsys)
        assert code == cli.USAGE
        assert cli.TOKEN_VARIABLE in printed
        assert "--token-file" in printed
        assert_no_secret(printed)


@responses.activate
def test_the_token_comes_from_a_file_before_the_environment(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(cli.TOKEN_VARIABLE, "from-the-environment")
    token_file = tmp_path / "token"
    token_file.write_text(f"{TOKEN}\n")
    responses.add(responses.POST, f"{API}/uploads", json={"error": {"code": "x", "message": "stop"}}, status=400)
    arguments = ["upload", str(small), "--api", API, "--token-file", str(token_file), "--header", "x-api-key:k"]
    code, _ = run(arguments, capsys)
    assert code == 1
    sent = responses.calls[0].request.headers
    assert sent["Authorization"] == TOKEN
    assert sent["x-api-key"] == "k"


def test_a_missing_or_empty_token_file_is_a_usage_error(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n")
    for token_file in (tmp_path / "absent", empty):
        code, printed = run(["upload", str(small), "--api", API, "--token-file", str(token_file)], capsys)
        assert code == cli.USAGE
        assert str(token_file) in printed


@pytest.mark.parametrize(
    "url", ["http://example.com/v1", "http://10.0.0.1/v1", "http://[::2]/v1", "ftp://127.0.0.1/v1", "127.0.0.1/v1"]
)
def test_an_api_in_clear_off_loopback_is_refused(small: Path, url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, printed = run(["upload", str(small), "--api", url], capsys)
    assert code == cli.USAGE
    assert "https://" in printed


@pytest.mark.parametrize(
    "url",
    [
        "https://abc.execute-api.eu-west-1.amazonaws.com/v1",
        "http://127.0.0.1:8080/v1",
        "http://127.8.9.10/v1",
        "http://[::1]:8080/v1",
        "http://localhost:3000/v1",
    ],
)
def test_https_and_loopback_http_are_allowed(url: str) -> None:
    cli.check_api_url(url)


def test_state_files_are_for_their_owner_only(tmp_path: Path) -> None:
    file = tmp_path / "big.bin"
    file.write_bytes(b"x")
    directory = tmp_path / "work" / ".presigned-upload"
    saved = resume_state.ResumeState(
        file=str(file), size=1, mtime_ns=file.stat().st_mtime_ns, key="k", upload_id="u", part_size=1, content_type="t"
    )
    previous = os.umask(0)  # the most permissive umask: the modes come from the client alone
    try:
        resume_state.save(saved, directory)
        resume_state.save(saved, directory)  # again, over the existing file
    finally:
        os.umask(previous)
    written = resume_state.state_path(file, directory)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert json.loads(written.read_text())["upload_id"] == "u"
