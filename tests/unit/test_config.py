"""Configuration is validated at cold start and every problem names its variable."""

from __future__ import annotations

import pytest

from tests.unit.conftest import ENVIRONMENT
from upload_api.config import load_config
from upload_api.errors import ConfigError


def test_a_complete_environment_loads() -> None:
    config = load_config(ENVIRONMENT)
    assert config.bucket == "uploads-test-bucket"
    assert config.region == "eu-west-3"
    assert config.expiry_seconds == 300
    assert config.allowed_content_types == ("image/png", "text/plain", "video/*")
    assert config.allowed_origins == ("https://app.example.com", "http://127.0.0.1:8080")
    assert config.legacy_route_enabled is True


def test_multipart_is_capped_like_single_puts_unless_configured() -> None:
    environment = {k: v for k, v in ENVIRONMENT.items() if k != "UPLOAD_MAX_MULTIPART_SIZE_BYTES"}
    assert load_config(environment).multipart_max_size_bytes == load_config(environment).max_size_bytes


def test_the_legacy_route_is_off_unless_asked_for() -> None:
    environment = {k: v for k, v in ENVIRONMENT.items() if k != "UPLOAD_LEGACY_ROUTE_ENABLED"}
    assert load_config(environment).legacy_route_enabled is False


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("UPLOAD_BUCKET", None),
        # Bucket names Terraform refuses too are in tests/config_rules.py, which runs them on both.
        ("UPLOAD_BUCKET_REGION", None),
        ("UPLOAD_BUCKET_REGION", "moon-1"),
        ("UPLOAD_BUCKET_REGION", "eu-west-\u0663"),  # an Arabic-Indic digit: \\d matched it
        ("UPLOAD_BUCKET_REGION", "euro-west-1"),
        ("UPLOAD_KEY_PREFIX", "/uploads/"),
        ("UPLOAD_KEY_PREFIX", "uploads"),
        ("UPLOAD_KEY_PREFIX", "up loads/"),
        ("UPLOAD_URL_EXPIRY_SECONDS", None),
        ("UPLOAD_URL_EXPIRY_SECONDS", "0"),
        ("UPLOAD_URL_EXPIRY_SECONDS", "-5"),
        ("UPLOAD_URL_EXPIRY_SECONDS", "604801"),
        ("UPLOAD_URL_EXPIRY_SECONDS", "5m"),
        ("UPLOAD_MAX_SIZE_BYTES", "0"),
        ("UPLOAD_MAX_SIZE_BYTES", str(5 * 1024**3 + 1)),
        ("UPLOAD_MAX_MULTIPART_SIZE_BYTES", "0"),
        ("UPLOAD_MAX_MULTIPART_SIZE_BYTES", str(10_000 * 5 * 1024**3 + 1)),
        ("UPLOAD_ALLOWED_CONTENT_TYPES", None),
        ("UPLOAD_ALLOWED_CONTENT_TYPES", " , "),
        ("UPLOAD_ALLOWED_CONTENT_TYPES", "image/png,Image/JPEG"),
        ("UPLOAD_ALLOWED_CONTENT_TYPES", "*/*"),
        ("UPLOAD_ALLOWED_ORIGINS", None),
        ("UPLOAD_ALLOWED_ORIGINS", "*"),
        ("UPLOAD_ALLOWED_ORIGINS", "https://app.example.com/"),
        ("UPLOAD_ALLOWED_ORIGINS", "https://app.example.com/path"),
        ("UPLOAD_LEGACY_ROUTE_ENABLED", "yes"),
        ("UPLOAD_AUTH_MODE", "iam"),
        ("UPLOAD_AUTH_MODE", None),  # required: no silent "none"
        ("UPLOAD_URL_EXPIRY_SECONDS", "\u0663\u0660\u0660"),  # Arabic-Indic digits: int() takes them
        ("UPLOAD_MAX_SIZE_BYTES", "\u00b9\u00b2"),  # superscripts pass str.isdigit()
        ("UPLOAD_DOWNLOADS_ENABLED", "1"),
        ("UPLOAD_DOWNLOAD_EXPIRY_SECONDS", "0"),
    ],
)
def test_a_bad_value_fails_naming_the_variable(variable: str, value: str | None) -> None:
    environment = dict(ENVIRONMENT)
    if value is None:
        del environment[variable]
    else:
        environment[variable] = value
    with pytest.raises(ConfigError, match=variable):
        load_config(environment)


@pytest.mark.parametrize("region", ["eu-west-3", "us-gov-west-1", "cn-north-1", "us-isob-east-1", "eusc-de-east-1"])
def test_a_region_of_every_partition_loads(region: str) -> None:
    """Including the European Sovereign Cloud's (eusc-), whose partition row was unreachable."""
    assert load_config({**ENVIRONMENT, "UPLOAD_BUCKET_REGION": region}).region == region


def test_cognito_needs_the_app_clients_whose_tokens_it_accepts() -> None:
    environment = {**ENVIRONMENT, "UPLOAD_AUTH_MODE": "cognito"}
    with pytest.raises(ConfigError, match="UPLOAD_ALLOWED_AUDIENCES"):
        load_config(environment)
    with pytest.raises(ConfigError, match="UPLOAD_ALLOWED_AUDIENCES"):
        load_config({**environment, "UPLOAD_ALLOWED_AUDIENCES": "a b"})
    config = load_config({**environment, "UPLOAD_ALLOWED_AUDIENCES": "client1,client2"})
    assert config.allowed_audiences == ("client1", "client2")
