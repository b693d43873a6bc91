"""Reading the API contract (api/openapi.yaml), shared by the unit and integration tests."""

from __future__ import annotations

from typing import Any

import yaml

from devtools import OPENAPI_PATH

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def load_contract() -> dict[str, Any]:
    """The OpenAPI document."""
    document: dict[str, Any] = yaml.safe_load(OPENAPI_PATH.read_text())
    return document


def contract_routes() -> dict[str, set[str]]:
    """Path -> the upper-case methods the contract gives it."""
    return {
        path: {method.upper() for method in item if method in HTTP_METHODS}
        for path, item in load_contract()["paths"].items()
    }
