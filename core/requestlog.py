"""The operations log: one line per request with an id sent back as `X-Request-ID`; the
request's id and client address kept in a context variable, so that lines written outside the
request's own code (a publishing action, a failed sign-in) say where they came from; and a
JSON formatter for `LOG_FORMAT=json`.

The user of a request is logged only when the request looked them up: Django keeps the user it
read in `request._cached_user` (django.contrib.auth.middleware.get_user); reading `request.user`
here would cost a public page its session and user queries."""

import contextvars
import ipaddress
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils.encoding import escape_uri_path

request_logger = logging.getLogger("cyberwatch.request")
security_logger = logging.getLogger("cyberwatch.security")
audit_logger = logging.getLogger("cyberwatch.audit")

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the proxy in front is kept when it cannot smuggle anything into a log line.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
MAX_PATH = 500


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str


current_request = contextvars.ContextVar("cyberwatch_request", default=None)


def current_context():
    """The request being answered in this thread, or None outside a request."""
    return current_request.get()


def request_id_of(request):
    """The proxy's `X-Request-ID` when it is a safe token, else a new one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    if SAFE_REQUEST_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def client_ip(request):
    """The visitor's address. Behind `TRUSTED_PROXY_COUNT` proxies of our own, it is the
    address our outermost proxy added to `X-Forwarded-For`, counted from the right: whatever
    stands further left was sent by the client and proves nothing."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < proxies:
        return remote
    address = forwarded[-proxies].strip()
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return remote
    return address


def known_username(request):
    """The signed-in user's name when the request has already looked the user up."""
    user = getattr(request, "_cached_user", None)
    if user is not None and user.is_authenticated:
        return user.get_username()
    return None


class RequestLogMiddleware:
    """Outermost: every request gets an id and one line on `cyberwatch.request`, static files
    and redirects included. The duration runs until the response is returned, before a
    streamed body (a static file) is sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.request_id = request_id_of(request)
        token = current_request.set(RequestContext(request.request_id, client_ip(request)))
        response = None
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            return response
        finally:
            # Django turns a view's exception into a response; only an error of the
            # middleware around it leaves none, and Django's handler then answers 500.
            status = 500 if response is None else response.status_code
            self.log(request, status, started)
            current_request.reset(token)

    def log(self, request, status, started):
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        # The path only: the query string holds what visitors search for. Percent-encoded as
        # it came: a decoded line break would start a forged line in the log.
        path = escape_uri_path(request.path)[:MAX_PATH]
        context = current_request.get()
        request_logger.info(
            "%s %s %s %.1fms id=%s",
            request.method,
            path,
            status,
            duration_ms,
            request.request_id,
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
                "user": known_username(request),
                "ip": context.ip,
            },
        )


def log_failed_login(sender, credentials, request=None, **kwargs):
    """`user_login_failed`: the name tried and where from. Django has already replaced the
    password in `credentials`; it is never read here anyway."""
    username = str(credentials.get("username", ""))[:150]
    context = current_request.get()
    ip = client_ip(request) if request is not None else (context and context.ip)
    security_logger.warning(
        "Failed login for %r from %s",
        username,
        ip,
        extra={
            "username": username,
            "ip": ip,
            "request_id": getattr(request, "request_id", None) or (context and context.request_id),
        },
    )


def log_publishing_action(action, user, item):
    """One line on `cyberwatch.audit` for an audit entry: who did what to which item, from
    where. Written when the transaction commits: an action rolled back leaves no line. What it
    says is read now (a deleted item has no primary key by then)."""
    username = user.get_username() if user is not None and user.is_authenticated else None
    label = f"{item._meta.label}#{item.pk}"
    item_repr = str(item)[:300]
    context = current_request.get()
    extra = {
        "action": str(action),
        "user": username,
        "item": label,
        "item_repr": item_repr,
        "ip": context and context.ip,
        "request_id": context and context.request_id,
    }
    transaction.on_commit(
        lambda: audit_logger.info("%s %s %r by %s", action, label, item_repr, username, extra=extra)
    )


class RequestContextFilter(logging.Filter):
    """Gives every line written during a request that request's id and client address, so that
    a JSON log can be searched by request."""

    def filter(self, record):
        context = current_request.get()
        if context is not None:
            if getattr(record, "request_id", None) is None:
                record.request_id = context.request_id
            if getattr(record, "ip", None) is None:
                record.ip = context.ip
        return True


# The attributes every LogRecord has; whatever else a record carries came from `extra=`.
STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Django's own `extra=` holds the request object itself (django.request, django.server).
LEFT_OUT = frozenset({"request"})


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, and the fields
    given in `extra=` (request_id, method, path, status, duration_ms, user, ip, action, item…)."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES and key not in LEFT_OUT and value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
