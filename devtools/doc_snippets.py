"""Every Terraform snippet in the docs is planned, so the docs cannot drift from the modules.

A snippet is an ``hcl`` fenced block in README.md, docs/*.md or a Terraform README. Each is
written to a directory of its own with its module ``source`` pointed at this checkout instead of
the release it names, a module it refers to but does not declare stubbed (its outputs unknown),
and a ``terraform test`` file that plans it under a mocked AWS provider: the snippet must be
valid, name only inputs the module has, give every required one, and pass the modules'
validations and preconditions.

``nox -s terraform`` runs it; ``python -m devtools.doc_snippets`` too.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from devtools import BUILD_DIR, REPO_ROOT, TERRAFORM_DIR
from devtools import terraform as tf

FENCE = re.compile(r"^```(?:hcl|terraform)\n(.*?)^```", re.MULTILINE | re.DOTALL)
# git::https://github.com/OWNER/presigned-uploads.git//terraform/modules/bucket?ref=v0.1.0
RELEASE_SOURCE = re.compile(r'source\s*=\s*"git::[^"]*presigned-uploads\.git//(terraform[^"?]*)(?:\?ref=[^"]*)?"')
MODULE_BLOCK = re.compile(r'^module\s+"([\w-]+)"', re.MULTILINE)
MODULE_REF = re.compile(r"\bmodule\.([\w-]+)\.([\w-]+)")
PACKAGE_FIXTURE = TERRAFORM_DIR / "modules" / "function" / "tests" / "fixtures" / "lambda.zip"
WORK_DIR = BUILD_DIR / "doc-snippets"

MOCKED_PLAN = """\
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name   = "eu-west-1"
      region = "eu-west-1"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[]}"
    }
  }
}

run "the_snippet_plans" {
  command = plan
}
"""


class Snippet(NamedTuple):
    document: Path
    line: int
    text: str

    @property
    def name(self) -> str:
        return f"{self.document.relative_to(REPO_ROOT)}:{self.line}"


def documents() -> list[Path]:
    return sorted(
        [REPO_ROOT / "README.md", *REPO_ROOT.glob("docs/*.md"), *TERRAFORM_DIR.glob("**/README.md")],
    )


def snippets(paths: list[Path] | None = None) -> Iterator[Snippet]:
    for path in paths or documents():
        if ".terraform" in path.parts:
            continue
        text = path.read_text()
        for match in FENCE.finditer(text):
            yield Snippet(path, text.count("\n", 0, match.start()) + 1, match.group(1))


def configuration(snippet: Snippet) -> tuple[str, dict[str, set[str]]]:
    """The snippet as a configuration that plans here (local sources), and the modules it names
    without declaring them, each with the outputs it reads: those become stubs."""
    text = RELEASE_SOURCE.sub(lambda found: f'source = "{REPO_ROOT / found.group(1)}"', snippet.text)
    declared = set(MODULE_BLOCK.findall(text))
    stubs: dict[str, set[str]] = {}
    for module, output in MODULE_REF.findall(text):
        if module not in declared:
            stubs.setdefault(module, set()).add(output)
    for module in sorted(stubs):
        text += f'\nmodule "{module}" {{\n  source = "./stub_{module}"\n}}\n'
    if 'provider "aws"' not in text:
        # The test mocks the root's provider configuration; a snippet of a module call leaves it
        # to the reader's configuration.
        text += '\nprovider "aws" {\n  region = "eu-west-1"\n}\n'
    return text, stubs


def write_stub(directory: Path, outputs: set[str]) -> None:
    """A module whose outputs are all unknown until apply, so they fit any input's type."""
    directory.mkdir()
    lines = ['resource "terraform_data" "unknown" {', "  input = timestamp()", "}"]
    lines += [f'output "{name}" {{\n  value = terraform_data.unknown.output\n}}' for name in sorted(outputs)]
    (directory / "main.tf").write_text("\n".join(lines) + "\n")


class Result(NamedTuple):
    snippet: Snippet
    ok: bool
    output: str


def check(snippet: Snippet, index: int) -> Result:
    directory = WORK_DIR / f"{index:03d}"
    shutil.rmtree(directory, ignore_errors=True)
    (directory / "tests").mkdir(parents=True)
    text, stubs = configuration(snippet)
    (directory / "main.tf").write_text(text)
    for module, outputs in stubs.items():
        write_stub(directory / f"stub_{module}", outputs)
    (directory / "tests" / "snippet.tftest.hcl").write_text(MOCKED_PLAN)
    (directory / "build").mkdir()
    shutil.copy(PACKAGE_FIXTURE, directory / "build" / "lambda.zip")  # "${path.root}/build/lambda.zip"
    output = []
    for step in (["init", "-backend=false", "-input=false", "-no-color"], ["test", "-no-color"]):
        result = tf.run(directory, step, check=False)
        output.append(f"$ terraform {' '.join(step)}\n{result.stdout}{result.stderr}")
        if result.returncode != 0:
            return Result(snippet, False, "".join(output))
    return Result(snippet, True, "")


def check_all(workers: int = 2) -> list[Result]:
    found = list(snippets())
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(check, found, range(len(found))))


def main() -> int:
    results = check_all()
    for result in results:
        print(f"{'ok' if result.ok else 'FAILED'}: {result.snippet.name}")
        if not result.ok:
            print(result.output)
    return 0 if all(result.ok for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
