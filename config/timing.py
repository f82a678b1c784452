"""How long the app took for an API request, in a `Server-Timing` header.

Clients and load tests read it to tell the server's own time from time spent in
queues and on the network: `Server-Timing: app;dur=12.3` (milliseconds).
"""

import time

TIMED_PREFIX = "/api/"


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(TIMED_PREFIX):
            return self.get_response(request)
        start = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
        return response
