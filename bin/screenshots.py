"""make screenshots: every signed-in page, for each role that uses it, at 360 and 1366 px
wide, to review a change by eye.

It builds a throwaway demo database (migrate, load_divisions, seed_demo), serves it with
runserver on a free port of 127.0.0.1, signs in as each demo account in headless
Chromium and saves the pages config/pages_by_role.py lists, whole, as
screenshots/<role>/<page>-<width>.png, with screenshots/index.html to look through them.
It ends with a table of the pages wider than a 360 px screen and of what their
consoles logged as errors. The browser is refused every host but this one.

    python bin/screenshots.py [--role ROLE ...] [--out DIR]
"""

import argparse
import html
import http.client
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WIDTHS = (360, 1366)
HEIGHT = 800
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def set_up_django(workdir: Path, port: int):
    """Point Django, and the server started later, at a new SQLite file in `workdir`."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings_screenshots",
            "SKIP_DOTENV": "true",
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{workdir / 'demo.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "SMS_PROVIDER": "memory",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()


def build_demo():
    from django.core.management import call_command

    print("Building the demo database (a minute or two) ...", flush=True)
    call_command("migrate", verbosity=0)
    call_command("load_divisions", province=["20"], stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())


class Server:
    """manage.py runserver on 127.0.0.1:`port`, its output kept in `log`."""

    def __init__(self, port: int, log: Path):
        self.port = port
        self.log = log
        self.output = log.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )

    def wait_until_ready(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"runserver stopped:\n{self.log.read_text()[-3000:]}")
            probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                probe.close()
            time.sleep(0.3)
        raise RuntimeError(f"/healthz did not answer within {seconds} s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output.close()


def only_this_machine(route):
    host = route.request.url.split("/")[2].split(":")[0]
    if host in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort("blockedbyclient")


def sign_in(page, username, password):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    if "/accounts/login/" in page.url:
        raise RuntimeError(f"{username} could not sign in")


def shoot_role(browser, base_url, role, pages, out: Path) -> list[dict]:
    """Every page of `role` at each width; returns one finding per page and width."""
    from campaign.demo import DEMO_PASSWORD
    from config.pages_by_role import ACCOUNTS

    context = browser.new_context(
        base_url=base_url, locale="vi-VN", viewport={"width": WIDTHS[-1], "height": HEIGHT}
    )
    context.route("**/*", only_this_machine)
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, ACCOUNTS[role], DEMO_PASSWORD)
    shutil.rmtree(out / role, ignore_errors=True)  # no picture of a page gone from the list
    (out / role).mkdir(parents=True)
    findings = []
    for name, address in pages:
        if address is None:
            findings.append({"role": role, "page": name, "address": None})
            continue
        for width in WIDTHS:
            errors.clear()
            page.set_viewport_size({"width": width, "height": HEIGHT})
            response = page.goto(address, wait_until="networkidle")
            page.screenshot(path=out / role / f"{name}-{width}.png", full_page=True)
            findings.append(
                {
                    "role": role,
                    "page": name,
                    "address": address,
                    "width": width,
                    "status": response.status if response else None,
                    "overflow": page.evaluate(OVERFLOW),
                    "errors": list(errors),
                }
            )
        print(f"  {role:<12} {name}", flush=True)
    context.close()
    return findings


def write_gallery(out: Path, findings: list[dict]):
    rows, current = [], None
    for finding in findings:
        if finding.get("width", WIDTHS[0]) != WIDTHS[0]:
            continue
        role, name, address = finding["role"], finding["page"], finding["address"]
        if role != current:
            rows.append(f'<h2 id="{role}">{html.escape(role)}</h2>')
            current = role
        if address is None:
            rows.append(f"<h3>{html.escape(name)}</h3><p>Nothing to show in the demo.</p>")
            continue
        shots = "".join(
            f'<a href="{role}/{name}-{width}.png"><img src="{role}/{name}-{width}.png" '
            f'alt="{html.escape(name)}, {width} px" loading="lazy"></a>'
            for width in WIDTHS
        )
        rows.append(
            f"<h3>{html.escape(name)} <code>{html.escape(address)}</code></h3>"
            f'<div class="shots">{shots}</div>'
        )
    roles = dict.fromkeys(f["role"] for f in findings)
    links = " ".join(f'<a href="#{role}">{role}</a>' for role in roles)
    (out / "index.html").write_text(
        "<!doctype html><html lang=en><meta charset=utf-8><title>Digihelp screenshots</title>"
        "<style>body{font:14px system-ui;margin:1rem}.shots{display:flex;gap:1rem;"
        "align-items:flex-start}.shots img{border:1px solid #ccc;width:360px}"
        ".shots a+a img{width:683px}</style>"
        f"<h1>Digihelp screenshots</h1><p>{links}</p>{''.join(rows)}</html>",
        encoding="utf-8",
    )


def print_report(findings: list[dict]):
    problems = []
    for f in findings:
        where = f"{f['role']:<12} {f['page']:<22}"
        if f["address"] is None:
            problems.append(f"{where} -     nothing to show in the demo")
            continue
        if f["status"] != 200:
            problems.append(f"{where} {f['width']:<5} answered {f['status']}")
        if f["width"] == WIDTHS[0] and f["overflow"] > 0:
            problems.append(f"{where} {f['width']:<5} {f['overflow']} px wider than the screen")
        problems += [f"{where} {f['width']:<5} console: {error[:150]}" for error in f["errors"]]
    print()
    if not problems:
        print("Every page fits 360 px and no console logged an error.")
        return
    print(f"{'role':<12} {'page':<22} {'width':<5} problem")
    print("-" * 72)
    print("\n".join(problems))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--role", action="append", help="only this role (repeatable)")
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    arguments = parser.parse_args()
    out = Path(arguments.out)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="digihelp-screenshots-") as workdir:
        set_up_django(Path(workdir), port)
        from config.pages_by_role import ACCOUNTS, addresses

        roles = arguments.role or list(ACCOUNTS)
        if unknown := set(roles) - set(ACCOUNTS):
            parser.error(f"unknown role {', '.join(unknown)}; roles: {', '.join(ACCOUNTS)}")
        build_demo()
        pages = {role: addresses(role) for role in roles}
        server = Server(port, Path(workdir) / "runserver.log")
        findings = []
        try:
            server.wait_until_ready()
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
                )
                for role, role_pages in pages.items():
                    findings += shoot_role(
                        browser, f"http://127.0.0.1:{port}", role, role_pages, out
                    )
                browser.close()
        finally:
            server.stop()
    write_gallery(out, findings)
    print_report(findings)
    print(f"\nScreenshots in {out}/ (open index.html).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
