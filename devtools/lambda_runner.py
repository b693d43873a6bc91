"""Run the handler from the built zip, as Lambda would: its own process, its own environment.

The zip is extracted to a directory that becomes the only project code on ``sys.path``, so a test
exercises exactly what was deployed, not the working tree.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# Run with -I (isolated: no PYTHONPATH, no user site), so only the zip's code is importable
# besides the interpreter's own packages, as in the Lambda runtime.
_INVOKE = """
import importlib, json, sys
sys.path.insert(0, sys.argv[3])
module_name, function_name = sys.argv[1].rsplit(".", 1)
handler = getattr(importlib.import_module(module_name), function_name)
class Context:
    aws_request_id = sys.argv[2]
print(json.dumps(handler(json.load(sys.stdin), Context())))
"""


def extract(zip_path: Path, destination: Path) -> Path:
    """Unpack the deployment zip into ``destination`` (the function's code directory)."""
    destination.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(destination)
    return destination


def invoke(
    code_dir: Path,
    handler: str,
    environment: Mapping[str, str],
    event: Mapping[str, Any],
    request_id: str = "local-request",
) -> dict[str, Any]:
    """Invoke ``handler`` (``module.function``) from ``code_dir`` with ``event``; return its answer."""
    completed = subprocess.run(
        [sys.executable, "-I", "-c", _INVOKE, handler, request_id, str(code_dir)],
        input=json.dumps(event),
        env=dict(environment),
        cwd=code_dir,
        text=True,
        capture_output=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the function failed (exit {completed.returncode}):\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result
