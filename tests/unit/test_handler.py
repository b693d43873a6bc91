"""The Lambda entry point: config at cold start, a thin dispatch per event."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType, SimpleNamespace

import pytest

from tests.events import json_body, proxy_event
from tests.unit.conftest import ENVIRONMENT
from upload_api.errors import ConfigError


def cold_start(monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]) -> ModuleType:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delitem(sys.modules, "upload_api.handler", raising=False)
    return importlib.import_module("upload_api.handler")


def test_the_handler_answers_an_event(monkeypatch: pytest.MonkeyPatch) -> None:
    handler = cold_start(monkeypatch, ENVIRONMENT)
    context = SimpleNamespace(aws_request_id="abc-123")
    response = handler.lambda_handler(
        proxy_event("POST", "/uploads", body={"content_type": "image/png", "size": 10}), context
    )
    assert response["statusCode"] == 201
    assert json_body(response)["url"].startswith("https://uploads-test-bucket.s3.eu-west-3.amazonaws.com/uploads/")


def test_a_bad_environment_fails_the_cold_start_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    environment = {**ENVIRONMENT, "UPLOAD_MAX_SIZE_BYTES": "lots"}
    with pytest.raises(ConfigError, match="UPLOAD_MAX_SIZE_BYTES"):
        cold_start(monkeypatch, environment)
