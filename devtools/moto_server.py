"""A moto server on loopback, in its own process, stopped with the context that started it.

It enforces the rules of :mod:`devtools.aws_rules` that moto alone skips.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devtools import REPO_ROOT
from devtools.ports import LOOPBACK, free_port, wait_for_http


@contextmanager
def moto_server(log_path: Path | None = None) -> Iterator[str]:
    """Start moto's server, with AWS's rules, on a free 127.0.0.1 port and yield its endpoint URL."""
    port = free_port()
    endpoint = f"http://{LOOPBACK}:{port}"
    log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.aws_rules", "-H", LOOPBACK, "-p", str(port)],
        cwd=REPO_ROOT,
        # AWS's managed policies exist in every account; the account bootstrap attaches one.
        env={**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"},
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own session: a Ctrl-C in the terminal reaches only us, and we stop the server
        # after `terraform destroy` has used it.
        start_new_session=True,
    )
    try:
        wait_for_http(f"{endpoint}/moto-api/")
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_path:
            log.close()  # type: ignore[union-attr]
