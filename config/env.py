"""Typed readers for settings that come from environment variables.

Each reader names the variable in its error, so a bad deployment value stops start-up
with a message that says what to fix.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from dotenv.parser import parse_stream

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def load_dotenv(path: Path) -> None:
    """Read KEY=value lines from `path` into os.environ, never overriding what is set.

    python-dotenv reads them as a shell would (quotes, escapes, `export`); a line it
    cannot read stops start-up with its number rather than being skipped."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as stream:
        for binding in parse_stream(stream):
            if binding.error:
                raise ImproperlyConfigured(
                    f"{path.name} line {binding.original.line}: expected KEY=value"
                )
            if binding.key is not None and binding.value is not None:
                os.environ.setdefault(binding.key, binding.value)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value (use true or false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


RATE_UNITS = {"s": 1, "m": 60, "h": 3600}
RATE_PATTERN = re.compile(r"^(\d+)/(\d*)([smh])$")


def env_rate(name: str, default: str) -> tuple[int, int] | None:
    """A rate limit such as 120/m, 20/15m or 10/h: (requests, window in seconds).

    `off` turns the limit off (None)."""
    raw = os.environ.get(name)
    text = (default if raw is None or raw.strip() == "" else raw).strip().lower()
    if text == "off":
        return None
    match = RATE_PATTERN.match(text.replace(" ", ""))
    if match is None or int(match[1]) < 1 or match[2] == "0":
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate limit: use requests/window, for example 120/m "
            "(a minute), 20/15m (15 minutes), 10/h (an hour), or off"
        )
    return int(match[1]), int(match[2] or 1) * RATE_UNITS[match[3]]


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    """A Django DATABASES entry from a URL such as postgres://user@host:5432/db."""
    import dj_database_url

    raw = os.environ.get(name)
    if raw is not None and not raw.strip():
        raise ImproperlyConfigured(f"{name} is set but empty; unset it or give a database URL")
    url = raw.strip() if raw is not None else default
    scheme = urlsplit(url).scheme
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            f"{name}={url!r} is not a database URL: expected postgres://USER@HOST:PORT/NAME "
            "or sqlite:///PATH"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}={url!r} is malformed: {error}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={url!r} names no database")
    return config


def env_redis_url(name: str) -> str | None:
    """A Redis URL (redis://, rediss:// or unix://), or None when the variable is unset."""
    raw = os.environ.get(name)
    if raw is None:
        return None
    url = raw.strip()
    if not url:
        raise ImproperlyConfigured(f"{name} is set but empty; unset it or give a Redis URL")
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"{name}={url!r} is not a Redis URL: expected redis://HOST:PORT/DB"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise ImproperlyConfigured(f"{name}={url!r} has a port that is not a number") from None
    if parts.scheme != "unix" and not parts.hostname:
        raise ImproperlyConfigured(f"{name}={url!r} names no host")
    return url
