"""Completion events: the messages S3 -> EventBridge -> SQS leaves per upload.

With ``enable_events`` the stack routes each object created under the upload prefix to a
queue, through an input transformer that keeps what a consumer needs: bucket, key, size, ETag (and
the event's id, time, reason and the key prefix). On LocalStack (S3, EventBridge and SQS in one
process) a message arrives within a second or two of the PUT.
"""

from __future__ import annotations

import json
import time
from typing import Any

MESSAGE_FIELDS = ("event_id", "time", "bucket", "key", "size", "etag", "reason", "key_prefix")


def owner_prefix(message: dict[str, Any]) -> str | None:
    """The uploader's segment of the key (``<key_prefix><sub>/<uuid><ext>``), or ``None`` without one.

    EventBridge's input transformer cannot split a string, so the consumer does this step; it
    needs nothing but the message.
    """
    rest = str(message["key"]).removeprefix(str(message["key_prefix"]))
    owner, slash, _ = rest.partition("/")
    return owner if slash else None


def messages_for_keys(
    sqs: Any, queue_url: str, keys: list[str], *, timeout: float = 20.0, settle: float = 3.0
) -> dict[str, list[dict[str, Any]]]:
    """Every message on the events queue about each of ``keys``, received and deleted; bounded by
    ``timeout``.

    Once each key has one, the queue is read for ``settle`` more seconds, so a duplicate would be
    seen too. A message about another key is handed back at once (its visibility set to zero), so
    its own reader gets it without waiting out the queue's visibility timeout.
    """
    found: dict[str, list[dict[str, Any]]] = {key: [] for key in keys}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for message in answer.get("Messages", []):
            body = json.loads(message["Body"])
            if body.get("key") in found:
                found[body["key"]].append(body)
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            else:
                sqs.change_message_visibility(
                    QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
        if all(found.values()):
            deadline = min(deadline, time.monotonic() + settle)
    return found


def messages_for_key(
    sqs: Any, queue_url: str, key: str, *, timeout: float = 20.0, settle: float = 3.0
) -> list[dict[str, Any]]:
    """Every message on the events queue about ``key`` (see :func:`messages_for_keys`)."""
    return messages_for_keys(sqs, queue_url, [key], timeout=timeout, settle=settle)[key]
