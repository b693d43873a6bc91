"""Each Terraform README's Inputs and Outputs tables list exactly the variables and outputs in the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devtools import TERRAFORM_DIR
from devtools import terraform as tf

pytestmark = pytest.mark.tooling

# A top-level block opens at the start of a line: `variable "name" {`. terraform fmt keeps it so.
BLOCK = re.compile(r'^(variable|output)\s+"([A-Za-z0-9_-]+)"\s*\{', re.MULTILINE)
# The first cell of a table row: | `name` | ...
ROW_NAME = re.compile(r"^\|\s*`([A-Za-z0-9_-]+)`\s*\|")

CONFIGURATIONS = tf.configurations()


def declared(directory: Path, kind: str) -> list[str]:
    """Names of the ``kind`` blocks (variable or output) in the configuration's own *.tf files."""
    names = []
    for path in sorted(directory.glob("*.tf")):
        names += [name for block, name in BLOCK.findall(path.read_text()) if block == kind]
    return names


def documented(readme: str, heading: str) -> list[str]:
    """Names in the first column of the table under ``## heading`` (up to the next heading)."""
    match = re.search(rf"^## {heading}\s*$(.*?)(?=^## |\Z)", readme, re.MULTILINE | re.DOTALL)
    assert match, f"no '## {heading}' section"
    return [found.group(1) for line in match.group(1).splitlines() if (found := ROW_NAME.match(line))]


def test_every_configuration_is_checked() -> None:
    names = {relative(path) for path in CONFIGURATIONS}
    assert {
        "modules/github-oidc",
        "examples/ci-backend",
        "examples/complete",
        "examples/account-bootstrap",
        "modules/bucket",
        "modules/api-gateway-account",
    } <= names


def relative(path: Path) -> str:
    """A configuration's test id: its path under terraform/ ('.' for the root composition)."""
    return path.relative_to(TERRAFORM_DIR).as_posix()


@pytest.mark.parametrize("directory", CONFIGURATIONS, ids=relative)
@pytest.mark.parametrize(("heading", "kind"), [("Inputs", "variable"), ("Outputs", "output")])
def test_readme_tables_match_the_code(directory: Path, heading: str, kind: str) -> None:
    readme = (directory / "README.md").read_text()
    in_code = declared(directory, kind)
    in_readme = documented(readme, heading)
    assert len(in_readme) == len(set(in_readme)), f"{heading} lists a name twice: {in_readme}"
    assert sorted(in_readme) == sorted(in_code), (
        f"{directory.relative_to(TERRAFORM_DIR.parent)}/README.md {heading}: "
        f"missing {sorted(set(in_code) - set(in_readme))}, not in the code {sorted(set(in_readme) - set(in_code))}"
    )


def test_the_parsers_see_what_they_should() -> None:
    assert BLOCK.findall('variable "name" {\n  type = string\n}\noutput "api_url" {\n') == [
        ("variable", "name"),
        ("output", "api_url"),
    ]
    readme = "## Inputs\n\n| name | type |\n|---|---|\n| `a` | `string` |\n\n## Outputs\n\n| `b` | x |\n"
    assert documented(readme, "Inputs") == ["a"]
    assert documented(readme, "Outputs") == ["b"]
