"""Expired URLs come from the deployed function run with its clock set back (devtools/past_clock.py)."""

from __future__ import annotations

import requests

from devtools.past_clock import answer_in_the_past
from tests.conformance.s3_answers import s3_error

__all__ = ["answer_in_the_past", "assert_expired"]


def assert_expired(response: requests.Response) -> None:
    """S3 refused the request because its URL expired (not for any other reason)."""
    assert s3_error(response) == (403, "AccessDenied")
    assert "Request has expired" in response.text, response.text
