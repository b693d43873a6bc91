"""Development tooling: packaging, Terraform wrappers, the local moto stack and the demo.

Nothing here enters the Lambda zip.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = REPO_ROOT / "build"
LAMBDA_SRC = REPO_ROOT / "lambda_src"
PACKAGE_ZIP = BUILD_DIR / "lambda.zip"
TERRAFORM_DIR = REPO_ROOT / "terraform"
LOCAL_EXAMPLE_DIR = TERRAFORM_DIR / "examples" / "local"
OPENAPI_PATH = REPO_ROOT / "api" / "openapi.yaml"
