"""Running Terraform the project's way: offline through a provider mirror when one exists.

Terraform's standard CLI configuration chooses where providers come from, and the standard
variable ``TF_CLI_CONFIG_FILE`` chooses that configuration. We set it for our Terraform runs:
- to your own file, when ``TF_CLI_CONFIG_FILE`` already names one that exists;
- else to ``build/terraform.rc``, written here, installing ``hashicorp/*`` providers from a
  filesystem mirror: ``TF_PROVIDER_MIRROR`` when set, otherwise the first of
  :data:`MIRROR_CANDIDATES` that holds providers (where machines without a network keep them);
- else we leave Terraform alone and it uses the registry.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from devtools import BUILD_DIR, TERRAFORM_DIR, write_atomically

MIRROR_ENV = "TF_PROVIDER_MIRROR"
MIRROR_CANDIDATES = (
    Path("/opt/tf-plugins"),
    Path("/usr/share/terraform/plugins"),
    Path.home() / ".terraform.d" / "plugins",
    Path.home() / ".local" / "share" / "terraform" / "plugins",
)
CLI_CONFIG_PATH = BUILD_DIR / "terraform.rc"

OVERRIDE_FILE_NAME = "local_endpoints_override.tf"
# The services our configuration touches; each is sent to a local endpoint.
LOCAL_SERVICES = (
    "apigateway",
    "cloudwatch",
    "cognitoidp",
    "events",
    "iam",
    "kms",
    "lambda",
    "logs",
    "s3",
    "sqs",
    "sts",
)


def copy_configuration(destination: Path) -> None:
    """A private copy of ``terraform/`` at ``destination`` to apply from: without working
    directories, state or override files (whoever applies writes its own)."""
    shutil.copytree(
        TERRAFORM_DIR, destination, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", "*_override.tf")
    )


def var_args(variables: Mapping[str, str]) -> list[str]:
    """``-var=name=value`` for each variable, for plan, apply and destroy."""
    return [f"-var={name}={value}" for name, value in variables.items()]


# What a production stack guards itself with against a stray destroy (the complete example's
# variables): Cognito refuses to delete a protected pool, and S3 a bucket that holds objects or
# versions. A teardown turns them off and applies that first, as an operator would.
DESTROY_GUARDS_OFF = {"user_pool_deletion_protection": "false", "force_destroy": "true"}


class TerraformMissing(RuntimeError):
    """Terraform is not on PATH."""


class TerraformFailed(RuntimeError):
    """A Terraform command exited non-zero; the message holds what it printed."""


def find_provider_mirror(environ: Mapping[str, str] = os.environ) -> Path | None:
    """The provider mirror to use, or ``None`` for the registry."""
    chosen = environ.get(MIRROR_ENV)
    if chosen:
        path = Path(chosen)
        if not path.is_dir():
            raise FileNotFoundError(f"{MIRROR_ENV}={chosen} is not a directory")
        return path
    for candidate in MIRROR_CANDIDATES:
        if (candidate / "registry.terraform.io").is_dir():
            return candidate
    return None


def cli_config_text(mirror: Path) -> str:
    """A CLI configuration that takes hashicorp providers from ``mirror`` and others from the registry."""
    return (
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {json.dumps(str(mirror))}\n"
        '    include = ["registry.terraform.io/hashicorp/*"]\n'
        "  }\n"
        "  direct {\n"
        '    exclude = ["registry.terraform.io/hashicorp/*"]\n'
        "  }\n"
        "}\n"
    )


def terraform_env(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The environment for a Terraform run (see the module docstring for the order of choice)."""
    env = {**environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    existing = environ.get("TF_CLI_CONFIG_FILE")
    if existing and Path(existing).is_file():
        return env
    mirror = find_provider_mirror(environ)
    if mirror is None:
        env.pop("TF_CLI_CONFIG_FILE", None)
        return env
    CLI_CONFIG_PATH.parent.mkdir(parents=True, exist_ok=True)
    text = cli_config_text(mirror)
    if not CLI_CONFIG_PATH.is_file() or CLI_CONFIG_PATH.read_text() != text:
        write_atomically(CLI_CONFIG_PATH, text.encode())  # two sessions may run Terraform at once
    env["TF_CLI_CONFIG_FILE"] = str(CLI_CONFIG_PATH)
    return env


def terraform_binary() -> str:
    """The terraform executable, or :class:`TerraformMissing` saying how to get it."""
    found = shutil.which("terraform")
    if found is None:
        raise TerraformMissing(
            "terraform is not installed: get 1.11 or newer from "
            "https://developer.hashicorp.com/terraform/install and put it on PATH"
        )
    return found


def run(
    directory: Path, args: Sequence[str], *, extra_env: Mapping[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``terraform <args>`` in ``directory``, with output captured."""
    env = terraform_env()
    env.update(extra_env or {})
    result = subprocess.run(
        [terraform_binary(), *args], cwd=directory, env=env, text=True, capture_output=True, check=False
    )
    if check and result.returncode != 0:
        raise TerraformFailed(
            f"terraform {args[0]} failed (exit {result.returncode}) in {directory}:\n{result.stdout}{result.stderr}"
        )
    return result


def destroy_guarded(directory: Path, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Apply with :data:`DESTROY_GUARDS_OFF`, then destroy; the destroy's result (never raises).

    The destroy runs even when lifting the guards failed (a half-applied stack), so whatever can
    go, goes; what it says then names what was left.
    """
    # No refresh: the state was just written by the apply, and a refresh of every resource twice
    # more is most of a teardown's time.
    unguarded = [*args, *var_args(DESTROY_GUARDS_OFF), "-refresh=false"]
    lifted = run(directory, ["apply", "-input=false", "-no-color", "-auto-approve", *unguarded], check=False)
    destroyed = run(directory, ["destroy", "-input=false", "-no-color", "-auto-approve", *unguarded], check=False)
    if lifted.returncode != 0:
        destroyed.stderr = f"lifting the destroy guards failed:\n{lifted.stderr}\n{destroyed.stderr}"
    return destroyed


def configurations() -> list[Path]:
    """Every Terraform configuration in the repo: the root composition, its modules and examples
    (examples/local holds the local stack's switches, not a configuration)."""
    candidates = [*sorted(TERRAFORM_DIR.glob("modules/*")), *sorted(TERRAFORM_DIR.glob("examples/*"))]
    return [TERRAFORM_DIR, *(path for path in candidates if any(path.glob("*.tf")))]


def check(directory: Path) -> tuple[bool, str]:
    """init, then test (which validates first) or, without tests, validate one configuration:
    whether it passed, and what Terraform printed."""
    steps = [["init", "-input=false", "-backend=false", "-no-color"]]
    # terraform test validates the whole configuration before its runs (unused resources too), so
    # a separate validate would only load the provider's schema a second time.
    steps.append(["test", "-no-color"] if (directory / "tests").is_dir() else ["validate", "-no-color"])
    output = []
    for step in steps:
        result = run(directory, step, check=False)
        output.append(f"$ terraform {' '.join(step)}\n{result.stdout}{result.stderr}")
        if result.returncode != 0:
            return False, "".join(output)
    return True, "".join(output)


def outputs(directory: Path) -> dict[str, Any]:
    """``terraform output -json`` as plain values."""
    raw = json.loads(run(directory, ["output", "-json"]).stdout)
    return {name: item["value"] for name, item in raw.items()}


def write_endpoint_override(directory: Path, endpoints: Mapping[str, str]) -> Path:
    """Point the configuration in ``directory`` at local endpoints (service -> URL), as tflocal does.

    Every service of :data:`LOCAL_SERVICES` needs an endpoint. The file overrides the example's own
    ``provider "aws"`` block, so that block stays the one a platform team applies; it is
    gitignored and lives only in the private copy the local stack applies.
    """
    missing = set(LOCAL_SERVICES) - set(endpoints)
    if missing:
        raise ValueError(f"no local endpoint for {', '.join(sorted(missing))}")
    lines = "\n".join(f"    {service} = {json.dumps(endpoints[service])}" for service in LOCAL_SERVICES)
    path = directory / OVERRIDE_FILE_NAME
    path.write_text(
        "# Written by devtools/terraform.py for a run against the local stack. Not committed.\n"
        'provider "aws" {\n'
        '  access_key                  = "test"\n'
        '  secret_key                  = "test"\n'
        "  skip_credentials_validation = true\n"
        "  skip_metadata_api_check     = true\n"
        "  skip_requesting_account_id  = true\n"
        "  s3_use_path_style           = true\n"
        "  endpoints {\n"
        f"{lines}\n"
        "  }\n"
        "}\n"
    )
    return path
