"""WSGI entry point: `gunicorn cyberwatch.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cyberwatch.settings")

application = get_wsgi_application()
