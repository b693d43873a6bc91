"""A multi-GB upload through the command-line client on the local stack (`nox -s large-upload`).

Not part of `make test` (it moves gigabytes: about two minutes here). Assembling an object this
large takes S3 (LocalStack here, real S3 too) longer than the function's timeout, so the first
`complete` may answer 504: the client repeats it, and the repeat answers 200 once S3 is done.
LocalStack's own request log is the witness that no part was sent twice.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from devtools.local_stack import LocalStack
from tests.stack_fixtures import cli, require_capability

GiB = 1024 * 1024 * 1024
SIZE = int(os.environ.get("LARGE_UPLOAD_BYTES", str(2 * GiB)))
PART_SIZE = "64MiB"
CHUNK = 64 * 1024 * 1024


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("large") / "disk-image.bin"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        left = SIZE
        while left:
            chunk = os.urandom(min(CHUNK, left))
            digest.update(chunk)
            out.write(chunk)
            left -= len(chunk)
    return path, digest.hexdigest()


def upload_part_requests(stack: LocalStack) -> int:
    """How many UploadPart requests LocalStack has answered 200 so far."""
    log = stack.workdir.parents[2] / "localstack.log"
    return len(re.findall(r"AWS s3\.UploadPart => 200", log.read_text()))


def test_a_multi_gb_file_lands_whole_with_no_part_sent_twice(
    large_file: tuple[Path, str], api_url: str, auth: dict[str, str], stack: LocalStack
) -> None:
    require_capability(
        stack.s3.checks_signatures, "multi-GB upload", "needs LocalStack's S3: its request log counts the parts"
    )
    path, sha256 = large_file
    parts_before = upload_part_requests(stack)
    result = cli("upload", str(path), "--api", api_url, "--part-size", PART_SIZE, cwd=path.parent, auth=auth)
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip()

    expected_parts = -(-SIZE // (64 * 1024 * 1024))
    assert upload_part_requests(stack) - parts_before == expected_parts
    body = stack.client("s3").get_object(Bucket=stack.outputs["bucket_name"], Key=key)["Body"]
    stored = hashlib.sha256()
    for chunk in iter(lambda: body.read(CHUNK), b""):
        stored.update(chunk)
    assert stored.hexdigest() == sha256
    print(f"\n{SIZE / GiB:.1f} GiB in {expected_parts} parts; the client said: {result.stderr.strip()[-300:]!r}")
