"""What the hand-written signer buys, warm: one POST /uploads, and the part URLs of a whole upload.

Run with `nox -s bench -- tests/bench/test_signing_bench.py` (no local stack needed). Three
handlers side by side, in-process: the seed's (seed_handler.py), the function with botocore's
signer (boto3_handler.py) and the function as deployed (upload_api.handler, our SigV4 signer). A
summary table with the ratios is printed at the end; nothing here asserts a time. The cold start
is test_cold_start.py's.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from tests.bench.conftest import ENVIRONMENT, parts_page, post_uploads, record

HANDLERS = {"seed": "tests.bench.seed_handler", "boto3": "tests.bench.boto3_handler", "ours": "upload_api.handler"}


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
