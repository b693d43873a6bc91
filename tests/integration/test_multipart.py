"""Multipart uploads through the local gateway and the local stack's S3, with the command-line client.

The client binds the file's CRC64NVME on every upload: LocalStack's S3 checks it (each part's,
and the assembled object's at completion) and stores it, and the client compares S3's stored value
with its own and prints it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
import requests

from devtools.local_stack import LocalStack
from presigned_upload import state as resume_state
from presigned_upload.api import ApiError, UploadApiClient
from presigned_upload.crc64nvme import Crc64Nvme
from presigned_upload.transfer import MiB, UploadOptions, UploadResult, upload_file
from tests.stack_fixtures import cli, require_capability


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("files") / "big.bin"
    path.write_bytes(os.urandom(17 * MiB))
    return path


def stored_sha256(stack: LocalStack, key: str) -> str:
    body = stack.client("s3").get_object(Bucket=stack.outputs["bucket_name"], Key=key)["Body"].read()
    return hashlib.sha256(body).hexdigest()


def crc64nvme_of(data: bytes) -> str:
    running = Crc64Nvme()
    running.update(data)
    return running.base64()


def stored_crc64nvme(stack: LocalStack, key: str) -> tuple[str | None, str | None]:
    """The CRC64NVME S3 stores with the object, and its type (FULL_OBJECT or COMPOSITE)."""
    head = stack.client("s3").head_object(Bucket=stack.outputs["bucket_name"], Key=key, ChecksumMode="ENABLED")
    return head.get("ChecksumCRC64NVME"), head.get("ChecksumType")


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
    assert result.stdout == f"{key}\n"  # the key alone on stdout
    assert key.endswith(".bin")
    assert stored_sha256(stack, key) == hashlib.sha256(big_file.read_bytes()).hexdigest()
    if stack.s3.checks_signatures:  # LocalStack's S3 (moto's stores no checksum)
        whole = crc64nvme_of(big_file.read_bytes())
        # A full-object CRC64NVME upload: S3 checked the assembled object against the file's.
        assert stored_crc64nvme(stack, key) == (whole, "FULL_OBJECT")
        assert result.stderr.strip().endswith(f"crc64nvme={whole} (S3's, equal to this file's)")


def test_the_client_uses_one_put_below_the_threshold(
    tmp_path: Path, api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    small = tmp_path / "notes.txt"
    small.write_text("small file\n")
    result = cli("upload", str(small), "--api", api_url, "--json", cwd=tmp_path, auth=auth)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    stored = stack.client("s3").get_object(Bucket=stack.outputs["bucket_name"], Key=shown["key"])
    assert stored["Body"].read() == b"small file\n"
    assert stored["ContentType"] == "text/plain"
    if stack.s3.checks_signatures:
        # The PUT bound the file's CRC64NVME; S3 answered the one it stored, which the client compared.
        crc = crc64nvme_of(b"small file\n")
        assert (shown["crc64nvme"], shown["crc64nvme_source"], shown["multipart"]) == (crc, "compared", False)
        assert stored_crc64nvme(stack, shown["key"])[0] == crc


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
            crc64nvme=created["crc64nvme"],
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


def change_part_1_and_resume(
    file: Path, data: bytearray, created: dict[str, Any], api: UploadApiClient, stack: LocalStack, directory: Path
) -> UploadResult:
    """Record ``created`` for ``file``, change a byte of its part 1 with its size and mtime kept,
    resume: part 1 is sent again with part 3, and S3 holds the file as it is now."""
    record(file, created, directory)
    stat = file.stat()
    data[7] ^= 0xFF  # part 1 changes...
    file.write_bytes(data)
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # ...and its mtime is kept

    result = upload_file(file, api, UploadOptions(multipart_threshold=5 * MiB, resume=True, state_dir=directory))

    assert (result.resumed, sorted(result.parts_sent)) == (True, [1, 3])
    assert stored_sha256(stack, result.key) == hashlib.sha256(data).hexdigest()
    return result


def test_resume_sends_again_a_part_whose_crc64nvme_changed(
    api_url: str, auth: dict[str, str], stack: LocalStack, tmp_path: Path
) -> None:
    # The client binds each part's CRC64NVME; S3 lists it, and a part the file no longer holds
    # (rewritten with its size and mtime kept) is sent again rather than assembled. The completion
    # gives the whole file's CRC64NVME as it is now, which S3 checks against the assembled object.
    require_capability(stack.s3.checks_signatures, "CRC64NVME resume", "needs LocalStack's S3, which lists part CRCs")
    file = tmp_path / "changing.bin"
    data = bytearray(os.urandom(11 * MiB))
    file.write_bytes(data)
    api = UploadApiClient(api_url, headers=auth)
    announced = crc64nvme_of(bytes(data))
    created = api.create_multipart("application/octet-stream", len(data), file.name, 5 * MiB, crc64nvme=announced)
    chunks = [bytes(data[: 5 * MiB]), bytes(data[5 * MiB : 10 * MiB])]
    crcs = [crc64nvme_of(chunk) for chunk in chunks]
    signed = api.sign_parts(created["upload_id"], created["key"], [1, 2], crc64nvmes=crcs)
    for part, chunk in zip(signed, chunks, strict=True):
        put_part(part, chunk)
    listed = api.list_parts(created["upload_id"], created["key"])
    assert [part["crc64nvme"] for part in listed] == crcs
    result = change_part_1_and_resume(file, data, created, api, stack, tmp_path)
    now = crc64nvme_of(bytes(data))
    assert now != announced
    assert (result.crc64nvme, result.crc64nvme_source) == (now, "compared")
    assert stored_crc64nvme(stack, result.key) == (now, "FULL_OBJECT")


def test_resume_of_an_upload_with_part_sha256s_sends_again_a_part_whose_bytes_changed(
    api_url: str, auth: dict[str, str], stack: LocalStack, tmp_path: Path
) -> None:
    # An upload an earlier client made, each part binding its SHA-256 (a composite checksum): S3
    # lists them, and the client resumes it as it was made.
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
    change_part_1_and_resume(file, data, created, api, stack, tmp_path)


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
