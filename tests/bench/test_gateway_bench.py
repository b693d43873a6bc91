"""How much the local gateway adds to a request, and what a worker's cold start costs.

Run with `nox -s bench`. The function is the real zip with a static configuration: signing is
local computation, so no moto server is needed and the figures are the gateway's own.
"""

from __future__ import annotations

import json
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from pytest_benchmark.fixture import BenchmarkFixture

from devtools import PACKAGE_ZIP
from devtools.gateway.api_model import DeployedApi, Method, Resource
from devtools.gateway.server import GatewayConfig, RunningGateway, serve
from devtools.gateway.worker import Worker, WorkerPool
from devtools.package import build
from devtools.proxy_events import proxy_event
from tests.bench.conftest import ENVIRONMENT as BENCH_ENVIRONMENT

HANDLER = "upload_api.handler.lambda_handler"
# The benches' deployment, its one allowed origin the local gateway's.
ENVIRONMENT = {**BENCH_ENVIRONMENT, "UPLOAD_ALLOWED_ORIGINS": "http://127.0.0.1:8080"}
BODY = {"content_type": "text/plain", "size": 100}


@pytest.fixture(scope="module")
def code_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build(PACKAGE_ZIP)
    directory = tmp_path_factory.mktemp("function")
    with zipfile.ZipFile(PACKAGE_ZIP) as archive:
        archive.extractall(directory)
    return directory


@pytest.fixture(scope="module")
def pool(code_dir: Path) -> Iterator[WorkerPool]:
    created = WorkerPool(code_dir, HANDLER, ENVIRONMENT, timeout=10)
    yield created
    created.close()


@pytest.fixture(scope="module")
def gateway(pool: WorkerPool) -> Iterator[RunningGateway]:
    api = DeployedApi("bench", "v1", (Resource("/uploads", {"ANY": Method("ANY", "AWS_PROXY", function_name="f")}),))
    with serve(GatewayConfig(api=api, pools={"f": pool})) as running:
        yield running


def event() -> dict[str, Any]:
    return proxy_event(
        "POST", "/uploads", headers={"Content-Type": ["application/json"]}, body=json.dumps(BODY).encode()
    )


def test_handler_in_process(benchmark: BenchmarkFixture, code_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Baseline: the handler called directly, no process boundary, no HTTP."""
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.syspath_prepend(str(code_dir))
    monkeypatch.delitem(sys.modules, "upload_api.handler", raising=False)
    from upload_api.handler import lambda_handler

    result = benchmark(lambda_handler, event(), None)
    assert result["statusCode"] == 201


def test_warm_worker_invocation(benchmark: BenchmarkFixture, pool: WorkerPool) -> None:
    """The handler in a warm worker process: adds the event's trip over a pipe."""
    pool.invoke(event(), "warm-up")
    result = benchmark(pool.invoke, event(), "bench")
    assert result.response is not None
    assert result.response["statusCode"] == 201


def test_warm_request_through_the_gateway(benchmark: BenchmarkFixture, gateway: RunningGateway) -> None:
    """A whole HTTP request through the gateway to a warm worker."""
    session = requests.Session()
    url = f"{gateway.stage_url}/uploads"
    session.post(url, json=BODY, timeout=10)
    response = benchmark(session.post, url, json=BODY, timeout=10)
    assert response.status_code == 201


def test_worker_cold_start(benchmark: BenchmarkFixture, code_dir: Path) -> None:
    """A worker's cold start: a Python process, importing the handler and its config, then its
    first answer to POST /uploads (what a request that finds no warm worker waits for)."""

    def cold_start() -> dict[str, Any]:
        worker = Worker(code_dir, HANDLER, ENVIRONMENT, timeout=10)
        try:
            return worker.invoke(event(), "cold", timeout=10)
        finally:
            worker.stop()

    message = benchmark.pedantic(cold_start, rounds=10, iterations=1)
    assert message["response"]["statusCode"] == 201, message
