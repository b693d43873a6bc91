"""Refuse Terraform that works on one supported AWS provider major and not the other.

The modules support ``hashicorp/aws`` ``>= 5.83, < 7.0``, but only one provider version is on
the machines that run ``make test`` (5.100.0), so ``terraform validate`` and ``terraform test``
cannot see what 6.x removed or changed. This check reads the configuration for the constructs the
6.0 upgrade guide lists that would break, or silently change meaning, on either major
(CHANGELOG.md lists the guide item by item). CI also runs ``terraform test`` on the newest 6.x.

``python -m devtools.provider_lint [DIR]`` prints one line per finding and exits 1 if any.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from devtools import TERRAFORM_DIR

SUPPORTED = ">= 5.83, < 7.0"


class Rule(NamedTuple):
    name: str
    pattern: re.Pattern[str]
    why: str


def _rule(name: str, pattern: str, why: str) -> Rule:
    return Rule(name, re.compile(pattern, re.MULTILINE), why)


REF = r"(?:\[[^\]]+\])?"  # an optional [0] or ["key"] after a name
RULES = (
    _rule(
        "region-name",
        rf"\bdata\.aws_region\.\w+{REF}\.(?:name|region)\b",
        "data.aws_region's `name` is deprecated in 6.x and its `region` is unknown to 5.x: read it with "
        'lookup(data.aws_region.X, "region", lookup(data.aws_region.X, "name", null))',
    ),
    _rule(
        "bucket-region",
        rf"\b(?:data\.)?aws_s3_bucket\.\w+{REF}\.(?:region|bucket_region)\b",
        "aws_s3_bucket's `region` is the provider's region in 6.x (the bucket's moved to `bucket_region`, "
        'unknown to 5.x): read it with lookup(X, "bucket_region", lookup(X, "region", null))',
    ),
    _rule("reset-on-delete", r"^\s*reset_on_delete\s*=", "aws_api_gateway_account's reset_on_delete is gone in 6.x"),
    _rule(
        "deployment-stage",
        r"^\s*(?:stage_name|stage_description)\s*=|^\s*canary_settings\s*\{",
        "aws_api_gateway_deployment lost stage_name, stage_description and canary_settings in 6.x: "
        "use an aws_api_gateway_stage",
    ),
    _rule(
        "deployment-attributes",
        rf"\baws_api_gateway_deployment\.\w+{REF}\.(?:invoke_url|execution_arn)\b",
        "aws_api_gateway_deployment lost invoke_url and execution_arn in 6.x: read them from the stage "
        "and the rest API",
    ),
    _rule(
        "removed-services",
        r'"aws_(?:opsworks_\w+|simpledb_domain|worklink_\w+|redshift_service_account)"'
        r"|^\s*(?:opsworks|simpledb|sdb|worklink)\s*=|\bs3_us_east_1_regional_endpoint\b",
        "removed in provider 6.x (or, for s3_us_east_1_regional_endpoint, in 7.x)",
    ),
    _rule(
        "dynamodb-lock",
        r"^\s*dynamodb_table\s*=",
        "the S3 backend locks with use_lockfile; DynamoDB locking is deprecated",
    ),
)

BLOCK_OPEN = re.compile(r'^(resource|data)\s+"(\w+)"\s+"[\w-]+"\s*\{\s*$')
VERSION = re.compile(r'^\s*version\s*=\s*"([^"]*)"', re.MULTILINE)


class Finding(NamedTuple):
    path: Path
    line: int
    rule: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.why}"


def _enclosing_blocks(text: str) -> list[str | None]:
    """For each line, the type of the top-level resource or data block it is in (None outside)."""
    kinds: list[str | None] = []
    current: str | None = None
    depth = 0
    for line in text.splitlines():
        if depth == 0:
            opened = BLOCK_OPEN.match(line)
            current = opened.group(2) if opened else None
        kinds.append(current)
        depth += line.count("{") - line.count("}")
        if depth <= 0:
            depth, current = 0, None
    return kinds


def _per_resource_region(text: str) -> Iterator[int]:
    """Lines that set `region` directly in a resource or data block: 6.x's per-resource region,
    which 5.x refuses (the modules follow the provider's region)."""
    depth, inside = 0, False
    for number, line in enumerate(text.splitlines(), 1):
        if depth == 0:
            inside = bool(BLOCK_OPEN.match(line)) and '"aws_' in line
        elif depth == 1 and inside and re.match(r"^\s*region\s*=", line):
            yield number
        depth = max(0, depth + line.count("{") - line.count("}"))


def lint_text(path: Path, text: str) -> list[Finding]:
    findings = []
    kinds = _enclosing_blocks(text)
    for rule in RULES:
        for match in rule.pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            if rule.name == "deployment-stage" and kinds[line - 1] != "aws_api_gateway_deployment":
                continue
            findings.append(Finding(path, line, rule.name, rule.why))
    findings += [
        Finding(path, line, "per-resource-region", "a resource's own `region` exists only in 6.x")
        for line in _per_resource_region(text)
    ]
    if path.name == "versions.tf":
        for match in VERSION.finditer(text):
            if match.group(1) != SUPPORTED:
                line = text.count("\n", 0, match.start()) + 1
                findings.append(Finding(path, line, "constraint", f'the AWS provider constraint is "{SUPPORTED}"'))
    return sorted(findings)


def terraform_files(root: Path) -> Iterator[Path]:
    for pattern in ("**/*.tf", "**/*.tftest.hcl"):
        yield from (path for path in root.glob(pattern) if ".terraform" not in path.parts)


def lint(root: Path = TERRAFORM_DIR) -> list[Finding]:
    return [finding for path in sorted(terraform_files(root)) for finding in lint_text(path, path.read_text())]


def main(argv: list[str]) -> int:
    findings = lint(Path(argv[0]) if argv else TERRAFORM_DIR)
    for finding in findings:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
