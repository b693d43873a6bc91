"""upload_api.log: the standard library's loggers, with the request's correlation id on each record."""

from __future__ import annotations

import logging

import pytest

from tests.unit.conftest import fresh_python
from upload_api.log import bind_correlation_id, get_logger


def test_an_info_record_reaches_a_configured_logging_with_its_fields() -> None:
    result = fresh_python(
        "import logging; logging.basicConfig(level=logging.INFO, format='%(name)s %(message)s %(key)s'); "
        "from upload_api.log import get_logger; get_logger('upload_api.app').info('upload signed', extra={'key': 'k1'})"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "upload_api.app upload signed k1"


def test_a_warning_is_shown_even_where_nobody_configured_logging() -> None:
    result = fresh_python("from upload_api.log import get_logger; get_logger('t').warning('S3 did not answer')")
    assert result.returncode == 0, result.stderr
    assert "S3 did not answer" in result.stderr


def test_levels_fields_and_the_caller_are_the_standard_logger_s(caplog: pytest.LogCaptureFixture) -> None:
    logger = get_logger("upload_api.test")
    with caplog.at_level(logging.INFO, logger="upload_api.test"):
        logger.info("one", extra={"size": 1})
        logger.error("two", extra={"size": 2})
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("three")
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        ("INFO", "one"),
        ("ERROR", "two"),
        ("ERROR", "three"),
    ]
    assert [getattr(record, "size", None) for record in caplog.records] == [1, 2, None]
    assert caplog.records[2].exc_info is not None
    # The records point at the caller, not at the adapter.
    assert {(record.filename, record.funcName) for record in caplog.records} == {
        ("test_log.py", "test_levels_fields_and_the_caller_are_the_standard_logger_s")
    }


def test_a_bound_correlation_id_is_on_every_record_until_the_next_binding(caplog: pytest.LogCaptureFixture) -> None:
    logger = get_logger("upload_api.test")
    with caplog.at_level(logging.INFO, logger="upload_api.test"):
        bind_correlation_id("req-1")
        logger.info("first", extra={"key": "k"})
        logger.warning("second")
        bind_correlation_id(None)
        logger.info("third")
    assert [getattr(record, "correlation_id", None) for record in caplog.records] == ["req-1", "req-1", None]
    assert caplog.records[0].key == "k"  # type: ignore[attr-defined]
