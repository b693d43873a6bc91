"""upload_api.log: records go through the standard logging, which loads only when one can be shown."""

from __future__ import annotations

import logging

import pytest

from tests.unit.conftest import fresh_python
from upload_api.log import get_logger


def test_an_info_record_nobody_configured_logging_for_loads_nothing() -> None:
    result = fresh_python(
        "import sys; from upload_api.log import get_logger; get_logger('t').info('hello'); "
        "print('logging' in sys.modules)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    assert result.stderr == ""


def test_an_info_record_reaches_a_configured_logging_with_its_fields() -> None:
    result = fresh_python(
        "import logging; logging.basicConfig(level=logging.INFO, format='%(name)s %(message)s %(key)s'); "
        "from upload_api.log import get_logger; get_logger('upload_api.app').info('upload signed', extra={'key': 'k1'})"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "upload_api.app upload signed k1"


def test_a_warning_is_shown_even_where_logging_was_never_imported() -> None:
    result = fresh_python("from upload_api.log import get_logger; get_logger('t').warning('S3 did not answer')")
    assert result.returncode == 0, result.stderr
    assert "S3 did not answer" in result.stderr


def test_levels_and_fields_match_the_standard_logger(caplog: pytest.LogCaptureFixture) -> None:
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
    # The records point at the caller, not at the wrapper.
    assert {(record.filename, record.funcName) for record in caplog.records} == {
        ("test_log.py", "test_levels_and_fields_match_the_standard_logger")
    }
