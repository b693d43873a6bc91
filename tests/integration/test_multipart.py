"""Multipart uploads through the local gateway and the local stack's S3, with the command-line client."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
import requests

from devtools.local_stack import LocalStack
from presigned_upload import state as resume_state
from presigned_upload.api import ApiError, UploadApiClient
from presigned_upload.transfer import MiB, UploadOptions, upload_file
from tests.stack_fixtures import cli


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("files") / "big.bin"
    path.write_bytes(os.urandom(17 * MiB))
    return path


def stored_sha256(stack: LocalStack, key: str) -> str:
    body = stack.client("s3").get_object(Bucket=stack.outputs["bucket_name"], Key=key)["Body"].read()
    return hashlib.sha256(body).hexdigest()


def test_the_client_uploads_17_mib_in_5_mib_parts(
    big_file: Path, api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    result = cli(
        "upload", str(big_file), "--api", api_url, "--part-size", "5MiB", "--multipart-threshold", "5MiB",
        cwd=big_file.parent,
        auth=auth,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip()
    assert key.endswith(".bin")
    assert stored_sha256(stack, key) == hashlib.sha256(big_file.read_bytes()).hexdigest()


def test_the_client_uses_one_put_below_the_threshold(
    tmp_path: Path, api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    small = tmp_path / "notes.txt"
    small.write_text("small file\n")
    result = cli("upload", str(small), "--api", api_url, cwd=tmp_path, auth=auth)
    assert result.returncode == 0, result.stderr
    stored = stack.client("s3").get_object(Bucket=stack.outputs["bucket_name"], Key=result.stdout.strip())
    assert stored["Body"].read() == b"small file\n"
    assert stored["ContentType"] == "text/plain"


def test_the_client_fails_clearly_with_a_non_zero_exit(tmp_path: Path, api_url: str, auth: dict[str, str]) -> None:
    tool = tmp_path / "tool.exe"
    tool.write_bytes(b"MZ" * 100)
    result = cli(
        "upload", str(tool), "--api", api_url, "--content-type", "application/x-msdownload", cwd=tmp_path, auth=auth
    )
    assert result.returncode == 1
    assert "upload failed" in result.stderr
    assert "not allowed" in result.stderr
    assert result.stdout == ""


def put_part(part: dict[str, Any], data: bytes) -> str:
    response = requests.put(part["url"], data=data, headers=part["headers"], timeout=30)
    assert response.status_code == 200
    return str(response.headers["ETag"])


def record(file: Path, created: dict[str, Any], directory: Path) -> None:
    """Save the resume state of the upload ``created`` for ``file``, as the client does."""
    resume_state.save(
        resume_state.ResumeState(
            file=str(file.resolve()),
            size=file.stat().st_size,
            mtime_ns=file.stat().st_mtime_ns,
            key=created["key"],
            upload_id=created["upload_id"],
            part_size=created["part_size"],
            content_type="application/octet-stream",
            checksums=created["checksums"],
        ),
        directory,
    )


def test_resume_sends_only_the_missing_parts(
    big_file: Path, api_url: str, auth: dict[str, str], stack: LocalStack, tmp_path: Path
) -> None:
    api = UploadApiClient(api_url, headers=auth)
    data = big_file.read_bytes()
    created = api.create_multipart("application/octet-stream", len(data), big_file.name, 5 * MiB)
    for part in created["parts"][:2]:  # two parts go up, then the "client" stops
        number = part["part_number"]
        put_part(part, data[(number - 1) * 5 * MiB : number * 5 * MiB])
    record(big_file, created, tmp_path)

    result = upload_file(big_file, api, UploadOptions(multipart_threshold=5 * MiB, resume=True, state_dir=tmp_path))

    assert result.resumed
    assert sorted(result.parts_sent) == [3, 4]
    assert result.key == created["key"]
    assert stored_sha256(stack, result.key) == hashlib.sha256(data).hexdigest()
    assert resume_state.load(big_file, tmp_path) is None


def test_resume_sends_again_a_part_whose_bytes_changed(
    api_url: str, auth: dict[str, str], stack: LocalStack, tmp_path: Path
) -> None:
    # The client binds each part's SHA-256; S3 lists it, and a part the file no longer holds
    # (rewritten with its size and mtime kept) is sent again rather than assembled.
    file = tmp_path / "changing.bin"
    data = bytearray(os.urandom(11 * MiB))
    file.write_bytes(data)
    api = UploadApiClient(api_url, headers=auth)
    created = api.create_multipart("application/octet-stream", len(data), file.name, 5 * MiB, checksums=True)
    chunks = [bytes(data[: 5 * MiB]), bytes(data[5 * MiB : 10 * MiB])]
    digests = [base64.b64encode(hashlib.sha256(chunk).digest()).decode() for chunk in chunks]
    for part, chunk in zip(api.sign_parts(created["upload_id"], created["key"], [1, 2], digests), chunks, strict=True):
        put_part(part, chunk)
    listed = api.list_parts(created["upload_id"], created["key"])
    assert [part.get("sha256") for part in listed] == digests
    record(file, created, tmp_path)
    stat = file.stat()
    data[7] ^= 0xFF  # part 1 changes...
    file.write_bytes(data)
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # ...and its mtime is kept

    result = upload_file(file, api, UploadOptions(multipart_threshold=5 * MiB, resume=True, state_dir=tmp_path))

    assert (result.resumed, sorted(result.parts_sent)) == (True, [1, 3])
    assert stored_sha256(stack, result.key) == hashlib.sha256(data).hexdigest()


def test_abort_leaves_no_multipart_upload(api_url: str, auth: dict[str, str], stack: LocalStack) -> None:
    api = UploadApiClient(api_url, headers=auth)
    created = api.create_multipart("application/octet-stream", 6 * MiB, "x.bin", 5 * MiB)
    put_part(created["parts"][0], b"a" * 5 * MiB)
    api.abort(created["upload_id"], created["key"])
    uploads = stack.client("s3").list_multipart_uploads(Bucket=stack.outputs["bucket_name"]).get("Uploads", [])
    assert created["upload_id"] not in [upload["UploadId"] for upload in uploads]
    with pytest.raises(ApiError) as refused:
        api.list_parts(created["upload_id"], created["key"])
    assert refused.value.status == 404


def test_bad_completions_and_unknown_uploads(api_url: str, auth: dict[str, str]) -> None:
    api = UploadApiClient(api_url, headers=auth)
    created = api.create_multipart("application/octet-stream", 6 * MiB, "y.bin", 5 * MiB)
    first = put_part(created["parts"][0], b"b" * 5 * MiB)
    second = put_part(created["parts"][1], b"c" * MiB)
    upload_id, key = created["upload_id"], created["key"]

    with pytest.raises(ApiError) as wrong_etag:
        api.complete(upload_id, key, [{"part_number": 1, "etag": first}, {"part_number": 2, "etag": '"ffff"'}])
    assert (wrong_etag.value.status, "ETag does not match" in str(wrong_etag.value)) == (400, True)

    with pytest.raises(ApiError) as missing:
        api.complete(upload_id, key, [{"part_number": 2, "etag": second}])
    assert (missing.value.status, "missing: 1" in str(missing.value)) == (400, True)

    with pytest.raises(ApiError) as unknown:
        api.complete("no-such-upload", key, [{"part_number": 1, "etag": first}])
    assert unknown.value.status == 404

    done = api.complete(upload_id, key, [{"part_number": 1, "etag": first}, {"part_number": 2, "etag": second}])
    assert done["size"] == 6 * MiB
