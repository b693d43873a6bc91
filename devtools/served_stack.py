"""The whole local stack, served: moto with the applied Terraform, the gateway, the uploader page.

Used by `make demo`, `make serve`, the integration tests and the browser tests, so all of them
exercise the same path a user does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devtools import BUILD_DIR, LOCAL_EXAMPLE_DIR, PACKAGE_ZIP
from devtools.gateway.from_stack import gateway_config
from devtools.gateway.server import RunningGateway, serve
from devtools.local_stack import LocalStack, local_stack
from devtools.ports import LOOPBACK, free_port
from devtools.static_site import static_site

UPLOADER_DIR = LOCAL_EXAMPLE_DIR / "uploader"
COORDINATES_PATH = BUILD_DIR / "local-stack.json"


@dataclass(frozen=True)
class ServedStack:
    """Everything a client of the local stack needs to know."""

    stack: LocalStack
    gateway: RunningGateway
    page_url: str

    @property
    def api_url(self) -> str:
        """The API's base URL, with its stage, as API Gateway's invoke URL has it."""
        return self.gateway.stage_url

    @property
    def key_prefix(self) -> str:
        """Where the deployed function puts uploads (its UPLOAD_KEY_PREFIX)."""
        return self.stack.function_environment(self.stack.outputs["function_name"])["UPLOAD_KEY_PREFIX"]

    def coordinates(self) -> dict[str, Any]:
        """What `make serve` writes to build/local-stack.json."""
        return {
            "api_url": self.api_url,
            "page_url": self.page_url,
            "aws_endpoint": self.stack.endpoint,
            "region": self.stack.region,
            "bucket": self.stack.outputs["bucket_name"],
        }


@contextmanager
def served_stack(
    *, package: Path = PACKAGE_ZIP, log: Callable[[str], None] = print, extra_origins: tuple[str, ...] = ()
) -> Iterator[ServedStack]:
    """Apply, serve the API and the page; tear everything down on exit.

    The page's port is chosen before the apply so its origin is in the Terraform variable
    ``allowed_origins``, which feeds both the bucket's CORS and the function's.
    """
    page_port = free_port()
    page_origin = f"http://{LOOPBACK}:{page_port}"
    origins = json.dumps([page_origin, *extra_origins])
    with ExitStack() as resources:
        stack = resources.enter_context(local_stack(package=package, variables={"allowed_origins": origins}, log=log))
        gateway = resources.enter_context(serve(gateway_config(stack, package)))
        config = json.dumps({"api_url": gateway.stage_url}).encode()
        page = resources.enter_context(static_site(UPLOADER_DIR, {"config.json": config}, port=page_port))
        log(f"gateway on {gateway.base_url}, uploader page on {page}")
        yield ServedStack(stack=stack, gateway=gateway, page_url=f"{page}/index.html")
