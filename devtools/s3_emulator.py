"""The S3 under the local stack: LocalStack's S3 provider, which checks what we sign.

moto serves the control plane (IAM, Lambda, API Gateway, Cognito, logs) but checks no signature,
expiry, signed header or checksum: a test that only sees moto store bytes proves nothing about a
URL. LocalStack's S3 does check them, as real S3 does, and runs on the host from PyPI with no
Docker. It needs Python 3.12 or newer, so it lives in an environment of its own
(:data:`RUNTIME_DIR`, built from ``requirements/localstack.txt`` by :func:`prepare_runtime`).

LocalStack also serves EventBridge and SQS (:data:`LOCALSTACK_SERVICES`): S3 delivers a bucket's
events to EventBridge inside the one process, and a rule delivers them to a queue, so the
completion events (``enable_events``) flow end to end. moto, in another process, cannot receive
LocalStack's S3 events.

Where no Python 3.12+ exists (a laptop), :func:`s3_emulator` falls back to moto's S3 and says
loudly that signatures are not checked and that no completion event is delivered; in CI (``CI``
set) it refuses to.

LocalStack listens on every interface whatever host it is given, so it is stopped by its pid
(with its whole process group) when the context ends.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devtools import REPO_ROOT
from devtools.ports import LOOPBACK, free_port, wait_for_http

MIN_PYTHON = (3, 12)
PYTHON_ENV = "S3_EMULATOR_PYTHON"  # an interpreter of 3.12+ to build the runtime with
LOCK_FILE = REPO_ROOT / "requirements" / "localstack.txt"
RUNTIME_DIR = REPO_ROOT / ".nox" / "s3-emulator"
RUNTIME_PYTHON = RUNTIME_DIR / "bin" / "python"
_RUNTIME_STAMP = RUNTIME_DIR / ".installed-from"

# What LocalStack serves: S3, the KMS its objects are encrypted with (the complete example's key
# must live where S3 can use it), and the services S3's events travel through (EventBridge, SQS).
LOCALSTACK_SERVICES = ("s3", "kms", "events", "sqs")

# What LocalStack needs to run on a host with no network, writing only under its state folder.
_LOCALSTACK_SETTINGS = {
    "SERVICES": ",".join(LOCALSTACK_SERVICES),
    "S3_SKIP_SIGNATURE_VALIDATION": "0",  # the point of it all
    "EAGER_SERVICE_LOADING": "1",  # S3 ready when health answers, not on the first request
    "OVERRIDE_IN_DOCKER": "0",  # host paths (under FILESYSTEM_ROOT), even inside a container
    "DNS_ADDRESS": "0",  # no DNS server of its own
    "SKIP_SSL_CERT_DOWNLOAD": "1",
    "DISABLE_EVENTS": "1",  # no analytics (nothing to do with EventBridge)
    # Queue URLs on the loopback endpoint, shaped as the provider parses them: http://127.0.0.1:<port>/<account>/<name>
    "SQS_ENDPOINT_STRATEGY": "off",
    "SQS_DISABLE_CLOUDWATCH_METRICS": "1",  # CloudWatch is moto's, not LocalStack's
}


# LocalStack keeps S3's object bodies under /tmp/localstack-s3-storage/<bucket>/, a path it lets
# no setting change: every LocalStack on the machine shares it, and one that deletes its bucket
# removes that directory from under another one with a bucket of the same name (two local stacks
# at once, as on a shared development machine: 500 on every later PUT over 512 KiB). Each gets
# its own, under its state folder, set before LocalStack builds its S3 provider.
_LAUNCH = (
    "import runpy, sys\n"
    "import localstack.services.s3.provider as provider\n"
    "provider.DEFAULT_S3_TMP_DIR = sys.argv.pop(1)\n"
    "runpy.run_module('localstack.runtime.main', run_name='__main__', alter_sys=True)\n"
)


class NoSignatureCheckingS3(RuntimeError):
    """No Python 3.12+ (or no runtime) for LocalStack, where falling back to moto is not allowed."""


@dataclass(frozen=True)
class S3Endpoint:
    """Where the local stack's S3 answers, whether it checks signatures, and what else it serves."""

    url: str
    checks_signatures: bool
    name: str
    # The services this endpoint serves (S3 at least); the rest of the stack is moto's.
    services: tuple[str, ...] = ("s3",)

    @property
    def delivers_events(self) -> bool:
        """Whether the bucket's events reach EventBridge and its targets (LocalStack serves all three)."""
        return {"s3", "events", "sqs"} <= set(self.services)


def _version_of(python: str) -> tuple[int, int] | None:
    """``python``'s (major, minor), or ``None`` when it does not run (a pyenv shim with no version)."""
    try:
        result = subprocess.run(
            [python, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except OSError:
        return None
    if result.returncode != 0:
        return None
    major, minor = result.stdout.split()
    return int(major), int(minor)


def _candidates(environ: Mapping[str, str], current: str) -> Iterator[str]:
    if environ.get(PYTHON_ENV):
        yield environ[PYTHON_ENV]
        return
    yield current
    for name in ("python3.14", "python3.13", "python3.12"):
        found = shutil.which(name, path=environ.get("PATH"))
        if found:
            yield found
    # pyenv keeps versions it does not select; uv does not look there by itself.
    pyenv_root = Path(environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    for python in sorted((pyenv_root / "versions").glob("3.*/bin/python3"), reverse=True):
        yield str(python)


def find_python(environ: Mapping[str, str] = os.environ, current: str = sys.executable) -> str | None:
    """An interpreter of Python 3.12 or newer, or ``None``.

    ``S3_EMULATOR_PYTHON`` when set (and only it), else the ``current`` one, ``python3.1x`` on
    ``PATH`` (a pyenv shim that refuses to run is passed over) and pyenv's versions.
    """
    for candidate in _candidates(environ, current):
        version = _version_of(candidate)
        if version is not None and version >= MIN_PYTHON:
            return candidate
    return None


def _lock_digest(python: str) -> str:
    return hashlib.sha256(LOCK_FILE.read_bytes() + python.encode()).hexdigest()


def prepare_runtime(uv: str, log: Callable[[str], None] = print, environ: Mapping[str, str] = os.environ) -> bool:
    """Build (or reuse) LocalStack's environment from the lock file; ``False`` without a Python 3.12+."""
    python = find_python(environ)
    if python is None:
        return False
    digest = _lock_digest(python)
    if RUNTIME_PYTHON.is_file() and _RUNTIME_STAMP.is_file() and _RUNTIME_STAMP.read_text() == digest:
        return True
    log(f"building the S3 emulator's environment (LocalStack) with {python} in {RUNTIME_DIR}")
    shutil.rmtree(RUNTIME_DIR, ignore_errors=True)
    subprocess.run([uv, "venv", "--quiet", "--python", python, str(RUNTIME_DIR)], check=True)
    subprocess.run([uv, "pip", "install", "--quiet", "--python", str(RUNTIME_PYTHON), "-r", str(LOCK_FILE)], check=True)
    _RUNTIME_STAMP.write_text(digest)
    return True


def missing_runtime_message() -> str:
    return (
        f"no Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]}+ was found for LocalStack's S3, the S3 that checks signatures "
        f"(looked at ${PYTHON_ENV}, python3.14/3.13/3.12 on PATH and pyenv's versions). Install one, or set "
        f"{PYTHON_ENV}=/path/to/python3.12, and run through nox (`make test`, `make demo`), which builds "
        f"{RUNTIME_DIR.relative_to(REPO_ROOT)} from {LOCK_FILE.relative_to(REPO_ROOT)}"
    )


def emulator_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment LocalStack starts with: ``environ`` without what would change its S3.

    Nothing of the outer AWS configuration leaks in: it checks signatures against the secret
    `test` for access keys it does not know, which is what the local stack signs with. Nor does
    BOTO_DISABLE_CRT (the tests set it for their own botocore): LocalStack's S3 computes
    CRC32C and CRC64NVME with botocore's CRT checksums, which it turns off, and then answers
    500 InternalError for every object it computes one for (every new object).
    """
    return {
        name: value
        for name, value in environ.items()
        if not name.startswith(("AWS_", "LOCALSTACK_")) and name != "BOTO_DISABLE_CRT"
    }


@contextmanager
def localstack_s3(state_dir: Path, log_path: Path | None = None) -> Iterator[str]:
    """Start LocalStack's S3 (signature validation on) on a free loopback port; yield its URL."""
    port = free_port()
    endpoint = f"http://{LOOPBACK}:{port}"
    state_dir.mkdir(parents=True, exist_ok=True)
    env = emulator_environment(os.environ)
    env |= _LOCALSTACK_SETTINGS | {
        "GATEWAY_LISTEN": f"{LOOPBACK}:{port}",
        "LOCALSTACK_HOST": f"{LOOPBACK}:{port}",
        "FILESYSTEM_ROOT": str(state_dir),
    }
    log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [str(RUNTIME_PYTHON), "-c", _LAUNCH, str(state_dir / "s3-storage")],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches us; we stop it after `terraform destroy` used it
    )
    try:
        wait_for_http(f"{endpoint}/_localstack/health", timeout=60, alive=lambda: process.poll() is None)
        yield endpoint
    finally:
        _stop(process)
        if log_path:
            log.close()  # type: ignore[union-attr]


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to its process group (it stops in about 3 s), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


@contextmanager
def s3_emulator(
    moto_endpoint: str, state_dir: Path, log: Callable[[str], None] = print, environ: Mapping[str, str] = os.environ
) -> Iterator[S3Endpoint]:
    """The signature-checking S3 when its runtime is built; else moto's S3, loudly, except in CI."""
    if RUNTIME_PYTHON.is_file():
        with localstack_s3(state_dir / "localstack", state_dir / "localstack.log") as url:
            log(
                f"S3, KMS, EventBridge and SQS on LocalStack at {url} "
                "(signatures, expiry and signed headers are checked; bucket events reach the queue)"
            )
            yield S3Endpoint(url=url, checks_signatures=True, name="localstack", services=LOCALSTACK_SERVICES)
        return
    if environ.get("CI"):
        raise NoSignatureCheckingS3(missing_runtime_message())
    log("NOTICE: " + missing_runtime_message())
    log("NOTICE: falling back to moto's S3, which checks NO signature, expiry or signed header")
    log("NOTICE: and delivers NO completion event (EventBridge and SQS are moto's too, and get none)")
    yield S3Endpoint(url=moto_endpoint, checks_signatures=False, name="moto")
