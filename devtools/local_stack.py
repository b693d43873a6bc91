"""The deployed stack on loopback: the complete example applied to moto and LocalStack.

It is the configuration platform teams apply, deployed the way docs/first-deploy.md says: the
account bootstrap first (the API Gateway CloudWatch role the stage's logs need), then
``terraform/examples/complete`` with the switches of ``examples/local/local.tfvars``, and at the
end a teardown that lifts the stack's destroy guards before destroying it. Only endpoints and
credentials differ from AWS.

moto answers the control plane (IAM, Lambda, API Gateway, Cognito, logs), with the rules of
:mod:`devtools.aws_rules` that AWS enforces and moto alone skips; S3 is LocalStack's, which checks
signatures, expiry and signed headers as real S3 does, and so are KMS (the bucket's key), and
EventBridge and SQS, which carry the bucket's completion events (see :mod:`devtools.s3_emulator`).

Terraform runs in a private copy of ``terraform/`` under ``build/stacks/``, so concurrent runs
(a demo beside a test session) never share state or override files, and the repository's own
tree is never written to. Leaving the context destroys everything and stops the server, even
after a failure.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from devtools import BUILD_DIR, PACKAGE_ZIP
from devtools import terraform as tf
from devtools.moto_server import moto_server
from devtools.s3_emulator import S3Endpoint, s3_emulator

LOCAL_REGION = "us-east-1"
# What the local stack changes of the complete example, each switch with its reason.
LOCAL_SWITCHES = Path("..") / "local" / "local.tfvars"
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}


@dataclass(frozen=True)
class LocalStack:
    """Where the local deployment lives and what Terraform said about it."""

    endpoint: str
    s3: S3Endpoint
    region: str
    workdir: Path
    outputs: Mapping[str, Any]
    var_args: tuple[str, ...]

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` on the local stack (S3, EventBridge, SQS on LocalStack; the rest on moto)."""
        return boto3.client(  # type: ignore[call-overload]  # any service name, typed per call site
            service,
            endpoint_url=self.s3.url if service in self.s3.services else self.endpoint,
            region_name=self.region,
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def function_environment(self, name: str) -> dict[str, str]:
        """The process environment the deployed function ``name`` would run with, on the local stack."""
        configuration = self.client("lambda").get_function_configuration(FunctionName=name)
        variables: dict[str, str] = configuration.get("Environment", {}).get("Variables", {})
        return {
            **variables,
            **LOCAL_CREDENTIALS,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT_URL_S3": self.s3.url,
            "AWS_LAMBDA_FUNCTION_NAME": name,
        }

    def plan_changes(self) -> dict[str, set[str]]:
        """What ``terraform plan`` would change now: resource address -> changed top-level attributes.

        Empty means the plan is clean (what ``plan -detailed-exitcode`` reports as 0).
        """
        plan_file = self.workdir / "check.tfplan"
        tf.run(self.workdir, ["plan", "-input=false", "-no-color", f"-out={plan_file}", *self.var_args])
        plan = json.loads(tf.run(self.workdir, ["show", "-json", str(plan_file)]).stdout)
        changes: dict[str, set[str]] = {}
        for resource in plan.get("resource_changes", []):
            change = resource["change"]
            if change["actions"] in (["no-op"], ["read"]):
                continue
            before, after = change.get("before") or {}, change.get("after") or {}
            unknown = change.get("after_unknown") or {}
            changes[resource["address"]] = {
                name for name in set(before) | set(after) | set(unknown) if before.get(name) != after.get(name)
            }
        return changes


def local_endpoints(moto_endpoint: str, s3: S3Endpoint) -> dict[str, str]:
    """Each service of :data:`devtools.terraform.LOCAL_SERVICES` -> its URL: the S3 emulator's own, moto the rest."""
    return dict.fromkeys(tf.LOCAL_SERVICES, moto_endpoint) | dict.fromkeys(s3.services, s3.url)


def apply_account_bootstrap(terraform_copy: Path, endpoints: Mapping[str, str], region: str) -> None:
    """Once per account and region, as on AWS: the CloudWatch role API Gateway logs with.

    It is never destroyed (its role has prevent_destroy); the emulators go with the run.
    """
    bootstrap = terraform_copy / "examples" / "account-bootstrap"
    tf.write_endpoint_override(bootstrap, endpoints)
    tf.run(bootstrap, ["init", "-input=false", "-no-color"])
    tf.run(bootstrap, ["apply", "-input=false", "-no-color", "-auto-approve", *tf.var_args({"region": region})])


@contextmanager
def local_stack(
    *, package: Path = PACKAGE_ZIP, variables: Mapping[str, str] | None = None, log: Any = print
) -> Iterator[LocalStack]:
    """Start moto and LocalStack, apply the bootstrap and the complete example, yield the stack;
    lift the destroy guards, destroy and stop on exit."""
    if not package.is_file():
        raise FileNotFoundError(f"{package} does not exist: build it first with `nox -s package`")
    run_dir = BUILD_DIR / "stacks" / uuid.uuid4().hex[:12]
    tf.copy_configuration(run_dir / "terraform")
    workdir = run_dir / "terraform" / "examples" / "complete"
    all_variables = {"package_path": str(package.resolve()), "region": LOCAL_REGION, **(variables or {})}
    var_args = (f"-var-file={LOCAL_SWITCHES}", *tf.var_args(all_variables))
    try:
        with (
            moto_server(log_path=run_dir / "moto.log") as endpoint,
            s3_emulator(endpoint, run_dir, log=log) as s3,
        ):
            endpoints = local_endpoints(endpoint, s3)
            log(f"moto server on {endpoint}; the account bootstrap, then terraform init in {workdir}")
            apply_account_bootstrap(run_dir / "terraform", endpoints, LOCAL_REGION)
            tf.write_endpoint_override(workdir, endpoints)
            tf.run(workdir, ["init", "-input=false", "-no-color"])
            applied = False
            try:
                log("terraform apply (about a minute: the bucket lifecycle rule is polled)")
                tf.run(workdir, ["apply", "-input=false", "-no-color", "-auto-approve", *var_args])
                applied = True
                yield LocalStack(
                    endpoint=endpoint,
                    s3=s3,
                    region=LOCAL_REGION,
                    workdir=workdir,
                    outputs=tf.outputs(workdir),
                    var_args=var_args,
                )
            finally:
                log("terraform destroy (after lifting deletion protection and keep-the-bucket, as on AWS)")
                destroyed = tf.destroy_guarded(workdir, var_args)
                if destroyed.returncode != 0:
                    log(f"terraform destroy failed:\n{destroyed.stderr}")
                    if applied:
                        raise tf.TerraformFailed(f"terraform destroy failed in {workdir}:\n{destroyed.stderr}")
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
