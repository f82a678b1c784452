"""`make run`'s launcher: links on the port it serves, and a stop within ten seconds."""

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("serve", ROOT / "bin" / "serve.py")
serve = importlib.util.module_from_spec(spec)
spec.loader.exec_module(serve)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:8100"),
        ("0.0.0.0", "http://localhost:8100"),  # noqa: S104
        ("::1", "http://[::1]:8100"),
        ("digihelp.lan", "http://digihelp.lan:8100"),
    ],
)
def test_links_use_the_address_served(host, expected):
    assert serve.site_url(host, "8100") == expected


def test_a_site_url_set_by_the_environment_or_env_file_wins(monkeypatch, tmp_path):
    monkeypatch.setattr(serve, "ROOT", tmp_path)
    monkeypatch.delenv("SITE_URL", raising=False)
    assert serve.environment("127.0.0.1", "8100")["SITE_URL"] == "http://127.0.0.1:8100"

    (tmp_path / ".env").write_text("SITE_URL=https://digihelp.example.vn\n")
    assert "SITE_URL" not in serve.environment("127.0.0.1", "8100")  # settings read .env

    monkeypatch.setenv("SITE_URL", "https://staging.example.vn")
    assert serve.environment("127.0.0.1", "8100")["SITE_URL"] == "https://staging.example.vn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.end_to_end
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_the_server_and_the_worker_within_ten_seconds(
    tmp_path, stop_signal
):
    port = free_port()
    env = dict(
        os.environ,
        PORT=str(port),
        SKIP_DOTENV="true",
        DEBUG="true",
        # No migrations are needed to start and stop; the worker's broker is Redis.
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6379/13",
    )
    launcher = subprocess.Popen(
        [sys.executable, "bin/serve.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not answers(port):
            assert launcher.poll() is None, "the launcher stopped on its own"
            assert time.monotonic() < deadline, "the web server never answered"
            time.sleep(0.2)
        children = [
            int(pid)
            for pid in subprocess.run(
                ["pgrep", "-P", str(launcher.pid)], capture_output=True, text=True
            ).stdout.split()
        ]
        assert len(children) == 2  # the worker and the web server, each its own group
        time.sleep(3)  # the worker's cluster is up

        launcher.send_signal(stop_signal)
        started = time.monotonic()
        launcher.wait(timeout=15)
        while any(group_alive(pid) for pid in children) and time.monotonic() - started < 15:
            time.sleep(0.1)
        assert time.monotonic() - started < 10
        assert not any(group_alive(pid) for pid in children)
        assert not answers(port)
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
