"""Loggers that go through :mod:`logging` without importing it to drop a record.

Importing :mod:`logging` costs about 7 ms of a cold start on a small machine, a third of what the
whole function is allowed (README, "Signing without the SDK"). In Lambda the runtime has
imported and configured it before the handler loads, so nothing changes there. Where nobody has
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


class Logger:
    """The subset of :class:`logging.Logger` the function uses, with the same arguments; a record
    names the caller's file, function and line, as the standard logger's would."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def info(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        if "logging" in sys.modules:
            self._logger().info(message, extra=extra, stacklevel=2)

    def warning(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        self._logger().warning(message, extra=extra, stacklevel=2)

    def error(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        self._logger().error(message, extra=extra, stacklevel=2)

    def exception(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        """An error with the exception being handled (call it in an ``except`` block)."""
        self._logger().exception(message, extra=extra, stacklevel=2)

    def _logger(self) -> StandardLogger:
        import logging

        return logging.getLogger(self.name)


def get_logger(name: str) -> Logger:
    """The logger for module ``name`` (``__name__``), as ``logging.getLogger(name)`` would be."""
    return Logger(name)
