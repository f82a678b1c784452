"""Serve Digihelp for development: one django-q2 worker and Django's web server.

`make run` calls this. Ctrl-C or SIGTERM stops both within ten seconds.

- Links the app writes (posters' QR codes, SMS links, calendar feeds, the CMS) use
  SITE_URL. Unless the environment or .env sets it, it is the address served here, so
  `make run PORT=8100` writes links to port 8100.
- Each child runs in a session of its own, so Ctrl-C in the terminal reaches only this
  script, which sends each child one SIGTERM. A second signal while django-q2 is already
  stopping can deadlock its cluster (django-q2 issue 346); after ten seconds whatever
  is left of a child's process group is killed.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parent.parent
STOP_SECONDS = 10


def site_url(host: str, port: str) -> str:
    """The address people open: a wildcard host is reached as localhost."""
    if host in {"0.0.0.0", "::", "[::]"}:  # noqa: S104 (naming it, not binding it)
        host = "localhost"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def environment(host: str, port: str) -> dict[str, str]:
    env = dict(os.environ)
    if "SITE_URL" not in env and not dotenv_values(ROOT / ".env").get("SITE_URL"):
        env["SITE_URL"] = site_url(host, port)
    return env


def stop(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        # The group: the worker's cluster processes, the web server's reloaded child.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    python = sys.executable
    env = environment(host, port)
    url = env.get("SITE_URL") or dotenv_values(ROOT / ".env").get("SITE_URL")

    def start(*args: str) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
            [python, "manage.py", *args], cwd=ROOT, env=env, start_new_session=True
        )

    children = [start("qcluster"), start("runserver", f"{host}:{port}")]
    print(
        f"\nDigihelp is running at {url}/  (English: {url}/en/)\n"
        f"  sign in:  {url}/accounts/login/\n"
        f"  CMS:      {url}/admin/\n"
        f"  health:   {url}/healthz\n"
        "Press Ctrl-C to stop the web server and the task worker.\n",
        flush=True,
    )

    def on_signal(number, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    code = 0
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.2)
        code = next(child.returncode for child in children if child.poll() is not None)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # one stop, however often pressed
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("\nStopping the web server and the task worker…", flush=True)
    stop(children)
    return code


if __name__ == "__main__":
    sys.exit(main())
