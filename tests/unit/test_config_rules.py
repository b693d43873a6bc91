"""The function's configuration refuses exactly what the Terraform variables refuse (one table)."""

from __future__ import annotations

import pytest

from tests.config_rules import CASES, TFTEST_PATH, Case, tftest
from tests.unit.conftest import ENVIRONMENT
from upload_api.config import load_config
from upload_api.errors import ConfigError


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_function_agrees_with_terraform(case: Case) -> None:
    environment = {**ENVIRONMENT, case.setting.env: case.value}
    if case.accepted:
        load_config(environment)
    else:
        with pytest.raises(ConfigError, match=case.setting.env):
            load_config(environment)


def test_the_terraform_side_runs_the_same_table() -> None:
    assert TFTEST_PATH.read_text() == tftest(), "regenerate it: python -m tests.config_rules"
