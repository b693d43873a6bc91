"""The Lambda runtimes' Pythons on this machine: for the unit tests on each runtime and for
compiling the bytecode the zip ships.

uv neither finds pyenv's interpreters nor may download one here, so the sessions and the packaging
find them themselves: pyenv's first (``$PYENV_ROOT``, else ``~/.pyenv``), then (for the pinned
compilers) uv's managed Pythons (``uv python install 3.13.0``, as GitHub's workflows do), then
``pythonX.Y`` on PATH.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

# The Lambda runtimes terraform/modules/function and the root module accept today: the oldest
# their validation allows and the default. The unit tests run on both; the zip carries bytecode
# for both.
LAMBDA_PYTHONS = ("3.12", "3.13")
# The exact CPython releases that compile the zip's bytecode. A .pyc loads on every patch release
# of its minor version (one magic number per minor), but its bytes may differ between compilers:
# one pinned compiler per runtime keeps build/lambda.zip byte-identical on every machine.
BYTECODE_COMPILERS = {"3.12": "3.12.1", "3.13": "3.13.0"}


class MissingInterpreter(RuntimeError):
    """A pinned bytecode compiler is not on this machine."""


def pyenv_root() -> Path:
    return Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")


def uv_pythons() -> Path:
    """Where ``uv python install`` puts interpreters (``uv python dir``)."""
    if os.environ.get("UV_PYTHON_INSTALL_DIR"):
        return Path(os.environ["UV_PYTHON_INSTALL_DIR"])
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data / "uv" / "python"


def runtime_python(version: str) -> str:
    """The full path of a Python ``version`` interpreter (pyenv's newest, else one on PATH).

    When there is none, the bare ``python<version>`` makes nox fail with "interpreter not found".
    """
    found = sorted(
        pyenv_root().glob(f"versions/{version}.*/bin/python{version}"),
        key=lambda path: [int(part) if part.isdigit() else -1 for part in path.parts[-3].split(".")],
    )
    if found:
        return str(found[-1])
    return shutil.which(f"python{version}") or f"python{version}"


def _release(python: str) -> str:
    """``3.13.0`` for a CPython 3.13.0; something else for any other interpreter."""
    report = "import sys; print(sys.implementation.name, '%d.%d.%d%s' % (*sys.version_info[:3], sys.version_info[3]))"
    try:
        result = subprocess.run([python, "-S", "-c", report], capture_output=True, text=True, timeout=30, env={})
    except OSError:
        return ""
    implementation, _, release = result.stdout.strip().partition(" ")
    return release.removesuffix("final") if implementation == "cpython" else f"{implementation} {release}"


@functools.cache
def bytecode_compiler(runtime: str) -> str:
    """The path of the pinned CPython (:data:`BYTECODE_COMPILERS`) that compiles ``runtime``'s bytecode.

    Raises :class:`MissingInterpreter`, naming the interpreter and how to get it, when neither
    pyenv nor PATH has that exact release.
    """
    release = BYTECODE_COMPILERS[runtime]
    candidates = [str(pyenv_root() / "versions" / release / "bin" / f"python{runtime}")]
    candidates += sorted(str(path) for path in uv_pythons().glob(f"cpython-{release}-*/bin/python{runtime}"))
    on_path = shutil.which(f"python{runtime}")
    if on_path:
        candidates.append(on_path)
    seen = []
    for candidate in candidates:
        found = _release(candidate)
        if found == release:
            return candidate
        if found:
            seen.append(f"{candidate} is {found}")
    elsewhere = f" ({'; '.join(seen)})" if seen else ""
    raise MissingInterpreter(
        f"CPython {release} is missing{elsewhere}: build/lambda.zip carries python{runtime} bytecode compiled by "
        f"exactly that release, so the zip is byte-identical on every machine (devtools/pythons.py, "
        f"BYTECODE_COMPILERS). Install it with `uv python install {release}` or `pyenv install {release}`."
    )
