"""A stand-in for Zalo's ZNS and OAuth APIs on 127.0.0.1, for tests and benchmarks.

OAuth: each refresh token works once, as at Zalo; using one twice is refused. ZNS: a
send answers what `script` says, one answer per send ("ok" when the script is empty):
"ok", a Zalo error code such as "-118", "expired" (the access token is refused: -124),
"500" (accepted, then an error), "500-lost" (an error, not accepted), "timeout"
(accepted, answered too late), "timeout-lost". Accepted messages are delivered unless
`undelivered` holds their tracking id; `delivery_report` writes Zalo's webhook call.
"""

import hashlib
import itertools
import json
import threading
import time
from urllib.parse import parse_qs, urlsplit

from tests.notifications.local_server import LocalServer, QuietHandler

APP_ID = "1234567890"
APP_SECRET = "app-secret"
OA_SECRET = "oa-secret-key"


class ZaloStandIn(LocalServer):
    def __init__(self, *, delay_on_timeout=2.0, daily_quota=1_000_000, first_refresh="r0"):
        self.lock = threading.Lock()
        self.script: list[str] = []
        self.choose = None  # called for an answer when the script is empty
        self.accepted: list[dict] = []
        self.undelivered: set[str] = set()
        self.sends = 0
        self.refreshes = 0
        self.delay_on_timeout = delay_on_timeout
        self.daily_quota = daily_quota
        self.remaining = daily_quota
        self.refresh_token = first_refresh
        self.access_tokens: set[str] = set()
        self.counter = itertools.count(1)
        self.refresh_delay = 0.0
        standin = self

        class Handler(QuietHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length).decode()
                path = urlsplit(self.path).path
                if path == "/v4/oa/access_token":
                    form = {k: v[0] for k, v in parse_qs(raw).items()}
                    return standin.oauth(self, form)
                if path == "/message/template":
                    return standin.send(self, json.loads(raw))
                return standin.answer(self, 404, {"error": -106, "message": "no such method"})

            def do_GET(self):
                split = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(split.query).items()}
                if split.path == "/message/status":
                    return standin.status(self, query)
                if split.path == "/template/info/v2":
                    return standin.answer(self, 200, {"error": 0, "data": {"status": "ENABLE"}})
                return standin.answer(self, 404, {"error": -106, "message": "no such method"})

        self.serve(Handler)

    # OAuth ----------------------------------------------------------------------------

    def oauth(self, handler, form):
        if self.refresh_delay:
            time.sleep(self.refresh_delay)
        with self.lock:
            self.refreshes += 1
            if (
                handler.headers.get("secret_key") != APP_SECRET
                or form.get("app_id") != APP_ID
                or form.get("grant_type") != "refresh_token"
                or form.get("refresh_token") != self.refresh_token
            ):
                return self.answer(
                    handler,
                    200,
                    {
                        "error": -14020,
                        "error_name": "invalid_grant",
                        "error_description": "Invalid refresh token",
                    },
                )
            number = next(self.counter)
            self.refresh_token = f"r{number}"  # the old one is dead now
            access = f"a{number}"
            self.access_tokens = {access}
        return self.answer(
            handler,
            200,
            {"access_token": access, "refresh_token": f"r{number}", "expires_in": "90000"},
        )

    def expire_tokens(self):
        with self.lock:
            self.access_tokens.clear()

    # ZNS --------------------------------------------------------------------------------

    def next_answer(self) -> str:
        if self.script:
            return self.script.pop(0)
        return self.choose() if self.choose else "ok"

    def send(self, handler, body):
        with self.lock:
            if handler.headers.get("access_token") not in self.access_tokens:
                return self.answer(
                    handler, 200, {"error": -124, "message": "Access token invalid"}
                )
            self.sends += 1
            step = self.next_answer()
            if step == "expired":
                self.access_tokens.clear()
                return self.answer(
                    handler, 200, {"error": -124, "message": "Access token invalid"}
                )
            accepted = None
            if step in ("ok", "500", "timeout"):
                if self.remaining <= 0:
                    return self.answer(
                        handler, 200, {"error": -144, "message": "OA exceeded daily quota"}
                    )
                self.remaining -= 1
                accepted = {
                    "msg_id": f"z{next(self.counter):020d}",
                    "phone": body.get("phone"),
                    "template_id": body.get("template_id"),
                    "template_data": body.get("template_data"),
                    "tracking_id": body.get("tracking_id"),
                    "mode": body.get("mode", ""),
                    "at": int(time.time() * 1000),
                }
                self.accepted.append(accepted)
            remaining = self.remaining
        if step == "ok":
            return self.answer(handler, 200, self.success(accepted, remaining))
        if step in ("500", "500-lost"):
            return self.answer(handler, 502, {"error": -100, "message": "Bad gateway"})
        if step in ("timeout", "timeout-lost"):
            time.sleep(self.delay_on_timeout)
            return self.answer(handler, 200, self.success(accepted, remaining) if accepted else {})
        return self.answer(handler, 200, {"error": int(step), "message": f"error {step}"})

    def success(self, accepted, remaining):
        return {
            "error": 0,
            "message": "Success",
            "data": {
                "msg_id": accepted["msg_id"],
                "sent_time": str(accepted["at"]),
                "quota": {"dailyQuota": str(self.daily_quota), "remainingQuota": str(remaining)},
            },
        }

    def status(self, handler, query):
        if handler.headers.get("access_token") not in self.access_tokens:
            return self.answer(handler, 200, {"error": -124, "message": "Access token invalid"})
        with self.lock:
            found = [m for m in self.accepted if m["msg_id"] == query.get("message_id")]
        if not found:
            return self.answer(handler, 200, {"error": 0, "data": {"status": -1}})
        delivered = found[0]["tracking_id"] not in self.undelivered
        return self.answer(
            handler,
            200,
            {
                "error": 0,
                "data": {
                    "status": 1 if delivered else 0,
                    "delivery_time": str(found[0]["at"]) if delivered else None,
                },
            },
        )

    def delivery_report(self, accepted: dict) -> tuple[bytes, str]:
        """Zalo's webhook call for an accepted message: the body and its signature."""
        timestamp = str(int(time.time() * 1000))
        body = json.dumps(
            {
                "app_id": APP_ID,
                "sender": {"id": "oa-1"},
                "recipient": {"id": accepted["phone"]},
                "event_name": "user_received_message",
                "message": {
                    "msg_id": accepted["msg_id"],
                    "tracking_id": accepted["tracking_id"],
                    "delivery_time": str(accepted["at"] + 1000),
                },
                "timestamp": timestamp,
            }
        ).encode()
        mac = hashlib.sha256(APP_ID.encode() + body + timestamp.encode() + OA_SECRET.encode())
        return body, f"mac={mac.hexdigest()}"
