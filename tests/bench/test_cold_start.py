"""The cold start as Lambda runs it: every route of the function against the seed, in one run.

Run with `nox -s bench -- tests/bench/test_cold_start.py`. The bench session runs on the Python
of the function's default runtime (3.13) with ``awslambdaric`` installed and the SDK compiled to
bytecode, as pip installs it and as the runtime ships boto3. Each figure is the median of fresh
processes, each of which (cold_start.py):

- first does what the runtime does before it imports a handler (awslambdaric's imports, its logging);
- imports the handler from a read-only copy of its code, as Lambda's /var/task: the function from
  build/lambda.zip as built (its bytecode included), the seed from its one source file;
- answers one event, and reports the in-process time and CPU time of the import and the answer,
  and its peak RSS (VmHWM).

The routes that call S3 (multipart create and complete, download) call a moto server on loopback;
the others call nothing, ``POST /signed-requests`` among them (it signs the same create for a client
that sends it to S3 itself). Beside them: the function from its sources alone (the zip before it
carried bytecode), and what putting back each standard-library module the function's cold path
does without would add. A summary table is printed at the end; nothing here asserts a time.
"""

from __future__ import annotations

import json
import py_compile
import subprocess
import sys
import time
import timeit
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from devtools import PACKAGE_ZIP
from devtools.moto_server import moto_server
from devtools.package import build
from tests.bench.conftest import ADDED, COLD, ENVIRONMENT, KEY, WARM_CALLS, ColdStart, parts_page, post_uploads
from tests.events import proxy_event

DRIVER = Path(__file__).with_name("cold_start.py")
SEED = Path(__file__).with_name("seed_handler.py")
# What Lambda's runtime sets that the function or the runtime client reads (the function's
# Terraform: JSON logs at INFO, 256 MB). PYTHONDONTWRITEBYTECODE: the code directories are
# read-only, but the bench may run as root, which can write to them anyway.
RUNTIME_ENVIRONMENT = {
    "AWS_LAMBDA_LOG_FORMAT": "JSON",
    "AWS_LAMBDA_LOG_LEVEL": "INFO",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
    "AWS_LAMBDA_FUNCTION_NAME": "presigned-uploads",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "TZ": ":UTC",
    "LANG": "en_US.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
}
ROUNDS = 25
SDK_ROUNDS = 7  # processes that load boto3 take ten times longer
SMALL = 1024  # the multipart upload completed and downloaded: one part of 1 KiB


def read_only(directory: Path) -> Path:
    for path in [*directory.rglob("*"), directory]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    return directory


@pytest.fixture(scope="module")
def code_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Read-only code directories: the zip as built, the zip's sources alone, the seed, a no-op handler."""
    build(PACKAGE_ZIP)
    root = tmp_path_factory.mktemp("task")
    with zipfile.ZipFile(PACKAGE_ZIP) as archive:
        archive.extractall(root / "zip")
        sources = [name for name in archive.namelist() if not name.endswith(".pyc")]
        archive.extractall(root / "source", members=sources)
    (root / "seed").mkdir()
    (root / "seed" / "seed_handler.py").write_bytes(SEED.read_bytes())
    (root / "noop").mkdir()
    noop = "def lambda_handler(event, context):\n    return {'statusCode': 200}\n"
    (root / "noop" / "noop_handler.py").write_text(noop)
    # With its bytecode, as the function's: a first compilation in a process costs about 2 ms.
    py_compile.compile(
        str(root / "noop" / "noop_handler.py"), invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
    )
    return {name: read_only(root / name) for name in ("zip", "source", "seed", "noop")}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A moto server holding the bench's bucket, for the routes that call S3."""
    with moto_server() as endpoint:
        client(endpoint).create_bucket(
            Bucket=ENVIRONMENT["UPLOAD_BUCKET"],
            CreateBucketConfiguration={"LocationConstraint": ENVIRONMENT["UPLOAD_BUCKET_REGION"]},
        )
        yield endpoint


def client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=ENVIRONMENT["UPLOAD_BUCKET_REGION"],
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )


def multipart_upload(endpoint: str) -> tuple[str, str, str]:
    """A multipart upload with its one part stored, as a client leaves it before completing:
    its key (which carries the plan), upload id and the part's ETag."""
    s3 = client(endpoint)
    key = f"uploads/{uuid.uuid4()}-{SMALL}x{8 * 1024 * 1024}.bin"
    upload_id = s3.create_multipart_upload(Bucket=ENVIRONMENT["UPLOAD_BUCKET"], Key=key)["UploadId"]
    etag = s3.upload_part(
        Bucket=ENVIRONMENT["UPLOAD_BUCKET"], Key=key, UploadId=upload_id, PartNumber=1, Body=b"x" * SMALL
    )["ETag"]
    return key, upload_id, etag


def complete_event(endpoint: str) -> dict[str, Any]:
    key, upload_id, etag = multipart_upload(endpoint)
    body = {"key": key, "parts": [{"part_number": 1, "etag": etag}]}
    return proxy_event(
        "POST", "/uploads/multipart/{upload_id}/complete", body=body, path_parameters={"upload_id": upload_id}
    )


def download_event(endpoint: str) -> dict[str, Any]:
    key = f"uploads/{uuid.uuid4()}.txt"
    client(endpoint).put_object(Bucket=ENVIRONMENT["UPLOAD_BUCKET"], Key=key, Body=b"x", ContentType="text/plain")
    return proxy_event("GET", "/files/{key+}", path_parameters={"key": key})


def signed_request(operation: str, **fields: object) -> dict[str, Any]:
    """``POST /signed-requests`` for one S3 request of an upload."""
    body = {"operation": operation, **fields}
    return proxy_event("POST", "/signed-requests", body=body, headers={"Content-Type": "application/json"})


class Variant:
    """One row of the table: a handler, its code, the event it answers (or how to make a fresh one)."""

    def __init__(
        self,
        label: str,
        handler: str,
        code: str,
        event: Callable[[str], dict[str, Any]],
        status: int,
        *,
        calls_s3: bool = False,
        rounds: int = ROUNDS,
        warm: bool = False,
    ) -> None:
        self.label, self.handler, self.code, self.event, self.status = label, handler, code, event, status
        self.calls_s3, self.rounds, self.warm = calls_s3, rounds, warm


OURS = "upload_api.handler.lambda_handler"
VARIANTS = {
    "runtime": Variant("the runtime alone (a handler that returns)", "noop_handler.lambda_handler", "noop",
                       lambda _: post_uploads(), 200),
    "seed": Variant("seed: GET (boto3 client at import)", "seed_handler.lambda_handler", "seed",
                    lambda _: proxy_event("GET", "/upload-url"), 200, rounds=SDK_ROUNDS, warm=True),
    "ours-post": Variant("POST /uploads", OURS, "zip", lambda _: post_uploads(), 201, warm=True),
    "ours-legacy": Variant("GET /upload-url (the seed's call)", OURS, "zip",
                           lambda _: proxy_event("GET", "/upload-url"), 200, warm=True),
    "ours-create": Variant("POST /uploads/multipart (S3: create)", OURS, "zip",
                           lambda _: proxy_event("POST", "/uploads/multipart",
                                                 body={"content_type": "video/mp4", "size": 100 * 1024 * 1024}),
                           201, calls_s3=True, rounds=SDK_ROUNDS),
    "ours-parts": Variant("POST .../parts (a page of 1 000 URLs)", OURS, "zip", lambda _: parts_page(1), 200),
    # Signing the same create for a client that sends it to S3 itself (Uppy 6): no call, no SDK.
    "ours-signed-create": Variant("POST /signed-requests (create, no S3)", OURS, "zip",
                                  lambda _: signed_request("create_multipart_upload", content_type="video/mp4",
                                                           size=100 * 1024 * 1024), 201, warm=True),
    "ours-signed-part": Variant("POST /signed-requests (one part)", OURS, "zip",
                                lambda _: signed_request("upload_part", key=KEY, upload_id="bench-upload-id",
                                                         part_number=1), 201, warm=True),
    "ours-complete": Variant("POST .../complete (S3: list parts, complete)", OURS, "zip", complete_event, 200,
                             calls_s3=True, rounds=SDK_ROUNDS),
    "ours-download": Variant("GET /files/{key+} (S3: head)", OURS, "zip", download_event, 200,
                             calls_s3=True, rounds=SDK_ROUNDS),
    "ours-post-source": Variant("POST /uploads, from source (no bytecode)", OURS, "source",
                                lambda _: post_uploads(), 201),
}  # fmt: skip


# Warm answers after the first, in the same process, for the variants that ask for them.
WARM_ANSWERS = 300


def environment(code_dir: Path, s3: str | None, warm_calls: int = 0) -> dict[str, str]:
    endpoint = {"AWS_ENDPOINT_URL_S3": s3} if s3 else {}
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(code_dir), "COLD_START_WARM_CALLS": str(warm_calls)}
    return {**base, **RUNTIME_ENVIRONMENT, **ENVIRONMENT, **endpoint}


def measure(
    benchmark: BenchmarkFixture,
    variant: Variant,
    code_dir: Path,
    tmp_path: Path,
    s3: str | None,
    statement: str | None = None,
) -> tuple[list[dict[str, float]], list[float]]:
    """``variant.rounds`` fresh processes (after one to warm the page cache): what each reported,
    and each one's whole cold start, from its launch to its first answer."""
    runs: list[dict[str, float]] = []
    whole: list[float] = []
    event_file = tmp_path / "event.json"
    extra = [statement] if statement else []

    def fresh_event() -> tuple[tuple[()], dict[str, Any]]:
        event_file.write_text(json.dumps(variant.event(s3 or "")))
        return (), {}

    def cold_start() -> int:
        launch = environment(code_dir, s3, WARM_ANSWERS if variant.warm and not statement else 0)
        launch["COLD_START_LAUNCHED"] = repr(time.monotonic())
        result = subprocess.run(
            [sys.executable, str(DRIVER), variant.handler, str(event_file), *extra],
            env=launch,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        runs.append(json.loads(result.stdout.splitlines()[-1]))
        whole.append(runs[-1]["since_launch"])
        return int(runs[-1]["status"])

    status = benchmark.pedantic(cold_start, setup=fresh_event, rounds=variant.rounds, warmup_rounds=1)
    assert status == variant.status
    return runs[1:], whole[1:]


@pytest.mark.parametrize("name", list(VARIANTS))
def test_cold_start(
    benchmark: BenchmarkFixture, name: str, code_dirs: dict[str, Path], s3_endpoint: str, tmp_path: Path
) -> None:
    """A fresh runtime process: import the handler, answer one event."""
    variant = VARIANTS[name]
    s3 = s3_endpoint if variant.calls_s3 else None
    runs, whole = measure(benchmark, variant, code_dirs[variant.code], tmp_path, s3)
    COLD[name] = figures = ColdStart(variant.label, runs, whole)
    benchmark.extra_info.update(
        in_process_ms=round(figures.in_process * 1e3, 2),
        cpu_ms=round(figures.cpu * 1e3, 2),
        peak_rss_mib=round(figures.peak_kib / 1024, 1),
    )


# The regular expressions the function compiles on first use (re caches them), not at import.
LAZY_PATTERNS = {
    "upload_api.config": (
        "_BUCKET_NAME", "_RESERVED_BUCKET_NAME", "_REGION", "_KEY_PREFIX", "_MEDIA_TYPE", "_HTTPS_ORIGIN",
        "_LOOPBACK_ORIGIN", "_CLIENT_ID",
    ),
    "upload_api.uploads": ("_REDIRECT",),
    "upload_api.keys": ("_SAFE_EXTENSION", "_SERVICE_KEY"),
    "upload_api.validation": ("_CONTENT_TYPE",),
    "upload_api.identity": ("_SUB",),
    "upload_api.sigv4": ("_IPV4", "_HOST_LABEL"),
}  # fmt: skip
COMPILE_AT_IMPORT = (
    "import re, sys\n"
    f"for module, names in {LAZY_PATTERNS!r}.items():\n"
    "    for name in names:\n"
    "        re.compile(getattr(sys.modules[module], name))\n"
    "for pattern, _ in sys.modules['upload_api.sigv4'].PARTITIONS:\n"
    "    re.compile(pattern)\n"
)
# What each of the function's cold-path replacements stands in for, as the statement that would
# load it and use it once. Run after a cold POST /uploads has been answered: what it adds then is
# what putting it back would add to that cold start (the runtime's own imports included).
PUT_BACK = {
    # Records are emitted either way: log.py hands them to logging once something imported it.
    "log.py -> logging": "import logging; logging.getLogger('upload_api.app')",
    "_thread lock -> threading (put back)": "import threading; threading.Lock()",
    "context manager class -> contextlib (put back)": "import contextlib",
    "hashing.py -> hashlib, hmac": "import hashlib, hmac; hmac.digest(b'k', b'm', 'sha256'); hashlib.sha256(b'm')",
    "uuid4_string -> uuid": "import uuid; str(uuid.uuid4())",
    "binascii -> base64": "import base64; base64.b64decode(base64.b64encode(b'x'), validate=True)",
    "time.strftime -> datetime": (
        "import datetime; datetime.datetime.fromtimestamp(0, datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')"
    ),
    "str.translate -> urllib.parse.quote": "from urllib.parse import quote; quote('a b/c', safe='-_.~')",
    "lazy regular expressions -> compiled at import": COMPILE_AT_IMPORT,
    "TYPE_CHECKING imports -> typing": "import typing",
    "__slots__ classes -> dataclasses": "import dataclasses",
}


@pytest.mark.parametrize("name", list(PUT_BACK))
def test_putting_the_standard_library_back(
    benchmark: BenchmarkFixture, name: str, code_dirs: dict[str, Path], tmp_path: Path
) -> None:
    """A cold POST /uploads, then one replacement's standard-library counterpart loaded and used once."""
    variant = VARIANTS["ours-post"]
    runs, whole = measure(benchmark, variant, code_dirs["zip"], tmp_path, None, PUT_BACK[name])
    ADDED[name] = figures = ColdStart(name, runs, whole)
    benchmark.extra_info.update(added_ms=round(figures.then * 1e3, 3), added_cpu_ms=round(figures.then_cpu * 1e3, 3))


def warm_calls() -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    """Each replacement and its standard-library counterpart, as one warm call."""
    import base64
    import binascii
    import datetime
    import hashlib
    import hmac
    import os
    import re
    from urllib.parse import quote

    from upload_api import hashing, keys, sigv4

    text = "uploads/0b6f3e8e-0a52-4b7c-9f53-8c1f7cbb1a52.txt"
    compiled = re.compile(keys._SERVICE_KEY)
    return {
        "HMAC-SHA256 (64-byte message)": (
            lambda: hashing.hmac_sha256(b"k" * 32, b"m" * 64),
            lambda: hmac.digest(b"k" * 32, b"m" * 64, "sha256"),
        ),
        "SHA-256 hex (1 KiB)": (
            lambda: hashing.sha256_hex(b"m" * 1024),
            lambda: hashlib.sha256(b"m" * 1024).hexdigest(),
        ),
        "uuid4 string": (lambda: keys.uuid4_string(os.urandom(16)), lambda: str(uuid.uuid4())),
        "percent-encode a key": (lambda: sigv4.uri_encode_path(text), lambda: quote(text, safe="/~")),
        "X-Amz-Date": (
            lambda: sigv4.amz_date(1_700_000_000),
            lambda: datetime.datetime.fromtimestamp(1_700_000_000, datetime.UTC).strftime("%Y%m%dT%H%M%SZ"),
        ),
        "base64 of 32 bytes": (
            lambda: binascii.b2a_base64(b"x" * 32, newline=False),
            lambda: base64.b64encode(b"x" * 32),
        ),
        "fullmatch a key (pattern string / compiled)": (
            lambda: re.fullmatch(keys._SERVICE_KEY, text[8:]),
            lambda: compiled.fullmatch(text[8:]),
        ),
    }


@pytest.mark.parametrize("name", list(warm_calls()))
def test_replacements_warm(benchmark: BenchmarkFixture, name: str) -> None:
    """One warm call of a replacement and of its standard-library counterpart (the replacement benchmarked)."""
    ours, stdlib = warm_calls()[name]
    for label, call in (("ours", ours), ("stdlib", stdlib)):
        best = min(timeit.repeat(call, number=2000, repeat=7)) / 2000
        WARM_CALLS[(name, label)] = best
    benchmark(ours)
