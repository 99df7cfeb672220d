"""`/health/` for the load balancer and the monitoring: whether this app server reaches its
database and its cache (SPEC §5). 200 when both answer; 503 naming the part that does not."""

import logging

from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core import cache

logger = logging.getLogger(__name__)

# A database that answers more slowly than this is failing, for the load balancer.
DATABASE_TIMEOUT = "2s"


def check_database():
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL statement_timeout = '{DATABASE_TIMEOUT}'")
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    # A real round trip, past the circuit breaker that keeps pages served while Redis is away.
    cache.check()


CHECKS = {"database": check_database, "cache": check_cache}


@never_cache
@require_safe
def health(request):
    parts = {}
    for part, check in CHECKS.items():
        try:
            check()
        # Whatever the error, the answer is this part's failure, never a 500.
        except Exception as error:
            logger.warning("Health check: the %s fails (%s: %s)", part, type(error).__name__, error)
            parts[part] = "error"
            # The error's kind only: its text may hold a host, a user or a password.
            parts[f"{part}_error"] = type(error).__name__
        else:
            parts[part] = "ok"
    healthy = all(parts[part] == "ok" for part in CHECKS)
    return JsonResponse(
        {"status": "ok" if healthy else "error", **parts}, status=200 if healthy else 503
    )
