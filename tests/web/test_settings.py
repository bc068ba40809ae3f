"""Server settings: options over REGENCORD_* variables over defaults; the secret key file
created once, readable by its owner only, and reused."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from regencord.services.errors import InvalidInput
from regencord.web.settings import (
    DEFAULT_MAX_BODY_BYTES,
    Settings,
    default_secret_key_file,
    secret_key,
)


def test_options_win_over_variables_over_defaults() -> None:
    env = {"REGENCORD_PORT": "9000", "REGENCORD_HOST": "0.0.0.0", "REGENCORD_WORKERS": "3"}
    settings = Settings.from_environment(env, port=8123)
    assert (settings.host, settings.port, settings.workers) == ("0.0.0.0", 8123, 3)
    assert settings.max_body_bytes == DEFAULT_MAX_BODY_BYTES == 10 * 1024 * 1024
    assert Settings.from_environment({}) == Settings()
    again = Settings.from_environment(settings.environment())
    assert again == settings


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_bad_numbers_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput, match="workers"):
        Settings.from_environment({"REGENCORD_WORKERS": value})


def test_a_secret_key_is_created_once_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "config" / "secret-key"
    settings = Settings(secret_key_file=path)
    key = secret_key(settings)
    assert len(key) == 64 and int(key, 16) >= 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(settings) == key  # read back, not replaced
    assert secret_key(Settings(secret_key="given" * 8, secret_key_file=path)) == "given" * 8
    assert list(path.parent.iterdir()) == [path]  # no temporary file left


def test_a_short_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret-key"
    path.write_text("short\n")
    with pytest.raises(InvalidInput, match="holds no key"):
        secret_key(Settings(secret_key_file=path))


def test_the_default_key_file_follows_xdg_config_home() -> None:
    assert default_secret_key_file({"XDG_CONFIG_HOME": "/etc/x"}) == Path(
        "/etc/x/regencord/secret-key"
    )
