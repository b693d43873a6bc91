"""The handler implements exactly the OpenAPI contract, and its answers fit the contract's schemas."""

from __future__ import annotations

import json

from openapi_schema_validator import OAS30Validator
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


def schema_validator(schema_name: str) -> OAS30Validator:
    """A validator for one of the contract's schemas (OpenAPI 3.0 dialect: `nullable` and all)."""
    contract = load_contract()
    return OAS30Validator({"$ref": f"#/components/schemas/{schema_name}", **contract})


def test_answers_fit_their_schemas(api: UploadApi) -> None:
    created = api.handle(proxy_event("POST", "/uploads", body={"content_type": "text/plain", "size": 3}))
    schema_validator("Upload").validate(json.loads(created["body"]))
    legacy = api.handle(proxy_event("GET", "/upload-url"))
    schema_validator("LegacyUploadUrl").validate(json.loads(legacy["body"]))
    refused = api.handle(proxy_event("POST", "/uploads", body={"content_type": "x/y", "size": 3}))
    schema_validator("Error").validate(json.loads(refused["body"]))
