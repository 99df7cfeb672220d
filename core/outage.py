"""When the database is down or hung, visitors get a plain, translated 503 page with
`Retry-After` within seconds (the connect and statement time-outs are in settings), never a
500 or a worker killed by gunicorn."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(request):
    """The 503 page. It reads nothing from the database, so it renders while it is down."""
    response = HttpResponse(
        render_to_string("503.html", request=request), status=503, content_type="text/html"
    )
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def logged_unavailable(request, error):
    """The 503 page for a database `error`, logged with it."""
    logger.error("Database unavailable: %s", error, exc_info=error)
    return database_unavailable(request)


class DatabaseUnavailableMiddleware:
    """Turns a database that refuses, times out or drops the connection during a view into
    the 503 page. Errors raised by other middleware reach `server_error` below instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return logged_unavailable(request, exception)
        return None


def server_error(request, template_name="500.html"):
    """`handler500`: the 503 page when the uncaught error is the database's, else Django's."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    return django_server_error(request, template_name)
