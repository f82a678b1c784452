"""Phones sending their logs to a real web server (issue: help sessions).

A gunicorn server runs config.wsgi on 127.0.0.1 (three sync workers on PostgreSQL, one
on SQLite, which has one writer), on the bench database: Lạng Sơn's 65 communes, one
campaign, 50 volunteers with an assignment and an API key each. Clients are threads
posting to the sync API with http.client.

Figures (PostgreSQL; the same with `_sqlite` on SQLite, for information)
- sync_logs_per_s: logs stored per second of wall time, 8 clients sending 25 batches of
  50 logs each (10,000 logs); the database must then hold exactly the logs sent.
  Baseline: the same clients sending 1,000 logs one per request.
- log_p95_ms_50_volunteers: 50 volunteers at once, each sending one log per request
  after a pause of 0.2 to 1.0 s, for 15 s: the 95th percentile of the server's time for
  one request (its `Server-Timing` header, config.timing); the note gives the
  round trip the phone sees. Baseline: one volunteer alone, 60 logs.
- sync_lost_responses_duplicates: 8 clients sending 10 batches of 50 logs each, where
  half of the requests lose their answer (sent in full, then the socket is closed
  unread) and the batch is sent again until an answer arrives. The figure is rows
  stored minus logs sent: every log must be stored exactly once, and every answer to a
  repeat must say duplicate (or created, when the first copy had not got through yet).

Figure (SQLite only)
- log_page_first_load_kb: what a signed-in volunteer's phone downloads to open /log/
  the first time: the page, its scripts and style sheets and the web app manifest, each
  compressed with gzip at level 6. Baseline: the same files uncompressed.
"""

import gzip
import http.client
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

from axes.models import AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench import Figure, stopwatch
from campaign.divisions import load_divisions
from campaign.models import Campaign, Province
from sessions import recording
from sessions.api import token_digest
from sessions.models import ApiToken, HelpSession
from teams.models import Assignment, Volunteer

POSTGRES_FIGURES = [
    "sync_logs_per_s",
    "log_p95_ms_50_volunteers",
    "sync_lost_responses_duplicates",
]
ROOT = Path(__file__).resolve().parent.parent
SYNC = "/api/v1/help-sessions/sync"
USERNAME_PREFIX = "bench-sync-"
VOLUNTEERS = 50
CLIENTS = 8
BATCH = 50
BATCHES_PER_CLIENT = 25  # 8 x 25 x 50 = 10,000 logs
SINGLE_LOGS_PER_CLIENT = 125  # 8 x 125 = 1,000 logs, one per request
LOST_BATCHES_PER_CLIENT = 10  # 8 x 10 x 50 = 4,000 logs
MAX_ATTEMPTS = 30
BUSY_SECONDS = 15
ALONE_REQUESTS = 60
SERVICES = [
    "eid_account",
    "eid_level_2",
    "portal_account",
    "online_application",
    "online_payment",
    "certified_copy",
    "account_safety",
    "queue_number_app",
    "smartphone_basics",
    "other",
]
OUTCOMES = ["done"] * 6 + ["partly_done", "referred", "needs_follow_up"]


@dataclass
class Phone:
    """A volunteer's phone: who logs, where, and the key it signs its requests with."""

    volunteer: Volunteer
    commune: str
    key: str


@dataclass
class Answer:
    statuses: Counter
    server_ms: float
    round_trip_ms: float


# The server.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving config.wsgi on 127.0.0.1, with the bench's settings and database."""

    def __init__(self, workers: int):
        self.workers = workers
        self.port = free_port()
        self.process = None
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()

    def start(self):
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": os.environ["DATABASE_URL"],
            # The limiter still counts every request, but never refuses one here: the
            # figures are about the server, and a full-scale run sends far more per phone.
            "SYNC_RATE_LIMIT": "1000000/m",
        }
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--worker-class", "sync",
            "--timeout", "60",
            "--graceful-timeout", "5",
            "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers stop with it
        )
        self.wait_until_healthy()

    def wait_until_healthy(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start:\n{self.log_tail()}")
            probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                probe.close()
            time.sleep(0.2)
        raise RuntimeError(f"/healthz did not answer within {seconds} s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        self.output.seek(0)
        return self.output.read()[-4000:].decode(errors="replace")

    def errors(self) -> list[str]:
        """Errors the server logged, such as a request that failed where nobody saw it
        (its answer was dropped)."""
        self.output.seek(0)
        lines = self.output.read().decode(errors="replace").splitlines()
        marks = (" ERROR ", " CRITICAL ", "[ERROR]", "[CRITICAL]", "Traceback")
        return [line for line in lines if any(mark in line for mark in marks)]

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.output.close()


# The clients.


def new_log(commune: str, rng: random.Random) -> dict:
    helped_at = timezone.now() - timedelta(minutes=rng.randint(1, 240))
    log = {
        "uuid": str(uuid.uuid4()),
        "commune": commune,
        "helped_at": timezone.localtime(helped_at).isoformat(),
        "services": rng.sample(SERVICES, rng.choice((1, 2))),
        "outcome": rng.choice(OUTCOMES),
    }
    if rng.random() < 0.5:
        log["minutes"] = rng.randint(5, 45)
    return log


def encode(logs: list[dict]) -> bytes:
    return json.dumps({"sessions": logs}, ensure_ascii=False).encode()


def headers(key: str) -> dict:
    return {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}


def post(client: http.client.HTTPConnection, key: str, body: bytes) -> Answer:
    """Send one batch and read its answer. gunicorn's sync workers close the connection
    after each answer; http.client then opens a new one for the next request."""
    start = time.perf_counter()
    client.request("POST", SYNC, body=body, headers=headers(key))
    response = client.getresponse()
    data = response.read()
    round_trip_ms = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise RuntimeError(f"the sync API answered {response.status}: {data[:500]!r}")
    timing = re.search(r"app;dur=([\d.]+)", response.getheader("Server-Timing") or "")
    if timing is None:
        raise RuntimeError("no Server-Timing header on the sync API's answer")
    statuses = Counter(result["status"] for result in json.loads(data)["results"])
    return Answer(statuses, float(timing.group(1)), round_trip_ms)


def send_and_drop(client: http.client.HTTPConnection, key: str, body: bytes) -> None:
    """Send the whole request, then hang up without reading the answer: the server still
    stores the batch, and the phone never learns it did."""
    client.request("POST", SYNC, body=body, headers=headers(key))
    client.close()


def run_threads(target, arguments: list[tuple]) -> None:
    errors = []

    def guarded(*args):
        try:
            target(*args)
        except Exception as error:  # noqa: BLE001 - raised again below, in the bench thread
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def plan_batches(phones, clients, batches_per_client, batch_size, seed):
    """Every client's batches, made and encoded before the clock starts: (key, body, logs)."""
    rng = random.Random(seed)
    plans = []
    for number in range(clients):
        plan = []
        for index in range(batches_per_client):
            phone = phones[(number * batches_per_client + index) % len(phones)]
            logs = [new_log(phone.commune, rng) for _ in range(batch_size)]
            plan.append((phone.key, encode(logs), logs))
        plans.append(plan)
    return plans


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# The measurements.


def warm_up(server: Server, phones: list[Phone]) -> None:
    """Every worker connected to the database and through its first request."""
    plans = plan_batches(phones, server.workers * 2, 3, 1, seed=0)

    def client(plan):
        connection = server.connect()
        for key, body, _ in plan:
            post(connection, key, body)

    run_threads(client, [(plan,) for plan in plans])


def measure_throughput(server, phones, campaign, batches_per_client, batch_size):
    """Logs stored per second of wall time, with CLIENTS clients sending at once."""
    plans = plan_batches(phones, CLIENTS, batches_per_client, batch_size, seed=batch_size)
    sent = sum(len(logs) for plan in plans for _, _, logs in plan)
    before = HelpSession.objects.filter(campaign=campaign).count()

    def client(plan):
        connection = server.connect()
        for key, body, logs in plan:
            answer = post(connection, key, body)
            assert answer.statuses == {recording.CREATED: len(logs)}, answer.statuses

    with stopwatch() as wall:
        run_threads(client, [(plan,) for plan in plans])
    stored = HelpSession.objects.filter(campaign=campaign).count() - before
    assert stored == sent, f"{stored} logs stored of {sent} sent"
    return stored / wall["seconds"], sent, wall["seconds"]


def measure_alone(server, phone: Phone) -> list[float]:
    """Server times of one volunteer sending logs one by one, with nobody else about."""
    rng = random.Random(1)
    client = server.connect()
    times = []
    for _ in range(ALONE_REQUESTS):
        answer = post(client, phone.key, encode([new_log(phone.commune, rng)]))
        assert answer.statuses == {recording.CREATED: 1}, answer.statuses
        times.append(answer.server_ms)
    return times


def measure_busy_day(server, phones: list[Phone]):
    """Every volunteer logging at once, each after a short pause; server and round-trip
    times of every request."""
    server_times, round_trips = [], []
    deadline = time.monotonic() + BUSY_SECONDS

    def volunteer(phone, seed):
        rng = random.Random(seed)
        client = server.connect()
        time.sleep(rng.uniform(0, 1.0))  # they do not all start on the same instant
        while True:
            pause = rng.uniform(0.2, 1.0)
            if time.monotonic() + pause > deadline:
                break
            time.sleep(pause)
            answer = post(client, phone.key, encode([new_log(phone.commune, rng)]))
            assert answer.statuses == {recording.CREATED: 1}, answer.statuses
            server_times.append(answer.server_ms)
            round_trips.append(answer.round_trip_ms)

    run_threads(volunteer, [(phone, 100 + n) for n, phone in enumerate(phones)])
    return server_times, round_trips


def measure_lost_responses(server, phones, campaign):
    """Half of the answers lost, every lost batch sent again until an answer arrives.
    Returns rows stored minus logs sent, and a tally of what happened."""
    plans = plan_batches(phones, CLIENTS, LOST_BATCHES_PER_CLIENT, BATCH, seed=7)
    sent = [log["uuid"] for plan in plans for _, _, logs in plan for log in logs]
    before = HelpSession.objects.filter(campaign=campaign).count()
    tallies = []

    def client(plan, seed):
        rng = random.Random(seed)
        connection = server.connect()
        tally = Counter()
        for key, body, logs in plan:
            for attempt in range(1, MAX_ATTEMPTS + 1):
                if rng.random() < 0.5:
                    send_and_drop(connection, key, body)
                    tally["dropped"] += 1
                    time.sleep(rng.uniform(0, 0.2))  # the phone tries again a little later
                    continue
                answer = post(connection, key, body)
                if attempt == 1:
                    assert answer.statuses == {recording.CREATED: len(logs)}, answer.statuses
                else:
                    assert set(answer.statuses) <= {recording.DUPLICATE, recording.CREATED}, (
                        answer.statuses
                    )
                    tally["retried batches"] += 1
                    tally.update(answer.statuses)
                break
            else:
                raise RuntimeError(f"no answer in {MAX_ATTEMPTS} attempts")
        tallies.append(tally)

    with stopwatch() as wall:
        run_threads(client, [(plan, 200 + n) for n, plan in enumerate(plans)])
    # A dropped request may still be running on the server: let it finish before counting.
    time.sleep(1)
    stored = HelpSession.objects.filter(campaign=campaign).count() - before
    found = sum(
        HelpSession.objects.filter(uuid__in=sent[start : start + 1000]).count()
        for start in range(0, len(sent), 1000)
    )
    assert found == len(sent), f"{len(sent) - found} logs sent were never stored"
    return stored - len(sent), len(sent), sum(tallies, Counter()), wall["seconds"]


class PageFiles(HTMLParser):
    """The files a page makes the browser fetch: scripts, style sheets, the manifest, and
    the service worker the logging page registers."""

    def __init__(self):
        super().__init__()
        self.files, self.worker = [], None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        rel = (attributes.get("rel") or "").lower().split()
        if tag == "script" and attributes.get("src"):
            self.files.append(attributes["src"])
        elif tag == "link" and ("stylesheet" in rel or "manifest" in rel):
            self.files.append(attributes["href"])
        if attributes.get("data-worker-url"):
            self.worker = attributes["data-worker-url"]


def fetch(client: Client, url: str) -> bytes:
    response = client.get(url)
    if response.status_code == 200:
        return b"".join(response.streaming_content) if response.streaming else response.content
    if url.startswith(settings.STATIC_URL):
        found = finders.find(url.removeprefix(settings.STATIC_URL))
        if found:
            return Path(found).read_bytes()
    raise RuntimeError(f"{url} answered {response.status_code}")


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def measure_log_page(phone: Phone) -> Figure:
    # A volunteer some way into their day: the page's list of recent logs is full.
    rng = random.Random(3)
    recording.record_sessions(phone.volunteer, [new_log(phone.commune, rng) for _ in range(20)])
    client = Client()
    client.force_login(phone.volunteer.user)
    try:
        page = client.get(reverse("help_sessions:log"))
        assert page.status_code == 200, page.status_code
        files = PageFiles()
        files.feed(page.content.decode())
        assert files.files, "no scripts or style sheets found on /log/"
        bodies = {"page": page.content, **{url: fetch(client, url) for url in files.files}}
        raw = sum(len(body) for body in bodies.values())
        packed = sum(gzipped(body) for body in bodies.values())

        # Not counted above: what the service worker fetches when it installs itself
        # (its own script, the files it keeps that the page did not load, the page again).
        extra = 0
        if files.worker:
            worker = fetch(client, files.worker)
            kept = re.search(rb"const FILES = (\[.*?\]);", worker)
            kept_urls = json.loads(kept.group(1)) if kept else []
            extra = gzipped(worker) + gzipped(page.content)
            extra += sum(gzipped(fetch(client, url)) for url in kept_urls if url not in bodies)
    finally:
        client.logout()
    names = [url.rsplit("/", 1)[-1] for url in files.files]
    return Figure(
        "log_page_first_load_kb",
        round(packed / 1024, 1),
        "KB",
        baseline="the same files uncompressed",
        baseline_value=round(raw / 1024, 1),
        target="< 60",
        note=(
            f"page {gzipped(page.content) / 1024:.1f} KB with 20 recent logs, plus "
            f"{len(files.files)} files ({', '.join(names)}), gzip -6; "
            f"the service worker's install adds {extra / 1024:.1f} KB"
        ),
    )


# Setting up and cleaning up.


def set_up():
    load_divisions(["20"])
    province = Province.objects.get(code="20")
    campaign = Campaign.objects.create(
        name="45 ngày đêm hỗ trợ chuyển đổi số",
        province=province,
        start=timezone.localdate() - timedelta(days=3),
        sms_brand="SỞ TT&TT",
    )
    campaign.add_all_communes()
    communes = list(campaign.communes.order_by("code"))
    phones = []
    for n in range(VOLUNTEERS):
        commune = communes[n % len(communes)]
        user = get_user_model().objects.create_user(username=f"{USERNAME_PREFIX}{n}")
        volunteer = Volunteer.objects.create(
            full_name=f"Tình nguyện viên {n}",
            phone=f"+8496{n:07d}",
            home_commune=commune,
            user=user,
        )
        Assignment.objects.create(volunteer=volunteer, campaign=campaign, commune=commune)
        key = secrets.token_urlsafe(32)
        ApiToken.objects.create(user=user, name="điện thoại", digest=token_digest(key))
        phones.append(Phone(volunteer, commune.code, key))
    return campaign, phones


def forget_logs(campaign):
    HelpSession.objects.filter(campaign=campaign).delete()


def clean_up(campaign):
    forget_logs(campaign)
    users = get_user_model().objects.filter(username__startswith=USERNAME_PREFIX)
    Volunteer.objects.filter(user__in=users).delete()
    users.delete()
    AccessLog.objects.filter(username__startswith=USERNAME_PREFIX).delete()  # the sign-in
    campaign.delete()


def run(context):
    engine = context["engine"]
    suffix = "" if engine == "postgres" else "_sqlite"
    workers = 1 if connection.vendor == "sqlite" else 3
    figures = []
    campaign, phones = set_up()
    server = Server(workers)
    try:
        if engine == "sqlite":
            figures.append(measure_log_page(phones[0]))
            forget_logs(campaign)

        server.start()
        warm_up(server, phones)
        forget_logs(campaign)
        where = f"gunicorn, {workers} sync worker{'s' if workers > 1 else ''}, {CLIENTS} clients"

        rate, sent, seconds = measure_throughput(
            server, phones, campaign, BATCHES_PER_CLIENT, BATCH
        )
        forget_logs(campaign)
        single_rate, single_sent, single_seconds = measure_throughput(
            server, phones, campaign, SINGLE_LOGS_PER_CLIENT, 1
        )
        forget_logs(campaign)
        figures.append(
            Figure(
                f"sync_logs_per_s{suffix}",
                round(rate, 1),
                "logs/s",
                baseline=f"the same, one log per request ({single_sent:,} logs)",
                baseline_value=round(single_rate, 1),
                target="> 300",
                note=(
                    f"{sent:,} logs in batches of {BATCH} in {seconds:.1f} s, all stored "
                    f"(one per request: {single_seconds:.1f} s); {where}"
                ),
            )
        )

        alone = measure_alone(server, phones[0])
        forget_logs(campaign)
        server_times, round_trips = measure_busy_day(server, phones)
        forget_logs(campaign)
        figures.append(
            Figure(
                f"log_p95_ms_50_volunteers{suffix}",
                round(percentile(server_times, 0.95), 1),
                "ms",
                baseline=f"one volunteer alone, server p95 of {ALONE_REQUESTS} logs",
                baseline_value=round(percentile(alone, 0.95), 1),
                target="< 150",
                note=(
                    f"{len(server_times):,} logs from {len(phones)} volunteers in "
                    f"{BUSY_SECONDS} s ({len(server_times) / BUSY_SECONDS:.0f}/s), "
                    f"server median {statistics.median(server_times):.1f} ms; round trip "
                    f"p95 {percentile(round_trips, 0.95):.0f} ms, median "
                    f"{statistics.median(round_trips):.0f} ms; gunicorn, {workers} sync "
                    f"worker{'s' if workers > 1 else ''}"
                ),
            )
        )

        difference, sent, tally, seconds = measure_lost_responses(server, phones, campaign)
        figures.append(
            Figure(
                f"sync_lost_responses_duplicates{suffix}",
                difference,
                "rows",
                baseline="logs sent",
                baseline_value=sent,
                target="= 0",
                note=(
                    f"{tally['dropped']} answers dropped; {tally['retried batches']} batches "
                    f"sent again until answered, their logs came back "
                    f"{tally[recording.DUPLICATE]:,} duplicate, "
                    f"{tally[recording.CREATED]:,} created; {seconds:.1f} s; {where}"
                ),
            )
        )
        errors = server.errors()
        assert not errors, f"the server logged errors:\n{server.log_tail()}"
    finally:
        server.stop()
        clean_up(campaign)
    return figures
