"""Warm worker processes that run the deployed handler, like Lambda execution environments.

A worker imports the handler once (its cold start), then answers events one at a time over its
stdin/stdout, one JSON document per line. The handler's own prints go to the worker's stderr.
A worker that dies is replaced (the caller answers 502); one that runs past the function's
timeout is killed and replaced (the caller answers 504).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_WORKER = r"""
import importlib, json, os, sys, traceback
sys.path.insert(0, sys.argv[1])
channel = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)  # the handler's print() goes to stderr, never into the protocol
try:
    module_name, function_name = sys.argv[2].rsplit(".", 1)
    handler = getattr(importlib.import_module(module_name), function_name)
except Exception as exc:
    traceback.print_exc()
    channel.write(json.dumps({"init_error": f"{type(exc).__name__}: {exc}"}) + "\n")
    sys.exit(1)
channel.write(json.dumps({"ready": True}) + "\n")

class Context:
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
    aws_request_id = ""

for line in sys.stdin:
    message = json.loads(line)
    Context.aws_request_id = message["request_id"]
    try:
        channel.write(json.dumps({"response": handler(message["event"], Context())}) + "\n")
    except Exception as exc:
        traceback.print_exc()
        channel.write(json.dumps({"error": {"errorType": type(exc).__name__, "errorMessage": str(exc)}}) + "\n")
"""


@dataclass(frozen=True)
class Invocation:
    """How one invocation ended: a response, or ``failure`` in {"crash", "error", "timeout"}."""

    response: dict[str, Any] | None = None
    failure: str | None = None
    detail: str = ""
    cold_start_seconds: float | None = None


class WorkerCrashed(RuntimeError):
    """The worker process exited or spoke nonsense."""


class WorkerTimedOut(RuntimeError):
    """The worker did not answer within the function's timeout."""


class Worker:
    """One warm process holding the imported handler."""

    def __init__(self, code_dir: Path, handler: str, environment: Mapping[str, str], timeout: float) -> None:
        started = time.perf_counter()
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-c", _WORKER, str(code_dir), handler],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=dict(environment),
            cwd=code_dir,
            text=True,
            start_new_session=True,  # a terminal's Ctrl-C is ours to handle, not a crash mid-request
        )
        self._buffer = ""
        try:
            # Lambda gives the init phase its own 10 s; the function's timeout when that is longer.
            ready = self._read_message(time.monotonic() + max(timeout, 10.0))
        except (WorkerCrashed, WorkerTimedOut):
            self.stop()
            raise
        if "init_error" in ready:
            self.stop()
            raise WorkerCrashed(f"the function failed its cold start: {ready['init_error']}")
        self.cold_start_seconds = time.perf_counter() - started

    def invoke(self, event: Mapping[str, Any], request_id: str, timeout: float) -> dict[str, Any]:
        """Send one event; return the worker's message (``response`` or ``error``)."""
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(json.dumps({"event": event, "request_id": request_id}) + "\n")
            self._process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerCrashed(f"the worker is gone: {exc}") from None
        return self._read_message(time.monotonic() + timeout)

    def stop(self) -> None:
        """End the process (Lambda freezes or discards an environment; it never asks it to leave)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()

    def _read_message(self, deadline: float) -> dict[str, Any]:
        assert self._process.stdout is not None
        while "\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerTimedOut("the function ran past its timeout")
            try:
                descriptor = self._process.stdout.fileno()
                readable, _, _ = select.select([descriptor], [], [], remaining)
                chunk = os.read(descriptor, 65536).decode() if readable else None
            except (OSError, ValueError) as exc:
                # The pool was closed (its workers stopped) while this request waited on one.
                raise WorkerCrashed(f"the worker was stopped: {exc}") from None
            if chunk is None:
                continue
            if not chunk:
                raise WorkerCrashed(f"the worker exited with code {self._process.wait()}")
            self._buffer += chunk
        line, self._buffer = self._buffer.split("\n", 1)
        try:
            message: dict[str, Any] = json.loads(line)
        except json.JSONDecodeError:
            raise WorkerCrashed("the worker wrote something that is not a message") from None
        return message


# How long a request waits for a free worker before the gateway answers 504: API Gateway's own
# integration timeout.
QUEUE_TIMEOUT_SECONDS = 29.0


def default_max_workers() -> int:
    """Workers per function: two per core. Each is a process holding boto3 (tens of MB) and a
    cold start costs a third of a second of CPU, so a burst of clients queues for warm workers
    instead of starting one process each."""
    return max(2, 2 * (os.cpu_count() or 1))


class WorkerPool:
    """Workers for one function: reuse an idle one, start another while under ``max_workers``,
    otherwise wait (up to ``queue_timeout``) for one to be free, as requests queue for a
    function's reserved concurrency."""

    def __init__(
        self,
        code_dir: Path,
        handler: str,
        environment: Mapping[str, str],
        timeout: float,
        *,
        max_workers: int | None = None,
        queue_timeout: float = QUEUE_TIMEOUT_SECONDS,
    ) -> None:
        self._code_dir = code_dir
        self._handler = handler
        self._environment = dict(environment)
        self.timeout = timeout
        self.max_workers = max_workers or default_max_workers()
        self.queue_timeout = queue_timeout
        self._idle: list[Worker] = []
        self._all: set[Worker] = set()
        self._starting = 0
        self._closed = False
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # a worker became idle, or a slot free

    @property
    def size(self) -> int:
        """How many worker processes the pool holds (busy, idle and starting)."""
        with self._lock:
            return len(self._all) + self._starting

    def invoke(self, event: Mapping[str, Any], request_id: str) -> Invocation:
        """Run ``event`` in a warm worker (or a fresh one) and say how it ended."""
        cold_start = None
        try:
            worker = self._acquire()
        except WorkerTimedOut as exc:
            return Invocation(failure="timeout", detail=str(exc))
        except WorkerCrashed as exc:
            return Invocation(failure="crash", detail=str(exc))
        try:
            if worker is None:
                try:
                    worker = Worker(self._code_dir, self._handler, self._environment, self.timeout)
                finally:
                    with self._changed:
                        self._starting -= 1
                        if worker is not None:
                            self._all.add(worker)
                        self._changed.notify()
                cold_start = worker.cold_start_seconds
            message = worker.invoke(event, request_id, self.timeout)
        except WorkerTimedOut as exc:
            self._discard(worker)
            return Invocation(failure="timeout", detail=str(exc))
        except WorkerCrashed as exc:
            self._discard(worker)
            return Invocation(failure="crash", detail=str(exc))
        with self._changed:
            keep = not self._closed
            if keep:
                self._idle.append(worker)
                self._changed.notify()
        if not keep:
            self._discard(worker)  # the pool closed while this request ran
        if "error" in message:
            return Invocation(failure="error", detail=json.dumps(message["error"]), cold_start_seconds=cold_start)
        return Invocation(response=message.get("response"), cold_start_seconds=cold_start)

    def _acquire(self) -> Worker | None:
        """An idle worker, or ``None`` with a slot reserved to start one; waits while all are busy."""
        deadline = time.monotonic() + self.queue_timeout
        with self._changed:
            while True:
                if self._closed:
                    raise WorkerCrashed("the pool is closed")
                if self._idle:
                    return self._idle.pop()
                if len(self._all) + self._starting < self.max_workers:
                    self._starting += 1
                    return None
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WorkerTimedOut(f"no worker was free within {self.queue_timeout:g} s")
                self._changed.wait(remaining)

    def close(self) -> None:
        """Stop every worker, busy ones included; a request still running then answers 502."""
        with self._changed:
            self._closed = True
            workers, self._idle = list(self._all), []
            self._changed.notify_all()
        for worker in workers:
            worker.stop()

    def _discard(self, worker: Worker | None) -> None:
        if worker is None:
            return
        worker.stop()
        with self._changed:
            self._all.discard(worker)
            self._changed.notify()
