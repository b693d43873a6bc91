"""The function's loggers: the standard library's, with the request's correlation id on every record.

Lambda's runtime imports and configures :mod:`logging` before the handler loads (JSON records,
the level from the function's logging config), so using it costs the cold start nothing there
(docs/performance.md, "Only the tricks that pay"). What this module adds is API Gateway's request
id, bound once per request, on every record: function logs join the access logs on it.
"""

from __future__ import annotations

import logging

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import MutableMapping
    from typing import Any

# Fields every record carries until the next request binds its own (Lambda runs one request at a
# time per instance).
_bound: dict[str, str] = {}


def bind_correlation_id(correlation_id: str | None) -> None:
    """Every later record carries ``correlation_id`` (none when ``None``), as Powertools names it."""
    _bound.clear()
    if correlation_id is not None:
        _bound["correlation_id"] = correlation_id


class _WithCorrelationId(logging.LoggerAdapter):  # type: ignore[type-arg]
    """A logger whose records carry the bound fields beside the call's own ``extra``."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        kwargs["extra"] = {**_bound, **(kwargs.get("extra") or {})}
        return msg, kwargs


def get_logger(name: str) -> logging.LoggerAdapter:  # type: ignore[type-arg]
    """The logger for module ``name`` (``__name__``): ``logging.getLogger(name)`` with the bound fields."""
    return _WithCorrelationId(logging.getLogger(name), {})
