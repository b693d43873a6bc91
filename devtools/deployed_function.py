"""The function as deployed to the local stack: its code, handler and environment read back.

Before running anything it checks that the deployed ``CodeSha256`` is the built zip's, so what
runs locally is provably what Terraform uploaded.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from devtools import lambda_runner
from devtools.local_stack import LocalStack
from devtools.proxy_events import proxy_event


class CodeMismatch(RuntimeError):
    """The deployed code is not the zip we were asked to run."""


class DeployedFunction:
    """Invoke the deployed function's handler, from the zip, under its deployed environment."""

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
        self.code_dir = lambda_runner.extract(package, stack.workdir / ".function-code" / self.name)

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        """The handler's raw proxy response to ``event``."""
        return lambda_runner.invoke(self.code_dir, self.handler, self.environment, event)

    def request(
        self, method: str, resource: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], Any]:
        """Send a JSON request as API Gateway would; return status, headers and the parsed body."""
        encoded = None if body is None else json.dumps(body).encode()
        event = proxy_event(
            method,
            resource,
            headers={name: [value] for name, value in (headers or {}).items()},
            body=encoded,
        )
        response = self.invoke(event)
        return response["statusCode"], response.get("headers") or {}, json.loads(response["body"] or "null")
