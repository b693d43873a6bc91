"""The local stack applies the complete example with only the switches examples/local lists.

Every variable local.tfvars sets is a variable of the complete example and has a row, with its
reason, in examples/local/README.md's "Local switches" table; every row is a line of the file.
"""

from __future__ import annotations

import re

import pytest

from devtools import LOCAL_EXAMPLE_DIR, TERRAFORM_DIR
from devtools.local_stack import LOCAL_SWITCHES

pytestmark = pytest.mark.tooling

COMPLETE = TERRAFORM_DIR / "examples" / "complete"
SETTING = re.compile(r"^([a-z_]+)\s*=", re.MULTILINE)
VARIABLE = re.compile(r'^variable\s+"([a-z_]+)"', re.MULTILINE)
ROW = re.compile(r"^\|\s*`([a-z_]+)`\s*\|(.*)\|\s*$")


def switches() -> list[str]:
    return SETTING.findall((LOCAL_EXAMPLE_DIR / "local.tfvars").read_text())


def table_rows() -> dict[str, str]:
    readme = (LOCAL_EXAMPLE_DIR / "README.md").read_text()
    section = readme.split("## Local switches", 1)[1].split("\n## ", 1)[0]
    return {found.group(1): found.group(2) for line in section.splitlines() if (found := ROW.match(line))}


def test_the_stack_applies_the_switches_file_of_this_directory() -> None:
    assert (COMPLETE / LOCAL_SWITCHES).resolve() == (LOCAL_EXAMPLE_DIR / "local.tfvars").resolve()


def test_every_switch_is_a_variable_of_the_complete_example() -> None:
    variables = set(VARIABLE.findall((COMPLETE / "variables.tf").read_text()))
    assert set(switches()) <= variables, set(switches()) - variables


def test_every_switch_has_a_row_with_a_reason_and_every_row_a_switch() -> None:
    rows = table_rows()
    assert sorted(rows) == sorted(switches())
    for name, cells in rows.items():
        reason = cells.split("|")[-1].strip()
        assert len(reason) > 20, f"{name}: no reason given"


def test_production_guards_are_not_switched_off_locally() -> None:
    # The teardown lifts them, as on AWS; turning them off here would hide a stack that cannot
    # be destroyed, and the API Gateway logs that need the account bootstrap.
    assert not {"user_pool_deletion_protection", "force_destroy", "api_gateway_logging"} & set(switches())
