"""Terraform finds providers in a filesystem mirror when one exists, else uses the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools import terraform as tf

pytestmark = pytest.mark.tooling


def make_mirror(root: Path) -> Path:
    (root / "registry.terraform.io" / "hashicorp").mkdir(parents=True)
    return root


def test_the_variable_chooses_the_mirror(tmp_path: Path) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    assert tf.find_provider_mirror({tf.MIRROR_ENV: str(mirror)}) == mirror


def test_a_missing_chosen_mirror_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=tf.MIRROR_ENV):
        tf.find_provider_mirror({tf.MIRROR_ENV: str(tmp_path / "absent")})


def test_a_known_location_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = make_mirror(tmp_path / "opt-tf-plugins")
    monkeypatch.setattr(tf, "MIRROR_CANDIDATES", (tmp_path / "nothing", mirror))
    assert tf.find_provider_mirror({}) == mirror


def test_no_mirror_means_the_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tf, "MIRROR_CANDIDATES", (tmp_path / "nothing",))
    assert tf.find_provider_mirror({}) is None
    assert "TF_CLI_CONFIG_FILE" not in tf.terraform_env({"TF_CLI_CONFIG_FILE": str(tmp_path / "absent.rc")})


def test_with_a_mirror_the_cli_config_points_at_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    monkeypatch.setattr(tf, "CLI_CONFIG_PATH", tmp_path / "build" / "terraform.rc")
    env = tf.terraform_env({tf.MIRROR_ENV: str(mirror)})
    text = Path(env["TF_CLI_CONFIG_FILE"]).read_text()
    assert f'path    = "{mirror}"' in text
    assert "filesystem_mirror" in text
    assert 'exclude = ["registry.terraform.io/hashicorp/*"]' in text


def test_an_existing_cli_config_of_your_own_wins(tmp_path: Path) -> None:
    own = tmp_path / "mine.rc"
    own.write_text("# mine\n")
    assert tf.terraform_env({"TF_CLI_CONFIG_FILE": str(own)})["TF_CLI_CONFIG_FILE"] == str(own)
