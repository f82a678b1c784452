"""Abuse limits and send rates: requests counted in the cache, in fixed windows.

One algorithm for every limit: the sync API per volunteer, the pages behind links sent
by SMS and wrong tokens on them per client address, reset codes per number and per
address, and the SMS send rate per provider. Each limit is (requests, window in
seconds), most of them read from the environment in config/settings.py
(SYNC_RATE_LIMIT, LINK_RATE_LIMIT, WRONG_LINK_RATE_LIMIT); None means no limit. A window
starts on a multiple of its length, so every host agrees on when it ends and can say so
in Retry-After. With Redis as the cache (production) the count is shared by every host
and process; the development cache counts per process.
"""

import math
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from lib.client_address import client_ip

Rate = tuple[int, int] | None


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    # Seconds until the current window ends: when a refused client may try again.
    retry_after: int


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"rate limited, retry after {retry_after} s")
        self.retry_after = retry_after


def clock() -> float:
    return time.time()


def _window(scope: str, who: str, rate: tuple[int, int], now: float | None) -> tuple[str, int]:
    """The counter's key for the window under way, and the seconds left in it."""
    key, left, _previous = _windows(scope, who, rate, now)
    return key, left


def _windows(scope: str, who: str, rate: tuple[int, int], now: float | None):
    """The keys of the window under way and of the one before it, and the seconds left."""
    _, seconds = rate
    now = clock() if now is None else now
    start = int(now // seconds) * seconds
    left = max(1, math.ceil(start + seconds - now))
    key = f"ratelimit:{scope}:{seconds}:{{}}:{who}"
    return key.format(start), left, key.format(start - seconds)


def hit(
    scope: str, who: str, rate: Rate, *, now: float | None = None, strict: bool = False
) -> Verdict:
    """Count one request by `who` (a client address, a volunteer's id) under `scope`;
    `now` (a timestamp) for a count at a moment other than this one.

    A window's count starts afresh, so two full windows' worth can come together around
    the moment one ends. With `strict` the previous window's count is added to this
    one's: no span of one window then holds more than the limit. For limits on what
    costs money, such as the SMS codes a reset sends."""
    if rate is None:
        return Verdict(True, 0)
    key, left, previous = _windows(scope, who, rate, now)
    # Kept for a second window, which a strict count reads as the previous one.
    timeout = left + rate[1] + 1
    # add() creates the counter only when it is missing and incr() adds one: each is one
    # atomic command on Redis, so requests arriving together on several hosts all count.
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # the counter expired between the two calls
        cache.add(key, 1, timeout=timeout)
        count = 1
    if strict:
        count += cache.get(previous, 0)
    return Verdict(count <= rate[0], left)


def peek(scope: str, who: str, rate: Rate) -> Verdict:
    """Whether `who` is still within `rate`, without counting a request."""
    if rate is None:
        return Verdict(True, 0)
    key, left = _window(scope, who, rate, None)
    return Verdict(cache.get(key, 0) < rate[0], left)


def enforce(scope: str, who: str, rate: Rate) -> None:
    """Count one request; raise RateLimited when it is over the limit."""
    verdict = hit(scope, who, rate)
    if not verdict.allowed:
        raise RateLimited(verdict.retry_after)


def too_many_requests(request, retry_after: int):
    """The page a refused request gets: 429, when to try again, and Retry-After."""
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(request, "rate_limited.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


WRONG_LINK = "wrong-link"


def link_page(scope: str):
    """For pages opened from a link or code sent by SMS, limited per client address.

    Each page counts its own requests (LINK_RATE_LIMIT). Wrong tokens and codes count
    together across these pages (WRONG_LINK_RATE_LIMIT, see count_wrong_link): an
    address past that limit is refused on all of them until its window ends.
    """

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            address = client_ip(request)
            wrong = peek(WRONG_LINK, address, settings.WRONG_LINK_RATE_LIMIT)
            if not wrong.allowed:
                return too_many_requests(request, wrong.retry_after)
            verdict = hit(f"link:{scope}", address, settings.LINK_RATE_LIMIT)
            if not verdict.allowed:
                return too_many_requests(request, verdict.retry_after)
            return view(request, *args, **kwargs)

        return limited

    return decorator


def count_wrong_link(request) -> None:
    """Count a wrong or used-up token (or code) from this request's address."""
    hit(WRONG_LINK, client_ip(request), settings.WRONG_LINK_RATE_LIMIT)
