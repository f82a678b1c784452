"""Where a request really came from, behind our trusted reverse proxies."""

from django.conf import settings


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the entry that our trusted proxies added.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the client is the
    entry TRUSTED_PROXY_COUNT places from the right. Entries further left were written by
    the client and cannot be trusted.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote_addr
    return forwarded[-hops]
