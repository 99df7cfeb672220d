"""The product's URLs plus `/floor/`: a fixed 20 KB HTML page with no database and no template.

The floor goes through the project's middleware like every page, so its requests per second are
what this server can do for a Django response at all; pages are read as a share of it.
"""

from django.http import HttpResponse
from django.urls import path

from cyberwatch.urls import handler500  # noqa: F401  (the product's error page applies here too)
from cyberwatch.urls import urlpatterns as product_urlpatterns

FLOOR_SIZE = 20 * 1024


def floor_page(size=FLOOR_SIZE):
    """An HTML page of exactly `size` bytes, built once at import."""
    head = (
        b'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Floor</title>'
        b"</head>\n<body>\n<main>\n<h1>Floor</h1>\n"
    )
    tail = b"</main>\n</body>\n</html>\n"
    paragraph = (
        b"<p>A fixed page of twenty kilobytes, served by Django through the same middleware "
        b"as every page of the site, without a database and without a template.</p>\n"
    )
    room = size - len(head) - len(tail)
    body = paragraph * (room // len(paragraph))
    return head + body + b" " * (room - len(body)) + tail


FLOOR_PAGE = floor_page()


def floor(request):
    return HttpResponse(FLOOR_PAGE)


urlpatterns = [path("floor/", floor), *product_urlpatterns]
