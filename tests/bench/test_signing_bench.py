"""What the hand-written signer buys: cold start, warm latency, part URLs, memory.

Run with `nox -s bench -- tests/bench/test_signing_bench.py` (no local stack needed). Three
handlers side by side: the seed's (seed_handler.py), the function with botocore's signer
(boto3_handler.py) and the function as deployed (upload_api.handler, our SigV4 signer). A
summary table with the ratios is printed at the end; nothing here asserts a time.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from tests.bench.conftest import median, record
from tests.events import proxy_event

REPO = Path(__file__).parents[2]
LAMBDA_SRC = REPO / "lambda_src"
DRIVER = Path(__file__).with_name("cold_start.py")
HANDLERS = {"seed": "tests.bench.seed_handler", "boto3": "tests.bench.boto3_handler", "ours": "upload_api.handler"}
ENVIRONMENT = {
    "UPLOAD_BUCKET": "bench-bucket",
    "UPLOAD_BUCKET_REGION": "eu-west-1",
    "UPLOAD_KEY_PREFIX": "uploads/",
    "UPLOAD_URL_EXPIRY_SECONDS": "300",
    "UPLOAD_MAX_SIZE_BYTES": "1048576",
    "UPLOAD_MAX_MULTIPART_SIZE_BYTES": str(10_000 * 5 * 1024 * 1024),
    "UPLOAD_ALLOWED_CONTENT_TYPES": "text/plain,video/*",
    "UPLOAD_ALLOWED_ORIGINS": "https://app.example.com",
    "UPLOAD_AUTH_MODE": "none",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_REGION": "eu-west-1",
    # As in Lambda: no shared config or credentials files.
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
}
# A multipart key carries its plan: 10 000 parts of 5 MiB.
KEY = f"uploads/0b6f3e8e-0a52-4b7c-9f53-8c1f7cbb1a52-{10_000 * 5 * 1024 * 1024}x{5 * 1024 * 1024}.bin"
# Lists the standard-library modules a cold POST /uploads loads (json included: the handler uses it).
LIST_STDLIB_IMPORTS = (
    "import sys; before = set(sys.modules); import json; import upload_api.handler as h; "
    "h.lambda_handler(json.loads(sys.argv[1]), None); "
    "print(' '.join(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in sys.stdlib_module_names)))"
)
BARE_PEAK = "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:')))"
COLD_ROUNDS = {"bare": 20, "stdlib": 20, "seed": 7, "boto3": 7, "ours": 20, "ours-source": 20}


def post_uploads() -> dict[str, Any]:
    body = {"content_type": "text/plain", "size": 100}
    return proxy_event("POST", "/uploads", body=body, headers={"Content-Type": "application/json"})


def parts_page(first: int) -> dict[str, Any]:
    body = {"key": KEY, "part_numbers": list(range(first, first + 1000))}
    return proxy_event(
        "POST", "/uploads/multipart/{upload_id}/parts", body=body, path_parameters={"upload_id": "bench-upload-id"}
    )


def process_environment(python_path: list[Path], **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join(str(path) for path in python_path),
        **ENVIRONMENT,
        **extra,
    }


def stdlib_floor() -> str:
    """An import of every standard-library module a cold POST /uploads loads: the floor of its cold start."""
    listed = subprocess.run(
        [sys.executable, "-c", LIST_STDLIB_IMPORTS, json.dumps(post_uploads())],
        env=process_environment([LAMBDA_SRC]),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return f"import {', '.join(listed.stdout.split())}"


def cold_start_command(variant: str, source_copy: Path) -> tuple[list[str], dict[str, str]]:
    """The command for one fresh process of ``variant``, and its environment."""
    if variant == "bare":
        return [sys.executable, "-c", "pass"], process_environment([])
    if variant == "stdlib":
        return [sys.executable, "-c", stdlib_floor()], process_environment([])
    event = json.dumps(post_uploads())
    if variant == "ours-source":
        # The zip holds no .pyc, and /var/task is read-only: every cold start compiles the package.
        command = [sys.executable, str(DRIVER), HANDLERS["ours"], event]
        return command, process_environment([source_copy], PYTHONDONTWRITEBYTECODE="1")
    return [sys.executable, str(DRIVER), HANDLERS[variant], event], process_environment([LAMBDA_SRC, REPO])


@pytest.fixture(scope="module")
def source_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("zip-like")
    shutil.copytree(LAMBDA_SRC / "upload_api", directory / "upload_api", ignore=shutil.ignore_patterns("__pycache__"))
    return directory


@pytest.mark.parametrize("variant", ["bare", "stdlib", "seed", "boto3", "ours", "ours-source"])
def test_cold_start(benchmark: BenchmarkFixture, variant: str, source_copy: Path) -> None:
    """A fresh process: import the handler, read config, answer the first POST /uploads."""
    command, environment = cold_start_command(variant, source_copy)
    peaks: list[float] = []
    cpu: list[float] = []

    def cold_start() -> str:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run(command, env=environment, capture_output=True, text=True, check=True, timeout=60)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if result.stdout:
            status, peak = result.stdout.split()
            peaks.append(float(peak))
            return status
        return "-"

    status = benchmark.pedantic(cold_start, rounds=COLD_ROUNDS[variant], iterations=1, warmup_rounds=1)
    assert status == ("-" if variant in ("bare", "stdlib") else "200" if variant == "seed" else "201")
    bare, bare_cpu = (0.0, 0.0) if variant == "bare" else _bare_seconds()
    measure, name = {"ours-source": ("cold-source", "ours"), "stdlib": ("cold-stdlib", "ours")}.get(
        variant, ("cold", variant)
    )
    record(measure, name, benchmark.stats["median"] - bare)
    # CPU time (user + sys) of the child: what the machine's other load does not inflate.
    record(f"{measure}-cpu", name, median(cpu) - bare_cpu)
    benchmark.extra_info["cpu_ms_median"] = round(median(cpu) * 1e3, 1)
    if variant in HANDLERS:
        record("rss", variant, median(peaks))
        benchmark.extra_info["peak_rss_mib"] = round(median(peaks) / 1024, 1)
    if variant == "bare":
        peak = subprocess.run(
            [sys.executable, "-c", BARE_PEAK], env=environment, capture_output=True, text=True, check=True, timeout=60
        )
        record("rss", "bare", float(peak.stdout))


def _bare_seconds() -> tuple[float, float]:
    """The bare interpreter's start: wall and CPU seconds."""
    from tests.bench.conftest import FIGURES

    if ("cold", "bare") not in FIGURES:
        pytest.skip("run with the bare interpreter's start (the 'bare' case) to net it out")
    return FIGURES[("cold", "bare")], FIGURES[("cold-cpu", "bare")]


def load_handler(monkeypatch: pytest.MonkeyPatch, variant: str) -> ModuleType:
    """``variant``'s handler imported afresh in this process, with the bench environment."""
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delitem(sys.modules, HANDLERS[variant], raising=False)
    return importlib.import_module(HANDLERS[variant])


@pytest.mark.parametrize("variant", ["seed", "boto3", "ours"])
def test_warm_post_uploads(benchmark: BenchmarkFixture, monkeypatch: pytest.MonkeyPatch, variant: str) -> None:
    """One warm POST /uploads, the handler called in-process (the seed: its one GET)."""
    handler: Callable[[Any, Any], dict[str, Any]] = load_handler(monkeypatch, variant).lambda_handler
    event = post_uploads()
    handler(event, None)
    response = benchmark(handler, event, None)
    assert response["statusCode"] == (200 if variant == "seed" else 201)
    record("warm", variant, benchmark.stats["median"])


@pytest.mark.parametrize("variant", ["boto3", "ours"])
def test_ten_thousand_part_urls(benchmark: BenchmarkFixture, monkeypatch: pytest.MonkeyPatch, variant: str) -> None:
    """Every part URL of a 10 000-part upload, ten pages through the handler (no call to S3)."""
    handler: Callable[[Any, Any], dict[str, Any]] = load_handler(monkeypatch, variant).lambda_handler
    pages = [parts_page(first) for first in range(1, 10_001, 1000)]

    def sign_all() -> int:
        count = 0
        for page in pages:
            response = handler(page, None)
            assert response["statusCode"] == 200, response["body"]
            count += len(json.loads(response["body"])["parts"])
        return count

    rounds = 5 if variant == "ours" else 2
    assert benchmark.pedantic(sign_all, rounds=rounds, iterations=1, warmup_rounds=0) == 10_000
    record("parts", variant, benchmark.stats["median"])
