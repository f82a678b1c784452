"""/healthz: is this web host able to serve? Load balancers and process managers ask."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_q.brokers import get_broker

logger = logging.getLogger(__name__)


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_task_queue() -> str:
    broker = get_broker()
    if not broker.ping():
        raise ConnectionError("the task broker does not answer")
    # Counting the queue reads the broker's own storage (a table or a Redis list).
    return f"ok ({broker.info()}, {broker.queue_size()} waiting)"


CHECKS = {"database": check_database, "task_queue": check_task_queue}


@never_cache
@require_GET
def healthz(request):
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure makes the host unhealthy
            healthy = False
            results[name] = f"failing: {type(error).__name__}: {error}"
            logger.warning("healthz: %s is failing: %s", name, error)
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": results},
        status=200 if healthy else 503,
    )
