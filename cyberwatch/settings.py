"""Settings for CyberWatch, read from the environment (see README.md, "Configuration").

Defaults make `make run` work with nothing set: DEBUG on, a SQLite file, a local-memory cache.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the environment when DEBUG is off "
            "(make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its admin classes patch in first.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "reversion",
    "reversion_compare",
    "django_prose_editor",
    "concurrency",
    "core",
    "cyberwatch",
    "crimes",
    "initiatives",
    "news",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and auth middleware, whose database errors it answers with a 503.
    "core.outage.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.admin_language.AdminLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cyberwatch.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The public site renders with Jinja2, through Django's own backend (core/jinja2.py): its
# templates live in templates/jinja2/ and end in .jinja. The admin and the bare error pages
# (500, 503) keep Django's template language.
TEMPLATES.insert(
    0,
    {
        "BACKEND": "core.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "core.jinja2.environment",
            "context_processors": ["core.jinja2.page"],
        },
    },
)

WSGI_APPLICATION = "cyberwatch.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database that refuses, hangs or runs away answers within seconds: visitors then get the
# 503 page (core/outage.py) instead of a worker blocked until gunicorn kills it.
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=3)  # seconds
DATABASE_STATEMENT_TIMEOUT = env.int("DATABASE_STATEMENT_TIMEOUT", default=15_000)  # ms, 0: none
DATABASE_RETRY_AFTER = env.int("DATABASE_RETRY_AFTER", default=30)  # seconds, in the 503
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that costs no round trip (see its docstring).
    DATABASES["default"]["ENGINE"] = "core.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    server_options = []
    if DATABASE_STATEMENT_TIMEOUT:
        server_options.append(f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}")
    # Server-side parameter binding: the same query with other values is parsed once per
    # connection (psycopg prepares it from its second run), and planned once when PostgreSQL
    # finds a plan for any values as good as those it made for each (plan_cache_mode=auto).
    # The words filter's queries are never prepared: their best plan depends on the words
    # (core.prepared.Prepared.replanned). Off behind a transaction-mode pooler such as
    # PgBouncer (DATABASE_PREPARED=0).
    if env.bool("DATABASE_PREPARED", default=True):
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 2)
        server_options.append("-c plan_cache_mode=auto")
    if server_options:
        DATABASES["default"]["OPTIONS"].setdefault("options", " ".join(server_options))
# Public queries compiled once, re-run with new values (core/prepared.py); 0: plain ORM.
COMPILED_QUERIES = env.bool("COMPILED_QUERIES", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# No lost update (core/editing.py): every stored row has a version, checked in the UPDATE.
# Version 0 means "not known" (an object rebuilt from a revision, which leaves the version out):
# its save writes over the version stored now. The admin form never posts 0 for a stored row.
CONCURRENCY_VERSION_FIELD_REQUIRED = False

# The cache: CACHE_URL in django-environ's syntax wins (`dummycache://` for no cache at all, as
# the benchmark's cold rows use; `locmemcache://`, `rediscache://host:6379/0`); REDIS_URL is the
# short form for Redis; with neither, a local-memory cache. Every cache the site uses is this one.
CACHE_URL = env.str("CACHE_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="")
if CACHE_URL:
    CACHES = {"default": env.cache_url_config(CACHE_URL)}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cyberwatch",
        }
    }
CACHES["default"].setdefault("KEY_PREFIX", "cyberwatch")

# Mail (core/notifications.py): EMAIL_URL in django-environ's syntax, e.g.
# `smtp+tls://user:password@mail.example.org:587`; by default mail is written to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="CyberWatch newsroom <newsroom@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# How often an open change form asks whether someone else saved the item (seconds).
NEWSROOM_EDITED_POLL_SECONDS = env.int("NEWSROOM_EDITED_POLL_SECONDS", default=30)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: English is the default; Arabic is written right to left.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Dates belong to the organisation's seat: an article published at 23:30 on 31 May in Lyon is
# in May, whatever the server's clock says.
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
# The tabbed admin needs jQuery UI; it is served from our static files, never from a CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = env.str("STATIC_URL", default="/static/")
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: images are checked again by cyberwatch.images; this keeps big bodies off the heap.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Production hardening; `manage.py check --deploy` is clean with DEBUG off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is the operator's decision.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
