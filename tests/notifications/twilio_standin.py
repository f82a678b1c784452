"""A stand-in for Twilio's Messages API on 127.0.0.1, for tests and benchmarks.

It answers what `script` says, one answer per create request ("ok" when the script
is empty): "ok", "429", "500" (accepted anyway, then an error), "500-lost" (an error,
not accepted), "timeout" (accepted, answered too late), "timeout-lost", or a Twilio
error code such as "21211". It lists what it accepted, as Twilio's list endpoint does.
"""

import itertools
import threading
import time
from urllib.parse import parse_qs, urlsplit

from tests.notifications.local_server import LocalServer, QuietHandler

ACCOUNT = "AC" + "0" * 32


class StandIn(LocalServer):
    def __init__(self, *, delay_on_timeout=2.0):
        self.lock = threading.Lock()
        self.script: list[str] = []
        self.choose = None  # called for an answer when the script is empty
        self.accepted: list[dict] = []
        self.requests = 0
        self.delay_on_timeout = delay_on_timeout
        self.counter = itertools.count(1)
        standin = self

        class Handler(QuietHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                standin.create(self, form)

            def do_GET(self):
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                with standin.lock:
                    found = [m for m in standin.accepted if m["to"] == query.get("To")]
                standin.answer(
                    self,
                    200,
                    {
                        "messages": found,
                        "next_page_uri": None,
                        "previous_page_uri": None,
                        "first_page_uri": self.path,
                        "uri": self.path,
                        "page": 0,
                        "page_size": 50,
                        "start": 0,
                        "end": len(found),
                    },
                )

        self.serve(Handler)

    def accept(self, form) -> dict:
        message = {
            "sid": f"SM{next(self.counter):032d}",
            "to": form.get("To"),
            "body": form.get("Body"),
            "status": "queued",
            "account_sid": ACCOUNT,
        }
        self.accepted.append(message)
        return message

    def next_answer(self) -> str:
        if self.script:
            return self.script.pop(0)
        return self.choose() if self.choose else "ok"

    def create(self, handler, form):
        with self.lock:
            self.requests += 1
            step = self.next_answer()
            message = self.accept(form) if step in ("ok", "500", "timeout") else None
        if step == "ok":
            return self.answer(handler, 201, message)
        if step == "429":
            return self.answer(handler, 429, {"code": 20429, "message": "Too Many Requests"})
        if step in ("500", "500-lost"):
            return self.answer(handler, 500, {"code": 20500, "message": "Internal Server Error"})
        if step in ("timeout", "timeout-lost"):
            time.sleep(self.delay_on_timeout)
            return self.answer(handler, 201, message or {})
        return self.answer(handler, 400, {"code": int(step), "message": f"error {step}"})
