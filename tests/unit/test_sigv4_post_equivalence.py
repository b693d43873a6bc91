"""Form uploads: the hand-written POST policy signer makes byte-for-byte botocore's presigned POST.

For any key, bucket name config validation accepts, region of every partition, endpoint, moment,
expiry, credentials with and without a session token, content type, maximum size, digest and
success answer (status or redirect): ``SigV4UploadSigner.sign_post`` (upload_api.sigv4) returns the
URL and the very fields, in the same order, that the reference ``Boto3UploadSigner.sign_post``
(botocore's ``generate_presigned_post`` on the client of upload_api.s3, given the same fields and
conditions) returns, with botocore's clock pinned (both the policy's expiration and the signer's
x-amz-date read it). So the policy document is the same bytes, and so is its signature. 300
examples (HYPOTHESIS_PROFILE=deep: 50 000). The signature is also checked independently: it is the
HMAC of the base64 policy under the key botocore's ``S3SigV4PostAuth`` derives.
"""

from __future__ import annotations

import base64
import calendar
import json
from unittest import mock

import botocore.auth
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_sigv4_equivalence import (
    ENDPOINTS,
    REGIONS,
    both,
    buckets,
    content_types,
    credentials,
    digests,
    expiries,
    keys,
    moments,
)
from upload_api import sigv4
from upload_api.signer import PostConstraints

EXAMPLES = 300 if settings().max_examples <= 2_000 else settings().max_examples


redirects = st.one_of(
    st.none(),
    st.sampled_from(["https://app.example.com/done", "http://127.0.0.1:8080/index.html?from=form&x=%20"]),
)
post_constraints = st.builds(
    PostConstraints,
    content_type=content_types,
    max_size=st.integers(1, 5 * 1024**3),
    sha256_base64=st.one_of(st.none(), digests),
    success_redirect=redirects,
)


@settings(max_examples=EXAMPLES)
@given(
    key=keys,
    constraints=post_constraints,
    bucket=buckets,
    region=st.sampled_from(REGIONS),
    endpoint=st.sampled_from(ENDPOINTS),
    now=moments,
    expiry=expiries,
    creds=credentials,
)
def test_presigned_posts_equal_botocore_s(
    key: str,
    constraints: PostConstraints,
    bucket: str,
    region: str,
    endpoint: str | None,
    now: int,
    expiry: int,
    creds: sigv4.Credentials,
) -> None:
    ours, theirs = both(bucket, region, endpoint, now, expiry, creds, lambda signer: signer.sign_post(key, constraints))
    assert ours.url == theirs.url
    assert list(ours.fields.items()) == list(theirs.fields.items())  # same fields, values and order
    assert ours.expires_at == now + expiry
    # Independently of botocore's fields: the signature is botocore's SigV4 POST signature of our policy.
    request = mock.Mock(context={"timestamp": sigv4.amz_date(now)})
    post_auth = botocore.auth.S3SigV4PostAuth(
        botocore.credentials.Credentials(creds.access_key, creds.secret_key, creds.token), "s3", region
    )
    assert ours.fields["x-amz-signature"] == post_auth.signature(ours.fields["policy"], request)


def test_the_policy_pins_what_the_form_must_send() -> None:
    """Read as documentation: the decoded policy of one form."""
    creds = sigv4.Credentials("AKIDEXAMPLE", "secret", "the-token")
    now = calendar.timegm((2030, 1, 2, 3, 4, 5))
    constraints = PostConstraints("image/png", 1000, "A" * 43 + "=", "https://app.example.com/done")
    ours, theirs = both(
        "b-1", "eu-west-3", None, now, 300, creds, lambda signer: signer.sign_post("uploads/k.png", constraints)
    )
    assert list(ours.fields.items()) == list(theirs.fields.items())
    assert ours.url == "https://b-1.s3.eu-west-3.amazonaws.com/"
    policy = json.loads(base64.b64decode(ours.fields["policy"]))
    assert policy == {
        "expiration": "2030-01-02T03:09:05Z",
        "conditions": [
            {"Content-Type": "image/png"},
            {"success_action_redirect": "https://app.example.com/done"},
            {"x-amz-checksum-algorithm": "SHA256"},
            {"x-amz-checksum-sha256": "A" * 43 + "="},
            ["content-length-range", 1, 1000],
            {"bucket": "b-1"},
            {"key": "uploads/k.png"},
            {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
            {"x-amz-credential": "AKIDEXAMPLE/20300102/eu-west-3/s3/aws4_request"},
            {"x-amz-date": "20300102T030405Z"},
            {"x-amz-security-token": "the-token"},
        ],
    }
    # Every field but the policy and its signature has a condition (S3 refuses unlisted fields).
    pinned = {name for condition in policy["conditions"] if isinstance(condition, dict) for name in condition}
    assert set(ours.fields) - {"policy", "x-amz-signature"} <= pinned
