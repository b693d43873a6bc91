"""Completion events on the local stack: one upload, exactly one message on the queue, with what a consumer needs.

The path is S3 -> EventBridge (the bucket's notifications) -> the rule (Object Created under the
prefix) -> the input transformer -> SQS, all on LocalStack. With moto's S3 (the fallback on a
machine without Python 3.12+) no event flows: the test skips loudly there and fails in CI.
"""

from __future__ import annotations

import base64
import hashlib
import json

import jwt
import pytest
import requests

from devtools.local_stack import LocalStack
from devtools.upload_events import MESSAGE_FIELDS, messages_for_key, owner_prefix
from tests.stack_fixtures import require_capability

DATA = b"an upload whose completion is announced\n" * 50


@pytest.fixture(autouse=True)
def events_are_delivered(stack: LocalStack) -> None:
    require_capability(
        stack.s3.delivers_events,
        "completion events",
        f"the local stack's S3 is {stack.s3.name}, which delivers no bucket event to EventBridge",
    )


def test_the_rule_matches_object_created_under_the_prefix(stack: LocalStack) -> None:
    events = stack.client("events")
    rule = events.describe_rule(Name=stack.outputs["events_rule_arn"].rsplit("/", 1)[1])
    assert json.loads(rule["EventPattern"]) == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {
            "bucket": {"name": [stack.outputs["bucket_name"]]},
            "object": {"key": [{"prefix": stack.outputs["key_prefix"]}]},
        },
    }
    sqs = stack.client("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=stack.outputs["events_queue_url"], AttributeNames=["All"])
    attributes = attributes["Attributes"]
    policy = json.loads(attributes["Policy"])
    assert [statement["Condition"] for statement in policy["Statement"]] == [
        {"ArnEquals": {"aws:SourceArn": stack.outputs["events_rule_arn"]}}
    ]
    assert json.loads(attributes["RedrivePolicy"])["maxReceiveCount"] == 5


def test_an_upload_leaves_exactly_one_message_with_bucket_key_size_and_etag(
    stack: LocalStack, api_url: str, auth: dict[str, str]
) -> None:
    sha256 = base64.b64encode(hashlib.sha256(DATA).digest()).decode()
    response = requests.post(
        f"{api_url}/uploads",
        json={"content_type": "text/plain", "size": len(DATA), "sha256": sha256, "filename": "event.txt"},
        headers=auth,
        timeout=30,
    )
    assert response.status_code == 201, response.text
    upload = response.json()
    put = requests.put(upload["url"], data=DATA, headers=upload["headers"], timeout=30)
    assert put.status_code == 200, put.text

    messages = messages_for_key(stack.client("sqs"), stack.outputs["events_queue_url"], upload["key"])

    assert len(messages) == 1, messages
    (message,) = messages
    assert set(message) == set(MESSAGE_FIELDS)
    assert message["bucket"] == stack.outputs["bucket_name"]
    assert message["key"] == upload["key"]
    assert message["size"] == len(DATA)
    assert message["etag"] == put.headers["ETag"].strip('"') == hashlib.md5(DATA).hexdigest()  # noqa: S324 (S3's ETag)
    assert message["key_prefix"] == stack.outputs["key_prefix"]
    assert message["reason"] == "PutObject"
    # The uploader, from the message alone: the key's segment after the prefix is the caller's sub.
    caller = jwt.decode(auth["Authorization"], options={"verify_signature": False})["sub"]
    assert owner_prefix(message) == caller
