"""`nox -s e2e-aws`: deploy the complete example to a real account, run the end-to-end checks,
destroy everything, even on a failure or Ctrl-C, and report what could not be destroyed.

It refuses to start without explicit AWS credentials and ``E2E_AWS_CONFIRM`` set to the ID of
the account the credentials reach: a run must name the account it will spend money in. Before it
applies, it checks the account (:func:`check_account`): the API Gateway CloudWatch role the
stage's logs need (examples/account-bootstrap registers it; e2e-aws never changes an
account-wide setting), and the Lambda concurrency quota. It applies the complete example with
its production defaults, signs in with SRP as an app does, and tears down the way an operator
would: deletion protection and keep-the-bucket lifted first, then destroy.
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
from botocore.exceptions import BotoCoreError, ClientError

from devtools import BUILD_DIR, PACKAGE_ZIP
from devtools import terraform as tf
from devtools.cognito_users import User, create_user, sign_in
from devtools.e2e import (
    CheckFailed,
    EventsQueue,
    Report,
    malware_scan_checks,
    post,
    run_checks,
    wait_until_expired,
)

CONFIRM_ENV = "E2E_AWS_CONFIRM"
# Opt-in features to deploy and check as well, comma-separated: events, malware_scan.
FEATURES_ENV = "E2E_AWS_FEATURES"
FEATURES = {
    "events": "enable_events",
    "malware_scan": "enable_malware_scan",
}
CREDENTIAL_ENVS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)
WHAT_IT_CREATES = """\
It will create, under the name {name} in {region} of account {account}:
  an S3 bucket (SSE-KMS, versioned) and a KMS key (scheduled for deletion at the end: 7 days),
  a Lambda function and its IAM role, an API Gateway REST API with a stage, access and execution
  logs, a Cognito user pool (deletion protection on) with an app client and one test user,
  CloudWatch log groups. It changes no account-wide setting.
With E2E_AWS_FEATURES=events: an SQS queue, its dead-letter queue and an EventBridge rule.
With E2E_AWS_FEATURES=malware_scan: a GuardDuty malware protection plan and its IAM role (the
  scans are billed per GB: a few KB here); it uploads the harmless EICAR test file.
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
    user_pool_id: str
    client_id: str
    user: User
    outputs: dict[str, Any]

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": sign_in(self.cognito, self.user_pool_id, self.client_id, self.user)}

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


def requested_features(environ: dict[str, str]) -> tuple[str, ...]:
    """The opt-in features named in :data:`FEATURES_ENV`, or :class:`RefusedToStart` for an unknown one."""
    named = tuple(name.strip() for name in environ.get(FEATURES_ENV, "").split(",") if name.strip())
    unknown = sorted(set(named) - set(FEATURES))
    if unknown:
        raise RefusedToStart(f"{FEATURES_ENV}: unknown feature {', '.join(unknown)} (known: {', '.join(FEATURES)})")
    return named


def check_region_supports(features: tuple[str, ...], guardduty: Any) -> list[str]:
    """What the region must offer for the features asked for; :class:`RefusedToStart` if it does not."""
    if "malware_scan" not in features:
        return []
    try:
        guardduty.list_malware_protection_plans()
    except (BotoCoreError, ClientError) as error:
        code = error.response.get("Error", {}).get("Code", "") if isinstance(error, ClientError) else ""
        if code.startswith("AccessDenied"):
            raise RefusedToStart(
                f"the credentials may not list GuardDuty malware protection plans ({error})"
            ) from error
        raise RefusedToStart(
            f"GuardDuty Malware Protection for S3 does not answer in this region ({error}): run without malware_scan"
        ) from error
    return ["GuardDuty Malware Protection for S3: available"]


def check_account(apigateway: Any, lambda_: Any) -> list[str]:
    """What the account has that the complete example needs, one line each; or
    :class:`RefusedToStart` saying what is missing and how to set it up."""
    try:
        role = apigateway.get_account().get("cloudwatchRoleArn")
        limit = lambda_.get_account_settings()["AccountLimit"]
    except ClientError as error:
        raise RefusedToStart(
            f"could not read the account's settings ({error}): the credentials need "
            "apigateway:GET on /account and lambda:GetAccountSettings"
        ) from error
    if not role:
        raise RefusedToStart(
            "API Gateway has no CloudWatch role in this account and region, so the stage's access and "
            "execution logs would be refused (CloudWatch Logs role ARN must be set in account settings). "
            "Apply terraform/examples/account-bootstrap once for this account and region "
            "(docs/first-deploy.md, step 1), then run e2e-aws again."
        )
    unreserved = limit.get("UnreservedConcurrentExecutions", limit["ConcurrentExecutions"])
    if unreserved < 1:
        raise RefusedToStart(f"Lambda has no unreserved concurrency left in this region ({limit})")
    return [
        f"API Gateway CloudWatch role: {role}",
        f"Lambda concurrency: {limit['ConcurrentExecutions']} in the account, {unreserved} unreserved "
        "(the example reserves none)",
    ]


def _stop_on_signals() -> None:
    """SIGTERM (a cancelled CI job) unwinds like Ctrl-C, so the destroy in ``finally`` runs."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def stack_variables(region: str, name: str, account: str, features: tuple[str, ...] = ()) -> dict[str, str]:
    """The complete example's variables for a run: production defaults, downloads on (the checks
    read files back), a short key deletion window, the features asked for. Nothing that only an
    emulator would need."""
    return {
        **{FEATURES[feature]: "true" for feature in features},
        "region": region,
        "name": name,
        "bucket_name": f"{name}-{account}",
        "package_path": str(PACKAGE_ZIP.resolve()),
        "allowed_origins": json.dumps(["https://e2e.invalid"]),
        "enable_downloads": "true",
        "kms_deletion_window_days": "7",
    }


@contextmanager
def deployed(region: str, account: str, features: tuple[str, ...] = (), say: Any = print) -> Iterator[AwsTarget]:
    """Apply the complete example under a unique name; always destroy it on the way out."""
    run_id = uuid.uuid4().hex[:8]
    name = f"presigned-e2e-{run_id}"
    workdir = BUILD_DIR / "e2e" / run_id / "terraform"
    tf.copy_configuration(workdir)
    example = workdir / "examples" / "complete"
    var_args = tf.var_args(stack_variables(region, name, account, features))
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
            api_url=outputs["api_url"],
            cognito=cognito,
            user_pool_id=outputs["user_pool_id"],
            client_id=outputs["user_pool_client_ids"][0],
            user=user,
            outputs=outputs,
        )
    finally:
        if applied_any:
            say("terraform destroy (deletion protection and keep-the-bucket lifted first)")
            destroyed = tf.destroy_guarded(example, var_args)
            left = tf.run(example, ["state", "list"], check=False).stdout.split()
            if destroyed.returncode != 0 or left:
                say(f"DESTROY INCOMPLETE (state kept in {example}): delete these by hand or re-run destroy there:")
                for address in left:
                    say(f"  {address}")
                say(destroyed.stderr[-2000:])
            else:
                say("everything this run created is destroyed")
                shutil.rmtree(workdir.parent, ignore_errors=True)


def run_feature_checks(target: AwsTarget, features: tuple[str, ...], region: str) -> None:
    """The end-to-end checks, and those of each opt-in feature deployed."""
    report = Report()
    events = None
    if "events" in features:
        events = EventsQueue(boto3.client("sqs", region_name=region), target.outputs["events_queue_url"])
    keys = run_checks(target, report, events=events)
    if "malware_scan" in features:
        plan_id = str(target.outputs["malware_protection_plan_arn"]).rsplit("/", 1)[-1]
        guardduty = boto3.client("guardduty", region_name=region)
        status = guardduty.get_malware_protection_plan(MalwareProtectionPlanId=plan_id)["Status"]
        if status != "ACTIVE":
            raise CheckFailed(f"the malware protection plan is {status}, not ACTIVE")
        report.passed("the malware protection plan is ACTIVE")
        malware_scan_checks(target, keys[0], report)


def main() -> int:
    try:
        account, region = check_preconditions(dict(os.environ))
        features = requested_features(dict(os.environ))
    except RefusedToStart as refused:
        print(refused.code, file=sys.stderr)
        return 2
    if not PACKAGE_ZIP.is_file():
        print(f"{PACKAGE_ZIP} is missing: run through `nox -s e2e-aws`, which builds it", file=sys.stderr)
        return 2
    try:
        for line in check_account(
            boto3.client("apigateway", region_name=region), boto3.client("lambda", region_name=region)
        ):
            print(line)
        for line in check_region_supports(features, boto3.client("guardduty", region_name=region)):
            print(line)
    except RefusedToStart as refused:
        print(refused.code, file=sys.stderr)
        return 2
    _stop_on_signals()
    try:
        with deployed(region, account, features) as target:
            print(f"API {target.api_url}")
            run_feature_checks(target, features, region)
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
