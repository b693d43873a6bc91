"""The docs' Terraform snippets are planned against this checkout (devtools/doc_snippets.py)."""

from __future__ import annotations

from pathlib import Path

from devtools import REPO_ROOT, doc_snippets


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
    assert 'provider "aws" {' in configuration


def test_a_snippet_with_its_own_provider_keeps_it() -> None:
    text = 'provider "aws" {\n  region = "us-east-2"\n}\n'
    configuration, _ = doc_snippets.configuration(doc_snippets.Snippet(Path("x.md"), 1, text))
    assert configuration.count('provider "aws"') == 1
