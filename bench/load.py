"""python -m bench.load (make load): a campaign day under load, with faults.

A mixed load on one host with PostgreSQL and the Redis broker, for --minutes (10):
--volunteers (200) phones posting their logs to the sync API every --interval (10)
seconds or so, --organisers (20) organisers signed in and reloading the province
dashboard every 10 to 30 seconds, and a --messages (30,000) reminder fan-out queued at
the start, which the task queue sends at --rate (60) SMS a second to a stand-in Twilio
on 127.0.0.1. A third of the way in PostgreSQL is restarted (stopped, left down for
--down-seconds (10), started); at half time and at three quarters one queue worker is
killed (SIGKILL) in the middle of a send. /healthz is asked every second throughout.

Everything runs as it does in production: gunicorn with deploy/gunicorn.conf.py (three
workers, four threads each) and `manage.py qcluster` with the Redis broker, both as child
processes on the production settings (bench/load_settings.py), on a throw-away
PostgreSQL database and a Redis database of their own that are emptied afterwards.
Phones behave as the logging page does: each log has its UUID, and a batch whose answer
does not come (an error, a timeout, a refused connection) is sent again, same UUIDs,
until it is answered.

Afterwards, once the outbox has drained (at most --drain-minutes), it checks
- every log a phone was told was stored is stored, once; no row nobody sent;
  the dashboard's rollups agree with the sessions;
- every reminder reached the stand-in exactly once and is marked sent, or is failed or
  cancelled with a reason and never reached it;
- no request was answered 5xx outside the restart window (plus GRACE_SECONDS);
- /healthz answered 503 while PostgreSQL was down and 200 before and after.
It prints the figures, merges them into bench/results.json and exits 1 if a check fails.
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432"
GRACE_SECONDS = 5  # after PostgreSQL is back, for requests that were already failing
BATCH_LIMIT = 50  # logs a phone sends in one request at most
VOLUNTEER_TIMEOUT = 20  # seconds a phone waits for an answer
ORGANISER_TIMEOUT = 30
HEALTHZ_TIMEOUT = 5  # as a load balancer's probe
DASHBOARD_PAUSE = (10, 30)  # seconds an organiser looks at the page before reloading
SMS_KIND = "shift_reminder"
SMS_KEY_PREFIX = "load"
USERNAME_PREFIX = "load-"
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)s'
ACCESS_LINE = re.compile(r'"(?:GET|POST) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+)$')


# Recording what happened ------------------------------------------------------------


@dataclass
class Request:
    kind: str  # "log", "dashboard", "login", "healthz"
    started: float  # seconds since the start of the run
    ended: float
    status: int | str  # the HTTP status, or what went wrong ("timeout", "refused", ...)
    round_trip_ms: float
    server_ms: float | None = None
    logs: int = 0  # logs the answer acknowledged


@dataclass
class Window:
    start: float
    end: float | None = None


@dataclass
class Run:
    """What every thread records, on one clock (seconds since the start)."""

    origin: float = field(default_factory=time.monotonic)
    requests: list = field(default_factory=list)
    sent_logs: set = field(default_factory=set)
    acknowledged: set = field(default_factory=set)
    answers: Counter = field(default_factory=Counter)  # under `lock`
    lock: threading.Lock = field(default_factory=threading.Lock)
    restarts: list = field(default_factory=list)
    kills: list = field(default_factory=list)
    stop_logging: threading.Event = field(default_factory=threading.Event)
    stop_dashboards: threading.Event = field(default_factory=threading.Event)
    stop_polling: threading.Event = field(default_factory=threading.Event)
    flush_deadline: float = math.inf

    def now(self) -> float:
        return time.monotonic() - self.origin

    def record(self, request: Request) -> None:
        self.requests.append(request)  # list.append is atomic


def percentile(values, share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def failure_name(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, ConnectionResetError | http.client.RemoteDisconnected):
        return "reset"
    return type(error).__name__


# Child processes ----------------------------------------------------------------------


class Child:
    """A child process in a session of its own, its output in a file."""

    def __init__(self, name: str, command: list[str], environment: dict, logs: Path):
        self.name = name
        self.log = logs / f"{name}.log"
        self.output = self.log.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def text(self) -> str:
        self.output.flush()
        return self.log.read_text(errors="replace")

    def tail(self, characters=4000) -> str:
        return self.text()[-characters:]

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, seconds: float = 60) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.output.close()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(port: int, web: Child, seconds=90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not web.alive():
            raise RuntimeError(f"gunicorn stopped at start:\n{web.tail()}")
        try:
            status, _ = get(port, "/healthz", timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"/healthz did not answer 200 within {seconds} s:\n{web.tail()}")


def process_state(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) from /proc, or None when the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def waiting_on_queue(pid: int) -> bool:
    """Whether the worker is blocked in a read of a pipe or on a lock: waiting for its
    next task (holding the task queue's lock) rather than running one."""
    try:
        number, *arguments = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        return True
    if number == "202":  # futex: waiting for the queue's lock
        return True
    if number == "0":  # read: on a pipe is the task queue, on a socket is work
        try:
            target = os.readlink(f"/proc/{pid}/fd/{int(arguments[0], 16)}")
        except (OSError, IndexError, ValueError):
            return True
        return target.startswith("pipe:")
    return False


def cpu_seconds(root: int) -> float:
    """CPU time of a process and all its descendants, living and finished, from /proc."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        # utime, stime, and cutime, cstime (its children that have ended)
        times[int(entry.name)] = sum(int(value) for value in fields[11:15]) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo += children.get(pid, [])
    return total


def queue_workers(cluster: Child) -> list[int]:
    """The cluster's worker processes that are alive, from the pids they log at start."""
    pids = [int(pid) for pid in re.findall(r"ready for work at (\d+)", cluster.text())]
    alive = []
    for pid in dict.fromkeys(pids):
        state = process_state(pid)
        if state is not None and state[0] not in ("Z", "X"):
            alive.append(pid)
    return alive


# HTTP clients ---------------------------------------------------------------------------

PROXY_HEADERS = {"X-Forwarded-Proto": "https"}  # as nginx, which ends TLS, says


def get(port, path, *, headers=None, timeout=10) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={**PROXY_HEADERS, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def volunteer(run: Run, port: int, phone, interval: float, seed: int) -> None:
    """One phone: a log or two every `interval` seconds on average, sent with whatever
    is still waiting; a batch that gets no answer is sent again, same UUIDs."""
    from bench.bench_sync import SYNC, encode, headers, new_log

    rng = random.Random(seed)
    pending: list[dict] = []
    next_log = run.now() + rng.uniform(0, interval)
    retry_at, failures = 0.0, 0
    while True:
        now = run.now()
        if not run.stop_logging.is_set() and now >= next_log:
            for _ in range(rng.choice((1, 1, 1, 2, 3))):
                log = new_log(phone.commune, rng)
                run.sent_logs.add(log["uuid"])
                pending.append(log)
            next_log = now + rng.uniform(0.5 * interval, 1.5 * interval)
        if pending and now >= retry_at:
            batch = pending[:BATCH_LIMIT]
            if send_logs(run, port, phone.key, batch, encode, headers, SYNC):
                del pending[: len(batch)]
                failures = 0
                continue
            failures += 1
            retry_at = now + min(2**failures, 30) * rng.uniform(0.5, 1.0)
        if run.stop_logging.is_set() and (not pending or run.now() > run.flush_deadline):
            return
        wake = min(next_log, retry_at) if pending else next_log
        if run.stop_logging.is_set():
            wake = retry_at
        time.sleep(max(0.05, min(wake - run.now(), 1.0)))


def send_logs(run, port, key, batch, encode, headers, path) -> bool:
    started = run.now()
    clock = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=VOLUNTEER_TIMEOUT)
    try:
        connection.request(
            "POST", path, body=encode(batch), headers={**PROXY_HEADERS, **headers(key)}
        )
        response = connection.getresponse()
        body = response.read()
        status = response.status
        timing = re.search(r"app;dur=([\d.]+)", response.getheader("Server-Timing") or "")
    except OSError as error:
        run.record(
            Request("log", started, run.now(), failure_name(error), elapsed_ms(clock), None)
        )
        return False
    finally:
        connection.close()
    server_ms = float(timing.group(1)) if timing else None
    request = Request("log", started, run.now(), status, elapsed_ms(clock), server_ms)
    run.record(request)
    if status != 200:
        return False
    results = json.loads(body)["results"]
    with run.lock:
        run.answers.update(result["status"] for result in results)
    for result in results:
        if result["status"] in ("created", "duplicate"):
            run.acknowledged.add(result["uuid"])
            request.logs += 1
    return True


def elapsed_ms(clock: float) -> float:
    return (time.perf_counter() - clock) * 1000


def sign_in(run: Run, port: int, username: str, password: str) -> str:
    """Sign in through the login form as a browser does; returns the session cookie."""
    origin = f"https://127.0.0.1:{port}"
    for attempt in range(20):
        started, clock = run.now(), time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=ORGANISER_TIMEOUT)
        try:
            connection.request("GET", "/accounts/login/", headers=PROXY_HEADERS)
            response = connection.getresponse()
            page = response.read().decode()
            cookies = SimpleCookie()
            for header in response.msg.get_all("Set-Cookie") or []:
                cookies.load(header)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=ORGANISER_TIMEOUT)
            form = urlencode(
                {"username": username, "password": password, "csrfmiddlewaretoken": token}
            )
            connection.request(
                "POST",
                "/accounts/login/",
                body=form,
                headers={
                    **PROXY_HEADERS,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={cookies['csrftoken'].value}",
                    "Origin": origin,
                    "Referer": f"{origin}/accounts/login/",
                },
            )
            response = connection.getresponse()
            response.read()
            for header in response.msg.get_all("Set-Cookie") or []:
                cookies.load(header)
            run.record(Request("login", started, run.now(), response.status, elapsed_ms(clock)))
            if response.status == 302 and "sessionid" in cookies:
                return cookies["sessionid"].value
        except (OSError, AttributeError, KeyError) as error:
            run.record(
                Request("login", started, run.now(), failure_name(error), elapsed_ms(clock))
            )
        finally:
            connection.close()
        time.sleep(1 + attempt)
    raise RuntimeError(f"{username} could not sign in")


def organiser(run: Run, port: int, username: str, password: str, path: str, pause, seed):
    """An organiser with the dashboard open, reloading it every few seconds."""
    rng = random.Random(seed)
    time.sleep(rng.uniform(0, pause[1]))
    session = sign_in(run, port, username, password)
    while not run.stop_dashboards.is_set():
        started, clock = run.now(), time.perf_counter()
        try:
            status, _ = get(
                port, path, headers={"Cookie": f"sessionid={session}"}, timeout=ORGANISER_TIMEOUT
            )
        except OSError as error:
            status = failure_name(error)
        run.record(Request("dashboard", started, run.now(), status, elapsed_ms(clock)))
        if status == 302:  # signed out: that is a failure, sign in again
            session = sign_in(run, port, username, password)
        run.stop_dashboards.wait(rng.uniform(*pause))


def poll_health(run: Run, port: int) -> None:
    while not run.stop_polling.is_set():
        started, clock = run.now(), time.perf_counter()
        try:
            status, _ = get(port, "/healthz", timeout=HEALTHZ_TIMEOUT)
        except OSError as error:
            status = failure_name(error)
        run.record(Request("healthz", started, run.now(), status, elapsed_ms(clock)))
        run.stop_polling.wait(max(0.0, 1.0 - (run.now() - started)))


# Faults -------------------------------------------------------------------------------


def postgres_accepts() -> bool:
    import psycopg

    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=2).close()
    except psycopg.Error:
        return False
    return True


def restart_postgres(run: Run, cluster: str, down_seconds: float) -> None:
    """Stop PostgreSQL, leave it down for `down_seconds`, start it again."""
    window = Window(run.now())
    run.restarts.append(window)
    command = ["pg_ctlcluster", *cluster.split(), "stop" if down_seconds else "restart"]
    print(f"  {window.start:6.1f} s  {' '.join(command)}", flush=True)
    subprocess.run(command, check=True, capture_output=True)
    if down_seconds:
        time.sleep(down_seconds)
        subprocess.run([*command[:-1], "start"], check=True, capture_output=True)
    while not postgres_accepts():
        time.sleep(0.1)
    window.end = run.now()
    print(f"  {window.end:6.1f} s  PostgreSQL is back", flush=True)


def kill_worker(run: Run, cluster: Child) -> None:
    """SIGKILL one queue worker while it runs a task, then time its replacement."""
    started = run.now()
    before = queue_workers(cluster)
    victim = None
    deadline = time.monotonic() + 30
    while victim is None and time.monotonic() < deadline:
        busy = [pid for pid in queue_workers(cluster) if not waiting_on_queue(pid)]
        if busy:
            victim = busy[0]
        else:
            time.sleep(0.01)
    if victim is None:
        print(f"  {started:6.1f} s  no queue worker was busy for 30 s: none killed", flush=True)
        run.kills.append({"at": started, "pid": None, "replaced_after_s": None})
        return
    os.kill(victim, signal.SIGKILL)
    killed_at = run.now()
    print(f"  {killed_at:6.1f} s  killed queue worker {victim}", flush=True)
    record = {"at": killed_at, "pid": victim, "replaced_after_s": None}
    run.kills.append(record)
    while run.now() - killed_at < 60:
        fresh = set(queue_workers(cluster)) - set(before)
        if fresh:
            record["replaced_after_s"] = round(run.now() - killed_at, 2)
            print(f"  {run.now():6.1f} s  the cluster started worker {min(fresh)}", flush=True)
            return
        time.sleep(0.1)


# The database, its contents, and the checks ------------------------------------------


@contextmanager
def throwaway_database():
    import psycopg

    name = f"digihelp_load_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        for _ in range(30):  # PostgreSQL may still be coming back from the restart
            try:
                with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except psycopg.OperationalError:
                time.sleep(1)


def empty_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


@dataclass
class Seeded:
    campaign_id: int
    dashboard: str
    phones: list
    organisers: list  # usernames
    password: str
    history: int


def seed(options, rng: random.Random) -> Seeded:
    """Lạng Sơn's 65 communes, one campaign 30 days in with its roster (today's shifts
    among them), volunteers with an assignment and an API key each, a history of
    sessions with their rollups, and organisers of the province."""
    import secrets

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse
    from django.utils import timezone

    from bench.bench_dashboard import (
        FastLoading,
        analyse,
        make_campaign,
        make_roster,
        make_sessions,
        reset_session_ids,
    )
    from bench.bench_sync import Phone
    from campaign.divisions import load_divisions
    from campaign.models import Province, Role
    from sessions import rollups
    from sessions.api import token_digest
    from sessions.models import ApiToken
    from teams.models import Assignment, Volunteer

    User = get_user_model()
    load_divisions(["20"])
    province = Province.objects.get(code="20")
    today = timezone.localdate()
    campaign = make_campaign(province, today, rng)
    communes = list(campaign.communes.order_by("code"))
    phones, people = [], {}
    for n in range(options.volunteers):
        commune = communes[n % len(communes)]
        user = User.objects.create_user(username=f"{USERNAME_PREFIX}volunteer-{n}")
        person = Volunteer.objects.create(
            full_name=f"Tình nguyện viên {n}",
            phone=f"+8497{n:07d}",
            home_commune=commune,
            user=user,
        )
        Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune)
        key = secrets.token_urlsafe(32)
        ApiToken.objects.create(user=user, name="điện thoại", digest=token_digest(key))
        phones.append(Phone(person, commune.code, key))
        people.setdefault(commune.pk, []).append(person.pk)
    make_roster(campaign, [c for c in communes if c.pk in people], people, today)
    if options.history:
        with FastLoading():
            make_sessions(campaign, people, options.history, today, rng, first_id=1)
        reset_session_ids()
        rollups.rebuild([campaign.pk])
        analyse()
    password = secrets.token_urlsafe(12)
    hashed = make_password(password)  # once: the same password for every organiser
    organisers = []
    for n in range(options.organisers):
        user = User.objects.create(username=f"{USERNAME_PREFIX}organiser-{n}", password=hashed)
        Role.objects.create(user=user, kind=Role.Kind.ORGANISER, province=province)
        organisers.append(user.username)
    return Seeded(
        campaign.pk,
        reverse("help_sessions:dashboard", args=[campaign.pk]),
        phones,
        organisers,
        password,
        options.history,
    )


def queue_fan_out(count: int) -> float:
    """The reminders, queued in bulk as a reminder run does; returns the seconds it took."""
    from bench.bench_sms import reminders
    from notifications.outbox import queue_messages

    start = time.perf_counter()
    created = queue_messages(reminders(count, SMS_KEY_PREFIX))
    assert created == count, f"{created} of {count} reminders queued"
    return time.perf_counter() - start


def unfinished_messages() -> int:
    from django.db import connection

    from notifications.models import Message

    connection.close()  # a connection from before the restart may be dead
    Status = Message.Status
    return Message.objects.filter(
        kind=SMS_KIND, status__in=[Status.QUEUED, Status.SENDING, Status.UNKNOWN]
    ).count()


def check_logs(run: Run, seeded: Seeded) -> dict:
    from django.db import connection

    from sessions import rollups
    from sessions.models import HelpSession

    connection.close()
    stored = Counter(
        str(u)
        for u in HelpSession.objects.filter(campaign_id=seeded.campaign_id)
        .exclude(content_digest="bench")  # the history made before the run
        .values_list("uuid", flat=True)
    )
    return {
        "sent": len(run.sent_logs),
        "acknowledged": len(run.acknowledged),
        "stored": sum(stored.values()),
        "lost": len(run.acknowledged - set(stored)),
        "duplicates": sum(n - 1 for n in stored.values() if n > 1),
        "strangers": len(set(stored) - run.sent_logs),
        "never_answered": len(run.sent_logs - run.acknowledged),
        "rollup_differences": sum(rollups.differences([seeded.campaign_id]).values()),
    }


def check_messages(standin, count: int) -> dict:
    from notifications.models import Message

    Status = Message.Status
    arrived = Counter(record["to"] for record in standin.accepted)
    tally = Counter()
    problems = []
    for recipient, status, reason in Message.objects.filter(kind=SMS_KIND).values_list(
        "recipient", "status", "last_error_reason"
    ):
        copies = arrived.pop(recipient, 0)
        tally[status] += 1
        if copies > 1:
            tally["duplicates"] += copies - 1
        if status in (Status.SENT, Status.DELIVERED):
            if copies == 0:
                problems.append(f"{recipient} is marked {status} but never reached Twilio")
        elif status in (Status.FAILED, Status.CANCELLED, Status.UNDELIVERED):
            if not reason:
                problems.append(f"{recipient} is {status} with no reason")
            if copies:
                problems.append(f"{recipient} is {status} but reached Twilio {copies} times")
        else:
            problems.append(f"{recipient} is still {status}")
    strangers = sum(arrived.values())
    if strangers:
        problems.append(f"{strangers} messages reached Twilio for numbers never queued")
    total = sum(tally[s] for s in Status.values)
    if total != count:
        problems.append(f"{total} reminders in the outbox, {count} queued")
    return {"tally": tally, "problems": problems}


def sending_pace(arrivals: list[float]) -> dict:
    """How fast the reminders reached the stand-in: the rate from the first to the 99th
    percentile (the last few wait for the sweep after a worker died), and the tail."""
    if len(arrivals) < 2:
        return {"rate": None, "first": None, "p99": None, "last": None}
    ordered = sorted(arrivals)
    bulk = max(2, math.ceil(0.99 * len(ordered)))
    p99 = ordered[bulk - 1]
    rate = (bulk - 1) / (p99 - ordered[0]) if p99 > ordered[0] else None
    return {"rate": rate, "first": ordered[0], "p99": p99, "last": ordered[-1]}


def timeline(run: Run, arrivals: list[float], step: int = 30) -> str:
    """Per `step` seconds: logs acknowledged, dashboards served, SMS sent, 5xx."""
    end = max([r.ended for r in run.requests] + arrivals + [0.0])
    rows = [f"{'from s':>7} {'logs':>7} {'pages':>6} {'sms':>6} {'5xx':>5} {'other':>6}"]
    for start in range(0, int(end) + 1, step):
        inside = [r for r in run.requests if start <= r.ended < start + step]
        rows.append(
            f"{start:>7} {sum(r.logs for r in inside):>7} "
            f"{sum(1 for r in inside if r.kind == 'dashboard' and r.status == 200):>6} "
            f"{sum(1 for t in arrivals if start <= t < start + step):>6} "
            f"{sum(1 for r in inside if isinstance(r.status, int) and r.status >= 500):>5} "
            f"{sum(1 for r in inside if not isinstance(r.status, int)):>6}"
        )
    return "\n".join(rows)


# Figures ------------------------------------------------------------------------------


def in_window(request: Request, windows: list[Window]) -> bool:
    return any(
        request.ended >= w.start and request.started <= (w.end or math.inf) + GRACE_SECONDS
        for w in windows
    )


def health_report(run: Run) -> dict:
    """What /healthz said: an outage runs from an answer other than 200 to the next 200.
    A poll with no answer within its timeout (a saturated host) says nothing either way;
    those are counted apart."""
    polls = sorted((r for r in run.requests if r.kind == "healthz"), key=lambda r: r.started)
    outage, down_since, failing_outside = 0.0, None, []
    for poll in polls:
        if not isinstance(poll.status, int):
            continue
        if poll.status != 200 and down_since is None:
            down_since = poll.started
        elif poll.status == 200 and down_since is not None:
            outage += poll.started - down_since
            down_since = None
        if poll.status != 200 and not in_window(poll, run.restarts):
            failing_outside.append(poll)
            print(f"  /healthz at {poll.started:.1f} s answered {poll.status}", flush=True)
    noticed = [
        any(
            isinstance(p.status, int) and p.status != 200 and w.start <= p.started <= w.end
            for p in polls
        )
        for w in run.restarts
    ]
    return {
        "outage_s": round(outage, 1),
        "failing_outside": failing_outside,
        "unanswered": Counter(p.status for p in polls if not isinstance(p.status, int)),
        "answers": Counter(p.status for p in polls if isinstance(p.status, int)),
        "noticed_every_restart": all(noticed),
        "still_down_at_end": down_since is not None,
        "polls": len(polls),
    }


def server_errors(child: Child) -> Counter:
    """The server's 500s by path and by the exception that ended each traceback."""
    found = Counter()
    for block in child.text().split("ERROR django.request Internal Server Error: ")[1:]:
        path = block.split("\n", 1)[0].split("?")[0]
        path = re.sub(r"/\d+/", "/N/", path)
        final = re.findall(r"\n([\w.]+(?:Error|Exception)): ([^\n]{0,60})", block)
        error = final[-1][0].rsplit(".", 1)[-1] if final else "?"
        found[f"{path} {error}"] += 1
    return found


def app_times(child: Child) -> dict[str, list[float]]:
    """Milliseconds each request took in the app, by kind, from gunicorn's access log."""
    kinds = {"log": [], "dashboard": [], "healthz": []}
    for line in child.text().splitlines():
        match = ACCESS_LINE.search(line)
        if not match:
            continue
        path, status, ms = match.groups()
        if status != "200":
            continue
        if path.startswith("/api/v1/help-sessions/sync"):
            kinds["log"].append(float(ms))
        elif path.startswith("/dashboard/"):
            kinds["dashboard"].append(float(ms))
        elif path.startswith("/healthz"):
            kinds["healthz"].append(float(ms))
    return kinds


def figures(run, options, seeded, logs, messages, pace, health, timings, baseline_until):
    from bench import Figure

    minutes = options.minutes
    window = minutes * 60
    log_requests = [r for r in run.requests if r.kind == "log"]
    boards = [r for r in run.requests if r.kind == "dashboard"]
    early_logs = [r for r in log_requests if r.started < baseline_until]
    early_boards = [r for r in boards if r.started < baseline_until]

    def server_times(requests):
        return [r.server_ms for r in requests if r.status == 200 and r.server_ms is not None]

    def round_trips(requests):
        return [r.round_trip_ms for r in requests if r.status == 200]

    def rounded(value, digits=1):
        return None if value is None else round(value, digits)

    served = [r for r in log_requests + boards if isinstance(r.status, int)]
    fives = [r for r in served if r.status >= 500]
    fives_outside = [r for r in fives if not in_window(r, run.restarts)]
    failures = Counter(r.status for r in log_requests + boards if r.status != 200)
    restart = run.restarts[0] if run.restarts else None
    restart_s = (restart.end - restart.start) if restart and restart.end else None
    acknowledged_rate = logs["acknowledged"] / window
    early_rate = sum(r.logs for r in early_logs) / baseline_until if baseline_until else None
    where = (
        f"{options.volunteers} volunteers, {options.organisers} organisers, "
        f"{options.messages:,} SMS at {options.rate}/s, {minutes:g} min; gunicorn "
        f"{options.web_workers}×4 threads, qcluster {options.queue_workers} workers"
    )
    kills = ", ".join(
        f"{k['at']:.0f} s (replaced in {k['replaced_after_s']} s)" for k in run.kills
    )
    restarts = ", ".join(f"{w.start:.0f}–{(w.end or 0):.0f} s" for w in run.restarts)
    result = [
        Figure(
            "load_logs_per_s",
            round(acknowledged_rate, 1),
            "logs/s",
            baseline=f"the same in the first {baseline_until:.0f} s, before the faults",
            baseline_value=rounded(early_rate),
            target="all stored",
            note=(
                f"{logs['acknowledged']:,} logs stored and acknowledged in "
                f"{len(log_requests):,} requests; {where}"
            ),
        ),
        Figure(
            "load_log_p95_ms",
            rounded(percentile(server_times(log_requests), 0.95)),
            "ms",
            baseline=f"the first {baseline_until:.0f} s, before the faults",
            baseline_value=rounded(percentile(server_times(early_logs), 0.95)),
            target="< 150",
            note=(
                "server time (Server-Timing) of answered sync requests over the whole "
                f"run; round trip p95 {rounded(percentile(round_trips(log_requests), 0.95), 0)}"
                f" ms (first {baseline_until:.0f} s: "
                f"{rounded(percentile(round_trips(early_logs), 0.95), 0)} ms)"
            ),
        ),
        Figure(
            "load_dashboard_p95_ms",
            rounded(percentile(round_trips(boards), 0.95), 0),
            "ms",
            baseline=f"the first {baseline_until:.0f} s, before the faults",
            baseline_value=rounded(percentile(round_trips(early_boards), 0.95), 0),
            target="< 1000",
            note=(
                f"round trip of {len(round_trips(boards)):,} dashboard pages, median "
                f"{rounded(statistics.median(round_trips(boards) or [0]), 0)} ms; time in the "
                f"app p95 {rounded(percentile(timings['app']['dashboard'], 0.95), 0)} ms, "
                f"median {rounded(statistics.median(timings['app']['dashboard'] or [0]), 0)} "
                f"ms (gunicorn's access log); the province dashboard over "
                f"{seeded.history:,} earlier sessions plus the run's"
            ),
        ),
        Figure(
            "load_sms_per_s",
            rounded(pace["rate"]),
            "msg/s",
            baseline="SMS_RATE_PER_SECOND",
            baseline_value=options.rate,
            target=f"≈ {options.rate}",
            note=(
                f"{messages['tally']['sent']:,} of {options.messages:,} reminders sent "
                f"through the Twilio provider to a stand-in, from {rounded(pace['first'], 0)} s "
                f"to {rounded(pace['p99'], 0)} s (99 %), the last at {rounded(pace['last'], 0)} "
                f"s; queued in {timings['fan_out']:.1f} s; "
                + ", ".join(f"{n:,} {s}" for s, n in sorted(messages["tally"].items()))
            ),
        ),
        Figure(
            "load_errors_5xx_outside_restart",
            len(fives_outside),
            "requests",
            baseline="5xx inside the restart window",
            baseline_value=len(fives) - len(fives_outside),
            target="= 0",
            note=(
                f"PostgreSQL restarted at {restarts} (+{GRACE_SECONDS} s grace); "
                f"{sum(failures.values()):,} requests not answered 200: "
                + ", ".join(f"{n} {s}" for s, n in failures.most_common())
            ),
        ),
        Figure(
            "load_lost_logs",
            logs["lost"],
            "logs",
            baseline="logs acknowledged",
            baseline_value=logs["acknowledged"],
            target="= 0",
            note=(
                f"{logs['sent']:,} logs made by the phones, {logs['stored']:,} stored, "
                f"{logs['never_answered']} never acknowledged; rollups off by "
                f"{logs['rollup_differences']} rows"
            ),
        ),
        Figure(
            "load_duplicate_logs",
            logs["duplicates"] + logs["strangers"],
            "rows",
            baseline="logs answered duplicate (sent again after a lost answer)",
            baseline_value=run.answers["duplicate"],
            target="= 0",
        ),
        Figure(
            "load_duplicate_sms",
            messages["tally"]["duplicates"],
            "SMS",
            baseline="reminders queued",
            baseline_value=options.messages,
            target="= 0",
            note=(
                f"queue workers killed at {kills or 'no time'}; "
                f"{len(messages['problems'])} reminders not accounted for"
            ),
        ),
        Figure(
            "load_healthz_outage_s",
            health["outage_s"],
            "s",
            baseline="PostgreSQL's restart",
            baseline_value=rounded(restart_s),
            target="≈ restart",
            note=(
                f"{health['polls']} polls, one a second: "
                + ", ".join(f"{n} answered {s}" for s, n in sorted(health["answers"].items()))
                + "".join(f", {n} {s}" for s, n in health["unanswered"].items())
                + f" (no answer in {HEALTHZ_TIMEOUT} s); "
                f"{len(health['failing_outside'])} not 200 outside the restart window"
            ),
        ),
    ]
    return result


def write_results(new) -> None:
    results = HERE / "results.json"
    kept = []
    if results.exists():
        fresh = {f["name"] for f in new}
        kept = [
            f
            for f in json.loads(results.read_text(encoding="utf-8"))["figures"]
            if f["name"] not in fresh
        ]
    results.write_text(
        json.dumps({"figures": kept + new}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"\nwrote {results.relative_to(ROOT)}")


# Running it ---------------------------------------------------------------------------


def environment(options, database_url, redis_url, standin_url, port) -> dict:
    from tests.notifications.twilio_standin import ACCOUNT

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "SKIP_DOTENV": "true",
        "DEBUG": "false",
        "SECRET_KEY": "load-test-only-secret-key-" + uuid.uuid4().hex,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SMS_PROVIDER": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": "load-test-token",
        "TWILIO_FROM_NUMBER": "+15005550006",
        "TWILIO_API_BASE_URL": standin_url,
        "SMS_RATE_PER_SECOND": str(options.rate),
        "SMS_QUIET_HOURS": "",  # the test sends whatever the hour
        "Q_WORKERS": str(options.queue_workers),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(options.web_workers),
        "GUNICORN_LOG_LEVEL": "warning",
        "LOG_LEVEL": "INFO",  # the cluster's workers log their pids at INFO
        "PYTHONUNBUFFERED": "1",
    }


def sleep_until(run: Run, moment: float) -> None:
    while (left := moment - run.now()) > 0:
        time.sleep(min(left, 1.0))


def run_load(options) -> int:
    import django

    from tests.notifications.twilio_standin import StandIn

    rng = random.Random(2025)
    logs_dir = Path(tempfile.mkdtemp(prefix="digihelp-load-"))
    empty_redis(options.redis)
    with throwaway_database() as database_url, StandIn() as standin:
        port = free_port()
        env = environment(options, database_url, options.redis, standin.url, port)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        django.setup()
        from django.core.management import call_command

        print("migrating and seeding ...", flush=True)
        call_command("migrate", verbosity=0)
        seeded = seed(options, rng)

        web = Child(
            "gunicorn",
            [
                *(sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"),
                # The production log line, with the time each request took in the app.
                *("--access-logformat", ACCESS_LOG_FORMAT, "config.wsgi"),
            ],
            env,
            logs_dir,
        )
        cluster = Child("qcluster", [sys.executable, "manage.py", "qcluster"], env, logs_dir)
        try:
            wait_for_health(port, web)
            return load_and_check(options, seeded, standin, port, web, cluster)
        finally:
            cluster.stop()
            web.stop()
            empty_redis(options.redis)
            from django.db import connections

            connections.close_all()
            if options.keep_logs:
                print(f"logs kept in {logs_dir}")
            else:
                for log in logs_dir.iterdir():
                    log.unlink()
                logs_dir.rmdir()


def load_and_check(options, seeded, standin, port, web, cluster) -> int:
    window = options.minutes * 60
    run = Run()
    arrivals = []  # when each reminder reached the stand-in
    accept = standin.accept

    def timed_accept(form):
        message = accept(form)
        arrivals.append(run.now())
        return message

    standin.accept = timed_accept
    threads = [threading.Thread(target=poll_health, args=(run, port), daemon=True)]
    for n, username in enumerate(seeded.organisers):
        threads.append(
            threading.Thread(
                target=organiser,
                args=(run, port, username, seeded.password, seeded.dashboard, DASHBOARD_PAUSE, n),
                daemon=True,
            )
        )
    for n, phone in enumerate(seeded.phones):
        threads.append(
            threading.Thread(
                target=volunteer,
                args=(run, port, phone, options.interval, 1000 + n),
                daemon=True,
            )
        )
    for thread in threads:
        thread.start()
    timings = {"fan_out": queue_fan_out(options.messages)}
    print(
        f"  {run.now():6.1f} s  {options.messages:,} reminders queued in "
        f"{timings['fan_out']:.1f} s; {len(threads) - 1} clients running",
        flush=True,
    )
    faults = [
        (window / 2, lambda: kill_worker(run, cluster)),
        (window * 3 / 4, lambda: kill_worker(run, cluster)),
    ]
    if not options.no_restart:
        faults.insert(
            0,
            (window / 3, lambda: restart_postgres(run, options.postgres, options.down_seconds)),
        )
    for moment, fault in faults:
        sleep_until(run, moment)
        fault()
    sleep_until(run, window)
    run.flush_deadline = window + 120
    run.stop_logging.set()
    run.stop_dashboards.set()
    print(f"  {run.now():6.1f} s  load stopped; phones send what they still hold", flush=True)
    for thread in threads[1:]:
        thread.join()
    drained_at = run.now()
    deadline = drained_at + options.drain_minutes * 60
    while (left := unfinished_messages()) and run.now() < deadline:
        print(f"  {run.now():6.1f} s  {left:,} reminders still to send", flush=True)
        time.sleep(10)
    time.sleep(3)  # healthz polls after everything
    cpu = {
        "web": cpu_seconds(web.process.pid),
        "queue": cpu_seconds(cluster.process.pid),
        "load generator": sum(os.times()[:2]),
    }
    monitor = re.search(r"monitoring at (\d+)", cluster.text())
    if monitor:
        cpu["queue monitor (of queue)"] = cpu_seconds(int(monitor.group(1)))
    print(
        f"  CPU seconds in {run.now():.0f} s: "
        + ", ".join(f"{name} {seconds:.0f}" for name, seconds in cpu.items()),
        flush=True,
    )
    run.stop_polling.set()
    threads[0].join()

    logs = check_logs(run, seeded)
    messages = check_messages(standin, options.messages)
    health = health_report(run)
    baseline_until = min(60.0, run.restarts[0].start if run.restarts else window)
    pace = sending_pace(arrivals)
    timings["app"] = app_times(web)
    results = figures(run, options, seeded, logs, messages, pace, health, timings, baseline_until)
    print("\n" + timeline(run, arrivals))
    print_table(results)

    problems = []
    for name, count in [
        ("logs acknowledged but not stored", logs["lost"]),
        ("logs stored twice", logs["duplicates"]),
        ("rows nobody sent", logs["strangers"]),
        ("logs never acknowledged", logs["never_answered"]),
        ("rollup rows that disagree with the sessions", logs["rollup_differences"]),
        ("answers other than created or duplicate", sum(
            n for s, n in run.answers.items() if s not in ("created", "duplicate")
        )),
        ("SMS that reached Twilio more than once", messages["tally"]["duplicates"]),
        ("5xx answers outside the restart window", next(
            f.value for f in results if f.name == "load_errors_5xx_outside_restart"
        )),
        ("healthz answers other than 200 outside the restart window", len(
            health["failing_outside"]
        )),
    ]:  # fmt: skip
        if count:
            problems.append(f"{count} {name}")
    problems += messages["problems"][:20]
    if not health["noticed_every_restart"]:
        problems.append("/healthz did not report the PostgreSQL restart")
    if health["still_down_at_end"]:
        problems.append("/healthz was still failing at the end")
    if any(k["pid"] is None or k["replaced_after_s"] is None for k in run.kills):
        problems.append("a queue worker was not killed or not replaced")
    for child in (web, cluster):
        if not child.alive():
            problems.append(f"{child.name} stopped during the run")
    errors = server_errors(web)
    if errors:
        print("\nthe web server's 500s: " + ", ".join(
            f"{n} {name}" for name, n in errors.most_common()
        ))  # fmt: skip
    write_results([f.as_dict() for f in results])
    if problems:
        print("\nFAILED:\n  " + "\n  ".join(problems))
        return 1
    print("\nall checks passed")
    return 0


def print_table(results) -> None:
    from bench.__main__ import print_table as table

    table([f.as_dict() for f in results])


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--minutes", type=float, default=10, help="length of the load")
    parser.add_argument("--volunteers", type=int, default=200)
    parser.add_argument("--organisers", type=int, default=20)
    parser.add_argument("--messages", type=int, default=30_000, help="reminders fanned out")
    parser.add_argument("--rate", type=int, default=60, help="SMS_RATE_PER_SECOND")
    parser.add_argument(
        "--interval", type=float, default=10, help="seconds between a phone's logs, on average"
    )
    parser.add_argument(
        "--history", type=int, default=100_000, help="help sessions logged before the run"
    )
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn processes")
    parser.add_argument("--queue-workers", type=int, default=2, help="qcluster workers")
    parser.add_argument(
        "--drain-minutes", type=float, default=20, help="at most, for the outbox to drain after"
    )
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/9",
        help="a Redis database for this test alone: it is emptied before and after",
    )
    parser.add_argument(
        "--postgres", default="15 main", help="the cluster to restart, for pg_ctlcluster"
    )
    parser.add_argument(
        "--down-seconds",
        type=float,
        default=10,
        help="how long PostgreSQL stays stopped in its restart (0: pg_ctlcluster restart)",
    )
    parser.add_argument(
        "--no-restart", action="store_true", help="leave PostgreSQL alone (no root needed)"
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs")
    options = parser.parse_args()
    return run_load(options)


if __name__ == "__main__":
    sys.exit(main())
