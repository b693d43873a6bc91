"""Finding a Python for LocalStack's S3, and refusing to test without it in CI."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from devtools import s3_emulator
from devtools import terraform as tf
from devtools.local_stack import local_endpoints

pytestmark = pytest.mark.tooling


def fake_python(path: Path, version: str | None) -> str:
    """A script that answers like ``python -c 'print(*sys.version_info[:2])'`` (or fails like a shim)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = f"echo {version}" if version else "echo 'pyenv: python3.13: command not found' >&2; exit 127"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def old_python(tmp_path: Path) -> str:
    return fake_python(tmp_path / "current" / "python3", "3 11")


def test_a_pyenv_version_is_found_past_a_refusing_shim(tmp_path: Path, old_python: str) -> None:
    fake_python(tmp_path / "shims" / "python3.13", None)
    wanted = fake_python(tmp_path / "pyenv" / "versions" / "3.13.0" / "bin" / "python3", "3 13")
    fake_python(tmp_path / "pyenv" / "versions" / "3.10.13" / "bin" / "python3", "3 10")
    environ = {"PATH": str(tmp_path / "shims"), "PYENV_ROOT": str(tmp_path / "pyenv")}
    assert s3_emulator.find_python(environ, current=old_python) == wanted


def test_the_current_python_is_enough_when_new(tmp_path: Path) -> None:
    current = fake_python(tmp_path / "python3", "3 12")
    assert s3_emulator.find_python({"PATH": "", "PYENV_ROOT": str(tmp_path)}, current=current) == current


def test_an_explicit_choice_is_the_only_candidate(tmp_path: Path, old_python: str) -> None:
    new = fake_python(tmp_path / "pyenv" / "versions" / "3.13.0" / "bin" / "python3", "3 13")
    environ = {s3_emulator.PYTHON_ENV: old_python, "PATH": "", "PYENV_ROOT": str(tmp_path / "pyenv")}
    assert s3_emulator.find_python(environ, current=new) is None


def test_nothing_new_enough_is_none(tmp_path: Path, old_python: str) -> None:
    assert s3_emulator.find_python({"PATH": "", "PYENV_ROOT": str(tmp_path)}, current=old_python) is None


def test_ci_refuses_an_s3_that_checks_no_signature(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(s3_emulator, "RUNTIME_PYTHON", tmp_path / "absent" / "python")
    with (
        pytest.raises(s3_emulator.NoSignatureCheckingS3, match=r"Python 3\.12\+"),
        s3_emulator.s3_emulator("http://127.0.0.1:9", tmp_path, log=print, environ={"CI": "true"}),
    ):
        pass


def test_elsewhere_moto_s3_is_used_with_a_loud_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(s3_emulator, "RUNTIME_PYTHON", tmp_path / "absent" / "python")
    said: list[str] = []
    with s3_emulator.s3_emulator("http://127.0.0.1:9", tmp_path, log=said.append, environ={}) as s3:
        assert (s3.url, s3.checks_signatures, s3.name) == ("http://127.0.0.1:9", False, "moto")
        assert not s3.delivers_events
    assert any(line.startswith("NOTICE") and "checks NO signature" in line for line in said)
    assert any(line.startswith("NOTICE") and "NO completion event" in line for line in said)


def test_localstack_serves_s3_its_key_and_the_services_its_events_travel_through() -> None:
    assert s3_emulator._LOCALSTACK_SETTINGS["SERVICES"] == "s3,kms,events,sqs"
    localstack = s3_emulator.S3Endpoint("http://127.0.0.1:2", True, "localstack", s3_emulator.LOCALSTACK_SERVICES)
    assert localstack.delivers_events
    endpoints = local_endpoints("http://127.0.0.1:1", localstack)
    assert set(endpoints) == set(tf.LOCAL_SERVICES)
    on_localstack = {service for service, url in endpoints.items() if url == "http://127.0.0.1:2"}
    assert on_localstack == {"s3", "kms", "events", "sqs"}


def test_with_moto_s3_every_service_is_motos() -> None:
    moto = s3_emulator.S3Endpoint("http://127.0.0.1:1", False, "moto")
    assert set(local_endpoints("http://127.0.0.1:1", moto).values()) == {"http://127.0.0.1:1"}


def test_the_override_sends_s3_to_its_own_endpoint(tmp_path: Path) -> None:
    endpoints = dict.fromkeys(tf.LOCAL_SERVICES, "http://127.0.0.1:1") | {"s3": "http://127.0.0.1:2"}
    text = tf.write_endpoint_override(tmp_path, endpoints).read_text()
    assert '    s3 = "http://127.0.0.1:2"' in text
    assert '    lambda = "http://127.0.0.1:1"' in text
    assert text.count("http://127.0.0.1:1") == len(tf.LOCAL_SERVICES) - 1


def test_the_override_needs_every_service(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no local endpoint for s3"):
        tf.write_endpoint_override(tmp_path, dict.fromkeys(set(tf.LOCAL_SERVICES) - {"s3"}, "http://127.0.0.1:1"))


def test_localstack_keeps_botocore_s_crt_checksums_that_the_tests_turn_off() -> None:
    """tests/conftest.py sets BOTO_DISABLE_CRT for the tests' botocore; LocalStack computes
    CRC64NVME (every new object's) with botocore's CRT checksums, so it must not inherit it."""
    environ = {"BOTO_DISABLE_CRT": "true", "AWS_PROFILE": "prod", "LOCALSTACK_AUTH_TOKEN": "x", "PATH": "/bin"}
    assert s3_emulator.emulator_environment(environ) == {"PATH": "/bin"}
