"""`nox -s e2e-aws`: deploy the complete example to a real account, run the end-to-end checks,
destroy everything, even on a failure or Ctrl-C, and report what could not be destroyed.

It refuses to start without explicit AWS credentials and ``E2E_AWS_CONFIRM`` set to the ID of
the account the credentials reach: a run must name the account it will spend money in.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

import boto3

from devtools import BUILD_DIR, PACKAGE_ZIP
from devtools import terraform as tf
from devtools.cognito_users import User, create_user, sign_in
from devtools.e2e import CheckFailed, Report, post, run_checks, wait_until_expired

CONFIRM_ENV = "E2E_AWS_CONFIRM"
CREDENTIAL_ENVS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)
WHAT_IT_CREATES = """\
It will create, under the name {name} in {region} of account {account}:
  an S3 bucket (SSE-KMS, versioned) and a KMS key (scheduled for deletion at the end: 7 days),
  a Lambda function and its IAM role, an API Gateway REST API with a stage and access logs,
  a Cognito user pool with an app client and one test user, CloudWatch log groups.
It uploads about 11 MiB and deletes everything it made at the end, even after a failure.
What it costs: a few US cents (requests, a few seconds of Lambda, the KMS key for the hour;
a key pending deletion is not billed)."""


class RefusedToStart(SystemExit):
    """A precondition of spending money in an account does not hold."""


@dataclass
class AwsTarget:
    """The complete example as deployed for this run."""

    api_url: str
    cognito: Any
    client_id: str
    user: User

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": sign_in(self.cognito, self.client_id, self.user)}

    def expired_upload(self, request: dict[str, Any]) -> dict[str, Any]:
        return wait_until_expired(post(self, "/uploads", request))


def check_preconditions(environ: dict[str, str]) -> tuple[str, str]:
    """The account and region to use, or :class:`RefusedToStart` saying what is missing."""
    if not any(environ.get(name) for name in CREDENTIAL_ENVS):
        raise RefusedToStart(
            "e2e-aws needs explicit AWS credentials (one of "
            + ", ".join(CREDENTIAL_ENVS)
            + "); it never falls back to whatever the machine has"
        )
    region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise RefusedToStart("e2e-aws needs AWS_REGION")
    account = boto3.client("sts", region_name=region).get_caller_identity()["Account"]
    if environ.get(CONFIRM_ENV) != account:
        raise RefusedToStart(
            f"these credentials reach account {account}. To deploy there and destroy afterwards, "
            f"set {CONFIRM_ENV}={account}\n\n"
            + WHAT_IT_CREATES.format(name="presigned-e2e-…", region=region, account=account)
        )
    return account, region


def _stop_on_signals() -> None:
    """SIGTERM (a cancelled CI job) unwinds like Ctrl-C, so the destroy in ``finally`` runs."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


@contextmanager
def deployed(region: str, account: str, say: Any = print) -> Iterator[AwsTarget]:
    """Apply the complete example under a unique name; always destroy it on the way out."""
    run_id = uuid.uuid4().hex[:8]
    name = f"presigned-e2e-{run_id}"
    workdir = BUILD_DIR / "e2e" / run_id / "terraform"
    tf.copy_configuration(workdir)
    example = workdir / "examples" / "complete"
    variables = {
        "region": region,
        "name": name,
        "bucket_name": f"{name}-{account}",
        "package_path": str(PACKAGE_ZIP.resolve()),
        "allowed_origins": json.dumps(["https://e2e.invalid"]),
        "enable_downloads": "true",
        "create_api_gateway_account_role": "false",
        "kms_deletion_window_days": "7",
    }
    var_args = tf.var_args(variables)
    say(WHAT_IT_CREATES.format(name=name, region=region, account=account))
    applied_any = False
    try:
        tf.run(example, ["init", "-input=false", "-no-color"])
        applied_any = True  # a failed apply can still leave resources behind
        say("terraform apply (a few minutes)")
        tf.run(example, ["apply", "-input=false", "-no-color", "-auto-approve", *var_args])
        outputs = tf.outputs(example)
        cognito = boto3.client("cognito-idp", region_name=region)
        user = create_user(cognito, outputs["user_pool_id"], f"e2e-{run_id}@example.com")
        yield AwsTarget(
            api_url=outputs["api_url"], cognito=cognito, client_id=outputs["user_pool_client_ids"][0], user=user
        )
    finally:
        if applied_any:
            say("terraform destroy")
            destroyed = tf.run(
                example, ["destroy", "-input=false", "-no-color", "-auto-approve", *var_args], check=False
            )
            left = tf.run(example, ["state", "list"], check=False).stdout.split()
            if destroyed.returncode != 0 or left:
                say(f"DESTROY INCOMPLETE (state kept in {example}): delete these by hand or re-run destroy there:")
                for address in left:
                    say(f"  {address}")
                say(destroyed.stderr[-2000:])
            else:
                say("everything this run created is destroyed")
                shutil.rmtree(workdir.parent, ignore_errors=True)


def main() -> int:
    try:
        account, region = check_preconditions(dict(os.environ))
    except RefusedToStart as refused:
        print(refused.code, file=sys.stderr)
        return 2
    if not PACKAGE_ZIP.is_file():
        print(f"{PACKAGE_ZIP} is missing: run through `nox -s e2e-aws`, which builds it", file=sys.stderr)
        return 2
    _stop_on_signals()
    try:
        with deployed(region, account) as target:
            print(f"API {target.api_url}")
            run_checks(target, Report())
    except CheckFailed as failed:
        print(f"FAILED: {failed}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: the stack was destroyed (see above)", file=sys.stderr)
        return 130
    print("e2e-aws passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
