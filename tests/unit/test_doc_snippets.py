"""The docs' Terraform snippets are planned against this checkout (devtools/doc_snippets.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools import REPO_ROOT, doc_snippets

pytestmark = pytest.mark.tooling


def test_every_document_with_terraform_is_read() -> None:
    names = {snippet.name.rsplit(":", 1)[0] for snippet in doc_snippets.snippets()}
    assert {"terraform/README.md", "docs/first-deploy.md", "terraform/modules/api/README.md"} <= names


def test_a_release_source_points_at_this_checkout_and_other_modules_are_stubbed() -> None:
    text = (
        'module "api" {\n'
        '  source        = "git::https://github.com/OWNER/presigned-uploads.git//terraform/modules/api?ref=v0.1.0"\n'
        "  function_name = module.function.function_name\n"
        "  invoke_arn    = module.function.invoke_arn\n"
        "}\n"
    )
    configuration, stubs = doc_snippets.configuration(doc_snippets.Snippet(Path("x.md"), 1, text))
    assert f'source        = "{REPO_ROOT}/terraform/modules/api"' not in configuration  # spacing is normalised
    assert f'source = "{REPO_ROOT}/terraform/modules/api"' in configuration
    assert stubs == {"function": {"function_name", "invoke_arn"}}
    assert 'module "function" {\n  source = "./stub_function"\n}' in configuration


def test_a_snippets_provider_is_left_to_the_mocked_one() -> None:
    text = 'provider "aws" {\n  region = "us-east-2"\n}\n\nmodule "uploads" {\n  source = "./x"\n}\n'
    configuration, _ = doc_snippets.configuration(doc_snippets.Snippet(Path("x.md"), 1, text))
    assert 'provider "aws"' not in configuration
    assert 'module "uploads"' in configuration


def test_every_snippet_is_one_module_of_one_configuration(tmp_path: Path) -> None:
    found = [
        doc_snippets.Snippet(REPO_ROOT / "a.md", 3, 'module "uploads" {\n  source = "./x"\n}\n'),
        doc_snippets.Snippet(REPO_ROOT / "b.md", 9, 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'),
    ]
    doc_snippets.write_configuration(found, tmp_path)
    root = (tmp_path / "main.tf").read_text()
    assert root.count('provider "aws"') == 1
    assert 'module "snippet_000" {\n  source = "./snippet_000"\n}' in root
    assert (tmp_path / "snippet_001" / "main.tf").read_text().startswith("# b.md:9\n")
    assert "mock_provider" in (tmp_path / "tests" / "snippets.tftest.hcl").read_text()
