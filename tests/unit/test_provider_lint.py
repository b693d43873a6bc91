"""The provider lint refuses what breaks on one supported AWS provider major (devtools/provider_lint.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools import provider_lint

pytestmark = pytest.mark.tooling

# Each sample marks its offending line with a comment.
BROKEN = {
    "region-name": "locals {\n  region = data.aws_region.current.name #\n}\n",
    "bucket-region": "locals {\n  r = data.aws_s3_bucket.existing[0].region #\n}\n",
    "reset-on-delete": 'resource "aws_api_gateway_account" "a" {\n  reset_on_delete = true #\n}\n',
    "deployment-stage": 'resource "aws_api_gateway_deployment" "d" {\n  rest_api_id = "x"\n  stage_name  = "v1" #\n}\n',
    "deployment-attributes": 'output "u" {\n  value = aws_api_gateway_deployment.this.invoke_url #\n}\n',
    "removed-services": 'resource "aws_opsworks_stack" "s" { #\n}\n',
    "dynamodb-lock": 'terraform {\n  backend "s3" {\n    dynamodb_table = "locks" #\n  }\n}\n',
    "per-resource-region": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  region = "eu-west-1" #\n}\n',
}


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_construct_is_refused_with_its_line(rule: str) -> None:
    findings = provider_lint.lint_text(Path("main.tf"), BROKEN[rule])
    offending = next(number for number, line in enumerate(BROKEN[rule].splitlines(), 1) if "#" in line)
    assert [(finding.rule, finding.line) for finding in findings] == [(rule, offending)]


def test_what_works_on_both_majors_passes() -> None:
    text = (
        "locals {\n"
        '  region = lookup(data.aws_region.current, "region", lookup(data.aws_region.current, "name", null))\n'
        "}\n"
        'resource "aws_api_gateway_stage" "s" {\n'
        '  stage_name = "v1"\n'
        "}\n"
        'provider "aws" {\n'
        '  region = "eu-west-1"\n'
        "}\n"
    )
    assert provider_lint.lint_text(Path("main.tf"), text) == []


def test_the_constraint_admits_both_majors() -> None:
    old = 'terraform {\n  required_providers {\n    aws = {\n      version = ">= 5.83, < 6.0"\n    }\n  }\n}\n'
    assert [finding.rule for finding in provider_lint.lint_text(Path("versions.tf"), old)] == ["constraint"]
    new = old.replace("< 6.0", "< 7.0")
    assert provider_lint.lint_text(Path("versions.tf"), new) == []


def test_the_projects_terraform_passes() -> None:
    assert [str(finding) for finding in provider_lint.lint()] == []
