"""Schemathesis drives every operation of api/openapi.yaml against the served local stack.

Requests are generated from the contract, valid ones and invalid ones, and every answer goes
through all of schemathesis's checks: no 5xx, a declared status, a body and headers that fit the
declared schemas, invalid data refused, valid data accepted, and the rest. The requests carry the
demo user's ID token, so they reach the function through the authorizer.

``CONTRACT_FUZZ_EXAMPLES`` sets the examples per operation (25 here; ``nox -s fuzz`` runs more).
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import settings
from schemathesis import Case
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode

from devtools import OPENAPI_PATH
from devtools.served_stack import ServedStack

EXAMPLES_PER_OPERATION = int(os.environ.get("CONTRACT_FUZZ_EXAMPLES", "25"))

# What the deployment decides, not the contract: the allowed content types (415 for the others)
# and the maximum sizes (413 above them). A schema-valid request may meet either; the contract
# declares both answers. Anything else refusing valid data is a failure.
ACCEPTED_VALID_DATA = ["2xx", "401", "403", "404", "409", "413", "415", "429"]
# An invalid body whose size is above the deployment's maximum is refused with 413 before its
# invalid field is looked at.
REFUSED_INVALID_DATA = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]


# Loaded when the module is: schemathesis makes one test per operation at collection. (Its
# `from_fixture` would aim it at the served stack instead, but does not run under pytest 9.)
schema = schemathesis.openapi.from_path(
    OPENAPI_PATH,
    config=SchemathesisConfig.from_dict(
        {
            "generation": {"max-examples": EXAMPLES_PER_OPERATION},
            "checks": {
                "positive_data_acceptance": {"expected-statuses": ACCEPTED_VALID_DATA},
                "negative_data_rejection": {"expected-statuses": REFUSED_INVALID_DATA},
            },
        }
    ),
)


def _within_cross_field_rules(case: Case) -> None:
    """Make a valid body also follow the rules JSON Schema cannot state (the contract says them
    in words, and the function answers 400): a completion's parts are numbered 1..N, a page of
    part URLs has one checksum per part number, and a request carries one kind of checksum."""
    body = case.body
    if not isinstance(body, dict):
        return
    parts = body.get("parts")
    if case.path.endswith("/complete") and isinstance(parts, list):
        body["parts"] = [{**part, "part_number": number} for number, part in enumerate(parts, start=1)]
    numbers = body.get("part_numbers")
    if case.path.endswith("/parts") and isinstance(numbers, list):
        if body.get("sha256s") is not None:
            body["crc64nvmes"] = None
        for name in ("sha256s", "crc64nvmes"):
            values = body.get(name)
            if isinstance(values, list):
                body[name] = [values[index % len(values)] for index in range(len(numbers))] if values else None
    # One checksum per request: a SHA-256 (or per-part SHA-256s) wins over a CRC64NVME.
    if body.get("crc64nvme") is not None and (body.get("sha256") is not None or body.get("checksums") is True):
        body["crc64nvme"] = None


@schema.parametrize()
# In `make test` the same cases every run (a failure found once is found again, and CI sees what
# a developer saw); `nox -s fuzz` (CONTRACT_FUZZ_EXAMPLES set) explores new ones each time.
@settings(derandomize="CONTRACT_FUZZ_EXAMPLES" not in os.environ)
def test_the_stack_keeps_its_contract(case: Case, served: ServedStack, auth: dict[str, str]) -> None:
    meta: Any = case.meta
    if meta is not None and meta.generation.mode == GenerationMode.POSITIVE:
        _within_cross_field_rules(case)
    case.call_and_validate(base_url=served.api_url, headers=auth)
