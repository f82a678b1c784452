import os
import socket

import pytest

from config import health
from tests.config.test_configuration import run_django


def redis_is_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_queue_are_usable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["task_queue"].startswith("ok (ORM default")
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
@pytest.mark.expect_error_log
def test_healthz_answers_503_naming_the_database_when_it_fails(client, monkeypatch):
    def broken():
        raise ConnectionError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["database"] == "failing: ConnectionError: connection refused"
    assert body["checks"]["task_queue"].startswith("ok")


@pytest.mark.django_db
@pytest.mark.expect_error_log
def test_healthz_answers_503_when_the_queue_broker_does_not_answer(client, monkeypatch):
    class SilentBroker:
        def ping(self):
            return False

    monkeypatch.setattr(health, "get_broker", SilentBroker)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "task broker does not answer" in response.json()["checks"]["task_queue"]


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https_for_load_balancers(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


REDIS_HEALTH = (
    "import django, json; django.setup(); "
    "from django.test import Client; r = Client().get('/healthz'); "
    "print(r.status_code, json.dumps(r.json()))"
)


def test_healthz_checks_the_real_redis_broker():
    if not redis_is_reachable():
        if os.environ.get("CI"):
            pytest.fail("Redis must answer on 127.0.0.1:6379 in CI")
        pytest.skip("no Redis on 127.0.0.1:6379")
    result = run_django(
        [],
        {"DEBUG": "true", "REDIS_URL": "redis://127.0.0.1:6379/15", "ALLOWED_HOSTS": "testserver"},
        code=REDIS_HEALTH,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.split(" ", 1)
    assert status == "200"
    assert "Redis" in body


def test_healthz_reports_503_when_redis_is_down():
    result = run_django(
        [],
        {"DEBUG": "true", "REDIS_URL": "redis://127.0.0.1:1/0", "ALLOWED_HOSTS": "testserver"},
        code=REDIS_HEALTH,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.split(" ", 1)
    assert status == "503"
    assert "task_queue" in body and "failing" in body
