"""Waiting between attempts: exponential backoff with full jitter, ``Retry-After`` honoured, and
waits that a stopping run (Ctrl-C, or another part's failure) ends at once.

Full jitter (a uniform draw from zero to the exponential bound) spreads the retries of many
clients, or of many parts of one upload, that failed together; see "Exponential Backoff And
Jitter" on the AWS Architecture Blog.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

# No single wait is longer: a Retry-After beyond it ends the retries rather than hold the run.
MAX_WAIT = 60.0


class Stopped(Exception):
    """The run is stopping (Ctrl-C, or another part failed): a wait or a PUT gives up at once."""


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """The seconds a ``Retry-After`` header asks to wait, from delay-seconds or an HTTP date;
    ``None`` when there is none or it cannot be read."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": a time in UTC with no zone to go with it
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(frozen=True)
class Backoff:
    """How long to wait before the next attempt."""

    base: float = 0.5
    cap: float = 20.0

    def delay(self, attempt: int, asked: float | None = None) -> float | None:
        """A uniform draw from 0 to ``min(cap, base * 2**attempt)`` after attempt ``attempt``
        (0-based), or what ``Retry-After`` ``asked`` for if that is longer; ``None`` (give up)
        when it asked for more than :data:`MAX_WAIT`."""
        if asked is not None and asked > MAX_WAIT:
            return None
        jittered = random.uniform(0.0, min(self.cap, self.base * 2**attempt))  # noqa: S311 (not for secrets)
        return jittered if asked is None else max(jittered, asked)


def pause(seconds: float, stop: threading.Event) -> None:
    """Wait ``seconds``, or raise :class:`Stopped` as soon as ``stop`` is set."""
    if stop.wait(seconds):
        raise Stopped("stopped")
