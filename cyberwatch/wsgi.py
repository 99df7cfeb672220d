"""WSGI entry point: `gunicorn cyberwatch.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cyberwatch.settings")

application = get_wsgi_application()

# What is loaded at start-up (Django, the apps, the models: about 110,000 objects) lives as long
# as the worker: leave it out of the garbage collector's full passes. Those came once in about
# 450 requests and stopped the worker for 70–135 ms each, the slowest 1 % of the requests
# (bench/RESULTS.md); frozen, they take under 10 ms.
gc.freeze()
