"""Development tooling: packaging, Terraform wrappers, the local moto stack and the demo.

Nothing here enters the Lambda zip.
"""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = REPO_ROOT / "build"
LAMBDA_SRC = REPO_ROOT / "lambda_src"
PACKAGE_ZIP = BUILD_DIR / "lambda.zip"
TERRAFORM_DIR = REPO_ROOT / "terraform"
LOCAL_EXAMPLE_DIR = TERRAFORM_DIR / "examples" / "local"
OPENAPI_PATH = REPO_ROOT / "api" / "openapi.yaml"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` beside ``path`` and rename it over ``path``: sessions that run at the same
    time (``make test`` runs two at once) read the old file or the new one, never half of one."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
