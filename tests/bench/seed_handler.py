"""The seed's handler (the blog post the project started from), as a benchmark baseline.

As written there, but with the client built at import (the post builds it in the handler) and
without its ``put_object`` placeholder (a network call the benchmark could not make; it would
only make the seed slower). Bucket and region are literals, as in the post.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
from botocore.client import Config

PUT_BUCKET = "bench-bucket"
BORROW_TIME = 300
s3 = boto3.client("s3", region_name="eu-west-1", config=Config(signature_version="s3v4"))


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    """Sign a PUT of ``put_folder/<uuid4>`` and answer ``{"PUT_URL", "UUID"}``."""
    upload_id = str(uuid.uuid4())
    put_key = "put_folder/" + upload_id
    put_url = s3.generate_presigned_url(
        ClientMethod="put_object",
        Params={"Bucket": PUT_BUCKET, "Key": put_key},
        ExpiresIn=BORROW_TIME,
        HttpMethod="PUT",
    )
    return {
        "statusCode": 200,
        "isBase64Encoded": False,
        "body": json.dumps({"PUT_URL": put_url, "UUID": upload_id}),
    }
