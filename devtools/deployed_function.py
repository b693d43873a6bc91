"""The function as deployed to the local stack: its code, handler and environment read back.

Before running anything it checks that the deployed ``CodeSha256`` is the built zip's, so what
runs locally is provably what Terraform uploaded.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

from devtools.local_stack import LocalStack


class CodeMismatch(RuntimeError):
    """The deployed code is not the zip we were asked to run."""


class DeployedFunction:
    """The deployed function's handler, code (from the zip), environment and timeout."""

    def __init__(self, stack: LocalStack, package: Path, name: str | None = None) -> None:
        configuration = stack.client("lambda").get_function_configuration(
            FunctionName=name or stack.outputs["function_name"]
        )
        package_sha = base64.b64encode(hashlib.sha256(package.read_bytes()).digest()).decode()
        if configuration["CodeSha256"] != package_sha:
            raise CodeMismatch(f"deployed CodeSha256 {configuration['CodeSha256']} is not {package}'s {package_sha}")
        self.name: str = configuration["FunctionName"]
        self.handler: str = configuration["Handler"]
        self.timeout: int = configuration["Timeout"]
        self.code_sha256: str = configuration["CodeSha256"]
        self.environment = stack.function_environment(self.name)
        # Lambda unpacks the zip into its code directory; so do we, to run exactly what was deployed.
        self.code_dir = stack.workdir / ".function-code" / self.name
        self.code_dir.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(package) as archive:
            archive.extractall(self.code_dir)
