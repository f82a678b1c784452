"""Start-up configuration: bad environment values stop the app with a clear message."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "q8Vn2-example-production-key-4Zb7mT1xP0sLkR9wYcE3uH6jAfD5gNvB",
    "DATABASE_URL": "postgres://digihelp@db.internal:5432/digihelp",
    "ALLOWED_HOSTS": "digihelp.example.vn",
    "SITE_URL": "https://digihelp.example.vn",
}


def run_django(args, extra_env, *, code=None):
    """Run manage.py (or python -c code) with only our variables, as a fresh start."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO", "DATABASE", "REDIS", "DEBUG", "SECRET"))
    }
    environment.update({"SKIP_DOTENV": "true", "DJANGO_SETTINGS_MODULE": "config.settings"})
    environment.update(extra_env)
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


SHOW_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'q': {k: v for k, v in s.Q_CLUSTER.items()}, "
    "'cache': s.CACHES['default']['BACKEND'], 'db': s.DATABASES['default']['ENGINE']}))"
)


def settings_with(extra_env):
    result = run_django([], extra_env, code=SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_start_without_secret_key_refuses_to_run():
    result = run_django(["check"], {**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_start_without_database_url_names_the_variable():
    environment = {k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"}
    result = run_django(["check"], environment)
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("DATABASE_URL", "mysql://root@localhost/db", "DATABASE_URL='mysql://root@localhost/db'"),
        ("DATABASE_URL", "not a url", "is not a database URL"),
        ("DATABASE_URL", "", "DATABASE_URL is set but empty"),
        ("REDIS_URL", "http://localhost:6379", "REDIS_URL='http://localhost:6379'"),
        ("REDIS_URL", "redis://localhost:port/0", "port that is not a number"),
        ("REDIS_URL", "", "REDIS_URL is set but empty"),
        ("DEBUG", "maybe", "DEBUG='maybe' is not a yes/no value"),
    ],
)
def test_malformed_setting_stops_start_up_naming_the_variable(variable, value, says):
    result = run_django(["check"], {"DEBUG": "true", variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert says in result.stderr


def test_development_defaults_use_sqlite_the_orm_broker_and_one_worker():
    shown = settings_with({"DEBUG": "true"})
    assert shown["db"] == "django.db.backends.sqlite3"
    assert shown["q"]["orm"] == "default"
    assert "redis" not in shown["q"]
    assert shown["q"]["workers"] == 1
    assert shown["q"]["timeout"] < shown["q"]["retry"]
    assert 1 <= shown["q"]["max_attempts"] <= 10
    assert shown["q"]["catch_up"] is False


def test_redis_url_selects_the_redis_broker_and_cache():
    shown = settings_with(
        {**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/0", "Q_WORKERS": "4"}
    )
    assert shown["q"]["redis"] == "redis://127.0.0.1:6379/0"
    assert "orm" not in shown["q"]
    assert shown["q"]["workers"] == 4
    assert shown["db"] == "django.db.backends.postgresql"
    assert shown["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_task_timeout_must_be_shorter_than_retry():
    result = run_django(["check"], {"DEBUG": "true", "Q_TIMEOUT": "300", "Q_RETRY": "120"})
    assert result.returncode != 0
    assert "Q_TIMEOUT (300) must be shorter than Q_RETRY (120)" in result.stderr


def test_load_divisions_with_an_unknown_code_exits_non_zero(tmp_path):
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = run_django(
        ["load_divisions", "--province", "999"], {"DEBUG": "true", "DATABASE_URL": database}
    )
    assert result.returncode == 1
    assert "unknown province code 999" in result.stderr
    assert "20 Lạng Sơn" in result.stderr


def test_dotenv_fills_only_what_the_environment_leaves_unset(tmp_path, monkeypatch):
    dotenv = tmp_path / ".env"
    dotenv.write_text('# comment\nDIGIHELP_A=from-file\nexport DIGIHELP_B="quoted"\n\n')
    monkeypatch.setenv("DIGIHELP_A", "from-environment")
    monkeypatch.delenv("DIGIHELP_B", raising=False)
    env.load_dotenv(dotenv)
    assert os.environ["DIGIHELP_A"] == "from-environment"
    assert os.environ["DIGIHELP_B"] == "quoted"
    monkeypatch.delenv("DIGIHELP_B")


def test_dotenv_line_without_equals_sign_is_named(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("DEBUG=true\nthis is not a setting\n")
    with pytest.raises(ImproperlyConfigured, match="line 2"):
        env.load_dotenv(dotenv)


def test_database_url_for_postgres_is_parsed(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/digihelp")
    config = env.env_database("DATABASE_URL", "sqlite:///x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["HOST"], config["PORT"]) == ("digihelp", "127.0.0.1", 5432)


def test_database_url_without_a_database_name_is_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        env.env_database("DATABASE_URL", "sqlite:///x")


def test_number_settings_name_the_variable(monkeypatch):
    monkeypatch.setenv("Q_WORKERS", "two")
    with pytest.raises(ImproperlyConfigured, match="Q_WORKERS='two' is not a whole number"):
        env.env_int("Q_WORKERS", 2)
