"""Django's PostgreSQL backend, with a health check that costs no round trip.

With persistent connections (CONN_MAX_AGE) and CONN_HEALTH_CHECKS, Django checks a kept
connection before each request's first query by sending `SELECT 1`: a round trip to the server
on every request, about a tenth of an article page's time under load. A connection
that is idle, as a kept one is between requests, receives nothing unless the server has left:
a restart, a failover or `pg_terminate_backend()` send a farewell and close the socket, and
both make it readable. So the check looks at the socket first, without waiting, and only asks
the server, as Django does, when something has arrived. A server that vanished without closing
the socket is found by the request's own query, as it would have been by `SELECT 1`.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None:
            return False
        if not hasattr(select, "poll"):
            return super().is_usable()
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        if pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        poll = select.poll()
        poll.register(pgconn.socket, select.POLLIN | select.POLLPRI)
        if poll.poll(0):
            return super().is_usable()
        return True
