"""Loggers that go through :mod:`logging` without importing it to drop a record.

Importing :mod:`logging` costs about 7 ms in a bare interpreter. In Lambda the runtime has
imported and configured it before the handler loads, so this saves nothing there; it keeps
benchmarks and tools that import the handler without a runtime from paying for it. Where nobody has
imported it, nobody can have configured it either: the root logger is at ``WARNING`` with no
handler, and an ``INFO`` record would be dropped. So :meth:`Logger.info` skips the import then,
and warnings and errors always go through :mod:`logging` (its last-resort handler prints them).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from logging import Logger as StandardLogger
    from typing import Any


# Fields every record carries until the next request binds its own (Lambda runs one request at a
# time per instance): API Gateway's request id, so function logs join the access logs.
_bound: dict[str, str] = {}


def bind_correlation_id(correlation_id: str | None) -> None:
    """Every later record carries ``correlation_id`` (none when ``None``), as Powertools names it."""
    _bound.clear()
    if correlation_id is not None:
        _bound["correlation_id"] = correlation_id


def _with_bound(extra: dict[str, Any] | None) -> dict[str, Any]:
    return {**_bound, **extra} if extra else _bound


class Logger:
    """The subset of :class:`logging.Logger` the function uses, with the same arguments; a record
    names the caller's file, function and line, as the standard logger's would."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def info(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        if "logging" in sys.modules:
            self._logger().info(message, extra=_with_bound(extra), stacklevel=2)

    def warning(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        self._logger().warning(message, extra=_with_bound(extra), stacklevel=2)

    def error(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        self._logger().error(message, extra=_with_bound(extra), stacklevel=2)

    def exception(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        """An error with the exception being handled (call it in an ``except`` block)."""
        self._logger().exception(message, extra=_with_bound(extra), stacklevel=2)

    def _logger(self) -> StandardLogger:
        import logging

        return logging.getLogger(self.name)


def get_logger(name: str) -> Logger:
    """The logger for module ``name`` (``__name__``), as ``logging.getLogger(name)`` would be."""
    return Logger(name)
