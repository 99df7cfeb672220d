"""gunicorn's settings for CyberWatch, read by `gunicorn` started in this folder (README,
"Production"); each can be overridden on its command line.

Threaded workers (gthread): a request waiting on the database (up to the 15 s statement
time-out) holds one thread, not a whole worker. With sync workers, two such requests took both
workers and a static file waited 13 s behind them; with threads, static files and `/health/`
still answer within milliseconds (tests/test_gunicorn.py).
"""

import multiprocessing
import os

wsgi_app = "cyberwatch.wsgi:application"

bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# One process per core: rendering holds Python's GIL, so a process's threads share one core;
# the threads cover the waits on PostgreSQL and Redis that sync workers covered by being twice
# as many as the cores (gunicorn's 2 × cores + 1 is for sync workers). At least two, so that one
# worker being restarted or busy leaves another. A container given fewer cores than its host
# has says how many in GUNICORN_WORKERS. Each thread keeps its own database connection
# (CONN_MAX_AGE): workers × threads connections per app server, against PostgreSQL's
# max_connections.
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count())))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker that has not checked in with the master for this long is killed and replaced. Its
# main thread checks in while its threads serve, so this catches a worker stuck whole; it stays
# above the statement time-out (DATABASE_STATEMENT_TIMEOUT, 15 s), which a sync worker
# (`--worker-class sync`) would wait out in its only thread.
timeout = 30
# After a stop or a reload, the requests under way get this long to finish.
graceful_timeout = 30
# No keep-alive by default: each connection is closed after its answer, so that the kernel
# hands every request to whichever worker accepts first. A threaded worker keeps the
# connections it accepted: with keep-alive, a few long-lived connections from the load
# balancer (or wrk's 8) split unevenly between the workers, and one worker, one core under
# the GIL, served most of them while the other idled: the same kept page measured 896 to
# 2,258 req/s from one run to the next, against 1,812 to 1,896 closed after each answer.
# GUNICORN_KEEPALIVE=75 (seconds, above the balancer's own idle time-out, so that it closes
# first and never sends a request on a connection gunicorn is closing) where the balancer
# spreads enough connections for that not to matter.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))

# The app logs one line per request with its id (core/requestlog.py); gunicorn's access log
# only when asked (GUNICORN_ACCESS_LOG=- for stdout).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"

# gunicorn's own limits, written down: a request line (the URL) of 4 KB, 100 headers of 8 KB at
# most; a larger request gets a 400 before it reaches Django.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# The proxies whose X-Forwarded-Proto gunicorn believes (wsgi.url_scheme, so that Django sees
# HTTPS): the load balancer's addresses, or `*` where only it can reach the app servers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
