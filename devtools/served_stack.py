"""The whole local stack, served: the applied Terraform (moto, LocalStack's S3), the gateway, the page.

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
from devtools.cognito_users import User, create_user, sign_in
from devtools.gateway.from_stack import gateway_config
from devtools.gateway.server import RunningGateway, serve
from devtools.local_stack import LocalStack, local_stack
from devtools.node_packages import ADAPTER_DIR, UPPY_PAGE_BUILD
from devtools.ports import LOOPBACK, free_port
from devtools.static_site import static_site

UPLOADER_DIR = LOCAL_EXAMPLE_DIR / "uploader"
# The second page (Uppy 6 through the adapter), on the same origin under /uppy/: its bundle of
# Uppy (built by devtools.node_packages) and the adapter as it is, each under its own prefix.
UPPY_PAGE_DIR = LOCAL_EXAMPLE_DIR / "uppy-uploader"
UPPY_PAGE_MOUNTS = {"uppy/": UPPY_PAGE_DIR, "uppy/vendor/": UPPY_PAGE_BUILD, "uppy/adapter/": ADAPTER_DIR}
COORDINATES_PATH = BUILD_DIR / "local-stack.json"
DEMO_EMAIL = "demo@example.com"


@dataclass(frozen=True)
class ServedStack:
    """Everything a client of the local stack needs to know."""

    stack: LocalStack
    gateway: RunningGateway
    page_url: str
    demo_user: User | None = None

    @property
    def api_url(self) -> str:
        """The API's base URL, with its stage, as API Gateway's invoke URL has it."""
        return self.gateway.stage_url

    @property
    def uppy_page_url(self) -> str:
        """The Uppy 6 page, beside the first one (it reads the same config.json)."""
        return f"{self.page_url.rsplit('/', 1)[0]}/uppy/index.html"

    @property
    def client_id(self) -> str | None:
        """The app client whose ID tokens the API accepts (None without Cognito)."""
        clients = self.stack.outputs.get("user_pool_client_ids") or []
        return str(clients[0]) if clients else None

    def create_user(self, email: str) -> User:
        """Another user of the local pool."""
        return create_user(self.stack.client("cognito-idp"), self.stack.outputs["user_pool_id"], email)

    def id_token(self, user: User | None = None) -> str:
        """An ID token of ``user`` (the demo user by default)."""
        chosen = user or self.demo_user
        if chosen is None or self.client_id is None:
            raise RuntimeError("this stack has no Cognito user pool")
        return sign_in(self.stack.client("cognito-idp"), self.stack.outputs["user_pool_id"], self.client_id, chosen)

    def auth_headers(self, user: User | None = None) -> dict[str, str]:
        """The headers an API call needs: the ID token when the API has an authorizer."""
        return {"Authorization": self.id_token(user)} if self.demo_user is not None else {}

    def coordinates(self) -> dict[str, Any]:
        """What `make serve` writes to build/local-stack.json."""
        coordinates: dict[str, Any] = {
            "api_url": self.api_url,
            "page_url": self.page_url,
            "uppy_page_url": self.uppy_page_url,
            "aws_endpoint": self.stack.endpoint,
            "s3_endpoint": self.stack.s3.url,
            "s3_checks_signatures": self.stack.s3.checks_signatures,
            "region": self.stack.region,
            "bucket": self.stack.outputs["bucket_name"],
        }
        if self.demo_user is not None:
            coordinates |= {
                "user_pool_id": self.stack.outputs["user_pool_id"],
                "client_id": self.client_id,
                "demo_user": self.demo_user.email,
                "demo_password": self.demo_user.password,
            }
        return coordinates


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
        demo_user = None
        if stack.outputs.get("user_pool_id"):
            demo_user = create_user(stack.client("cognito-idp"), stack.outputs["user_pool_id"], DEMO_EMAIL)
            log(f"demo user {demo_user.email} created in user pool {stack.outputs['user_pool_id']}")
        served = ServedStack(stack=stack, gateway=gateway, page_url="", demo_user=demo_user)
        config = json.dumps(page_config(served)).encode()
        site = static_site(UPLOADER_DIR, {"config.json": config}, port=page_port, mounts=UPPY_PAGE_MOUNTS)
        page = resources.enter_context(site)
        log(f"gateway on {gateway.base_url}, uploader page on {page}")
        yield ServedStack(stack=stack, gateway=gateway, page_url=f"{page}/index.html", demo_user=demo_user)


def page_config(served: ServedStack) -> dict[str, Any]:
    """The uploader page's config.json: the API, and where its users sign in (Cognito's API)."""
    config: dict[str, Any] = {"api_url": served.api_url}
    if served.client_id is not None:
        # Locally moto answers Cognito's API; in AWS it is https://cognito-idp.<region>.amazonaws.com/.
        config["cognito"] = {"endpoint": served.stack.endpoint, "client_id": served.client_id}
    return config
