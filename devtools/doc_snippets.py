"""Every Terraform snippet in the docs is planned, so the docs cannot drift from the modules.

A snippet is an ``hcl`` fenced block in README.md, docs/*.md or a Terraform README. Each becomes
a module of one configuration, with its module ``source`` pointed at this checkout instead of the
release it names, a module it refers to but does not declare stubbed (its outputs unknown), and
its ``provider "aws"`` block left to the configuration's, which a ``terraform test`` mocks. One
plan covers them all (a provider's schema loads once, not once a snippet): every snippet must be
valid, name only inputs the module has, give every required one, and pass the modules'
validations and preconditions.

``nox -s terraform`` runs it; ``python -m devtools.doc_snippets`` too.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
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


PROVIDER_BLOCK = re.compile(r'^provider "aws" \{\n.*?^\}\n', re.MULTILINE | re.DOTALL)


def configuration(snippet: Snippet) -> tuple[str, dict[str, set[str]]]:
    """The snippet as a module that plans here (local sources, the provider left to the caller),
    and the modules it names without declaring them, each with the outputs it reads: stubs."""
    text = RELEASE_SOURCE.sub(lambda found: f'source = "{REPO_ROOT / found.group(1)}"', snippet.text)
    text = PROVIDER_BLOCK.sub("", text)
    declared = set(MODULE_BLOCK.findall(text))
    stubs: dict[str, set[str]] = {}
    for module, output in MODULE_REF.findall(text):
        if module not in declared:
            stubs.setdefault(module, set()).add(output)
    for module in sorted(stubs):
        text += f'\nmodule "{module}" {{\n  source = "./stub_{module}"\n}}\n'
    return text, stubs


def write_stub(directory: Path, outputs: set[str]) -> None:
    """A module whose outputs are all unknown until apply, so they fit any input's type."""
    directory.mkdir()
    lines = ['resource "terraform_data" "unknown" {', "  input = timestamp()", "}"]
    lines += [f'output "{name}" {{\n  value = terraform_data.unknown.output\n}}' for name in sorted(outputs)]
    (directory / "main.tf").write_text("\n".join(lines) + "\n")


class Result(NamedTuple):
    snippets: list[Snippet]
    ok: bool
    output: str


def module_name(index: int) -> str:
    return f"snippet_{index:03d}"


def write_configuration(found: list[Snippet], directory: Path) -> None:
    """One root module calling each snippet as a module, with the provider the test mocks."""
    shutil.rmtree(directory, ignore_errors=True)
    (directory / "tests").mkdir(parents=True)
    root = ['provider "aws" {\n  region = "eu-west-1"\n}\n']
    for index, snippet in enumerate(found):
        module = directory / module_name(index)
        module.mkdir()
        text, stubs = configuration(snippet)
        (module / "main.tf").write_text(f"# {snippet.name}\n{text}")
        for stub, outputs in stubs.items():
            write_stub(module / f"stub_{stub}", outputs)
        root.append(f'module "{module_name(index)}" {{\n  source = "./{module_name(index)}"\n}}\n')
    (directory / "main.tf").write_text("\n".join(root))
    (directory / "tests" / "snippets.tftest.hcl").write_text(MOCKED_PLAN)
    (directory / "build").mkdir()
    shutil.copy(PACKAGE_FIXTURE, directory / "build" / "lambda.zip")  # "${path.root}/build/lambda.zip"


def check_all() -> Result:
    """Plan every snippet; the snippets named in Terraform's errors when the plan fails."""
    found = list(snippets())
    write_configuration(found, WORK_DIR)
    ok, output = tf.check(WORK_DIR)
    if ok:
        return Result(found, True, "")
    failing_step = output.rsplit("$ terraform ", 1)[-1]  # init names every module: read the step that failed
    named = [snippet for index, snippet in enumerate(found) if f"{module_name(index)}/main.tf" in failing_step]
    return Result(named or found, False, output)


def main() -> int:
    result = check_all()
    for snippet in result.snippets:
        print(f"{'ok' if result.ok else 'FAILED'}: {snippet.name}")
    if not result.ok:
        print(result.output)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
