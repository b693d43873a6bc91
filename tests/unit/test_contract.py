"""The handler implements exactly the OpenAPI contract, and its answers fit the contract's schemas."""

from __future__ import annotations

import json

import jsonschema
from openapi_spec_validator import validate

from tests.contract import contract_routes, load_contract
from tests.events import proxy_event
from upload_api import errors
from upload_api.app import UploadApi


def test_the_contract_is_valid_openapi() -> None:
    validate(load_contract())


def test_handler_routes_equal_the_contract(api: UploadApi) -> None:
    assert {path: set(methods) for path, methods in api.routes.items()} == contract_routes()


def test_every_error_code_is_in_the_contract() -> None:
    declared = set(
        load_contract()["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]
    )
    raised = {cls.code for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.ApiError)}
    assert raised | {"internal_error"} == declared


def _validator(schema_name: str) -> jsonschema.Draft4Validator:
    # OpenAPI 3.0 schemas are a superset of draft 4; the refs resolve inside the whole document.
    contract = load_contract()
    return jsonschema.Draft4Validator({"$ref": f"#/components/schemas/{schema_name}", **contract})


def test_answers_fit_their_schemas(api: UploadApi) -> None:
    created = api.handle(proxy_event("POST", "/uploads", body={"content_type": "text/plain", "size": 3}), "r")
    _validator("Upload").validate(json.loads(created["body"]))
    legacy = api.handle(proxy_event("GET", "/upload-url"), "r")
    _validator("LegacyUploadUrl").validate(json.loads(legacy["body"]))
    refused = api.handle(proxy_event("POST", "/uploads", body={"content_type": "x/y", "size": 3}), "r")
    _validator("Error").validate(json.loads(refused["body"]))
