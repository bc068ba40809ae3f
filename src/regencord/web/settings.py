"""The server's settings: from ``regencord serve``'s options, else ``REGENCORD_*``
environment variables, else defaults.

| setting | variable | default |
| --- | --- | --- |
| database URL | ``REGENCORD_DATABASE_URL`` | ``sqlite:///regencord.db`` (the CLI's) |
| host, port | ``REGENCORD_HOST``, ``REGENCORD_PORT`` | ``127.0.0.1``, ``8000`` |
| worker processes | ``REGENCORD_WORKERS`` | 1 |
| largest request body | ``REGENCORD_MAX_BODY_BYTES`` | 10 MB (10,485,760 bytes) |
| secret key | ``REGENCORD_SECRET_KEY`` | read from the secret key file |
| secret key file | ``REGENCORD_SECRET_KEY_FILE`` | ``$XDG_CONFIG_HOME/regencord/secret-key`` |

(``$XDG_CONFIG_HOME`` is ``~/.config`` when not set.)

The secret key (for signing session cookies and CSRF tokens of the pages) is, when not
given, read from the secret key file; on the first start the file is created with 32
random bytes (64 hex digits), readable by its owner only. It is created atomically, so
several workers starting at once agree on one key.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from regencord.services.errors import invalid

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
PREFIX = "REGENCORD_"
SETTINGS = "server settings"


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    """``None``: the CLI's default database."""
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    workers: int = 1
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    secret_key: str | None = None
    """``None``: read (or create) :attr:`secret_key_file`, see :func:`secret_key`."""
    secret_key_file: Path | None = None

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, **given: object
    ) -> Settings:
        """Options given (not ``None``) win over ``REGENCORD_*`` variables."""
        env = os.environ if environ is None else environ

        def pick(name: str) -> object:
            value = given.get(name)
            return value if value is not None else env.get(PREFIX + name.upper()) or None

        def number(name: str, default: int, least: int) -> int:
            value = pick(name)
            if value is None:
                return default
            try:
                parsed = int(str(value))
            except ValueError:
                parsed = least - 1
            if parsed < least:
                raise invalid(SETTINGS, name, value, f"must be a whole number ≥ {least}")
            return parsed

        key_file = pick("secret_key_file")
        return cls(
            database_url=_text(pick("database_url")),
            host=_text(pick("host")) or DEFAULT_HOST,
            port=number("port", DEFAULT_PORT, 0),
            workers=number("workers", 1, 1),
            max_body_bytes=number("max_body_bytes", DEFAULT_MAX_BODY_BYTES, 1),
            secret_key=_text(pick("secret_key")),
            secret_key_file=Path(str(key_file)) if key_file else None,
        )

    def environment(self) -> dict[str, str]:
        """These settings as ``REGENCORD_*`` variables (for the worker processes)."""
        out = {
            "HOST": self.host,
            "PORT": str(self.port),
            "WORKERS": str(self.workers),
            "MAX_BODY_BYTES": str(self.max_body_bytes),
        }
        if self.database_url:
            out["DATABASE_URL"] = self.database_url
        if self.secret_key:
            out["SECRET_KEY"] = self.secret_key
        if self.secret_key_file:
            out["SECRET_KEY_FILE"] = str(self.secret_key_file)
        return {PREFIX + name: value for name, value in out.items()}


def _text(value: object) -> str | None:
    return str(value) if value is not None and str(value) else None


def default_secret_key_file(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    config = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "regencord" / "secret-key"


def secret_key(settings: Settings) -> str:
    """The given secret key, else the secret key file's, created on first use."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.secret_key_file or default_secret_key_file()
    if not path.exists():
        _create_key_file(path)
    try:
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise invalid(
            "server settings", "secret_key_file", str(path), f"cannot be read: {error}"
        ) from None
    if len(key) < 32:
        raise invalid(
            "server settings",
            "secret_key_file",
            str(path),
            "holds no key of at least 32 characters",
        )
    return key


def _create_key_file(path: Path) -> None:
    """Write a new key next to ``path`` and link it into place: a worker that starts at the
    same time either links first or reads the key of the one that did."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=".secret-key.")
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
        try:
            os.link(name, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(name)
    except OSError as error:
        reason = f"cannot be created: {error.strerror or error}"
        raise invalid(SETTINGS, "secret_key_file", str(path), reason) from None
