"""Settings for CyberWatch, read from the environment (see README.md, "Configuration").

Defaults make `make run` work with nothing set: DEBUG on, a SQLite file, a local-memory cache.
"""

import mimetypes
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
    # Outermost: one log line and an X-Request-ID for every request, static files and redirects
    # included (core/requestlog.py).
    "core.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages from the shared cache, before the session, locale and auth middleware it
    # spares them; and their HTTP caching headers (cyberwatch/caching.py).
    "cyberwatch.caching.PublicPageCaching",
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
# A connection is kept for the next requests of its thread (one per gunicorn thread), instead of
# a new one, a few milliseconds, for each request; checked before reuse without a round trip on
# PostgreSQL (core/postgresql). 0: one connection per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
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
    # No JIT compilation: it starts above a plan cost that only the words filter's aggregate
    # reaches, and there it cost more than it saved (18-28 of 300-400 ms at 1,000,000 articles,
    # to compile expressions for one run). DATABASE_JIT=1 leaves the server's setting.
    server_options = [] if env.bool("DATABASE_JIT", default=False) else ["-c jit=off"]
    if DATABASE_STATEMENT_TIMEOUT:
        server_options.append(f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}")
    # Server-side parameter binding: the same query with other values is parsed once per
    # connection (psycopg prepares it from its second run), and planned once when PostgreSQL
    # finds a plan for any values as good as those it made for each (plan_cache_mode=auto).
    # The news list's words queries are never prepared: their best plan depends on the words
    # (core.prepared.Prepared.replanned); the site search's is (one plan, the words' index,
    # news/search_index.py). Off behind a transaction-mode pooler such as
    # PgBouncer (DATABASE_PREPARED=0).
    if env.bool("DATABASE_PREPARED", default=True):
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 2)
        server_options.append("-c plan_cache_mode=auto")
    if server_options:
        DATABASES["default"]["OPTIONS"].setdefault("options", " ".join(server_options))
# Public queries compiled once, re-run with new values (core/prepared.py); 0: plain ORM.
COMPILED_QUERIES = env.bool("COMPILED_QUERIES", default=True)
# The news feeds' items added directly (news/feeds.py); 0: through Django's Feed.get_feed().
FAST_FEEDS = env.bool("FAST_FEEDS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# No lost update (core/editing.py): every stored row has a version, checked in the UPDATE.
# Version 0 means "not known" (an object rebuilt from a revision, which leaves the version out):
# its save writes over the version stored now. The admin form never posts 0 for a stored row.
CONCURRENCY_VERSION_FIELD_REQUIRED = False

# The cache: CACHE_URL in django-environ's syntax wins (`dummycache://` for no cache at all, as
# the benchmark's cold rows use; `locmemcache://`, `rediscache://host:6379/0`); REDIS_URL is the
# short form for Redis; with neither, a local-memory cache. Every cache the site uses is this one.
# Redis is reached through core.cache.ResilientRedisCache: Django's RedisCache that answers as an
# empty cache, within REDIS_SOCKET_TIMEOUT, while Redis is unreachable or hung.
CACHE_URL = env.str("CACHE_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.25)  # seconds
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
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=REDIS_SOCKET_TIMEOUT, socket_timeout=REDIS_SOCKET_TIMEOUT
    )
    # After a failure, Redis is left alone this many seconds (one time-out per interval).
    CACHES["default"]["RETRY_AFTER"] = env.int("REDIS_RETRY_AFTER", default=5)
CACHES["default"].setdefault("KEY_PREFIX", env.str("CACHE_KEY_PREFIX", default="cyberwatch"))
# Public pages kept in that cache for anonymous visitors (cyberwatch/caching.py): at most this
# many seconds (0: not kept), and never past a content change or the next scheduled one. Not
# with DEBUG on by default: `make run`'s local-memory cache would not see what a command run
# beside it (seed_content, generate_content) changes.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 600)
# Kept pages each process also holds in its own memory, served with no round trip to the cache
# while no change is announced: at most this many MB of pages a process (least recent dropped).
PAGE_CACHE_LOCAL_BYTES = env.int("PAGE_CACHE_LOCAL_MB", default=32) * 1024 * 1024
# `Cache-Control: public, max-age=…` of the public pages for anonymous visitors (seconds).
PUBLIC_MAX_AGE = env.int("PUBLIC_MAX_AGE", default=60)
# Items on a page of a sitemap section (cyberwatch/sitemaps.py), each up to one URL a language;
# never more than keeps a page within the protocol's 50,000 URLs. 250 articles (about 440 URLs)
# took about 3 ms to read and write in the view, 5 ms in all in-process, and 11 % of the
# benchmark's floor over HTTP (bench/RESULTS.md, issue 24): 200 keep a page above 12 %.
SITEMAP_PAGE_SIZE = env.int("SITEMAP_PAGE_SIZE", default=200)
# What a deployment is called (e.g. its commit): pages kept by another release are not served.
# Empty: a digest of the code, templates and catalogues, made at start-up.
RELEASE = env.str("RELEASE", default="")

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
# How long browsers and CDNs keep an uploaded image (seconds). Not a year, nor `immutable`: once
# remove_unused_media has deleted a file, a new upload may be stored under its name.
MEDIA_CACHE_MAX_AGE = env.int("MEDIA_CACHE_MAX_AGE", default=24 * 60 * 60)
# Uploaded images go to MEDIA_ROOT, which the site serves itself (cyberwatch/media.py), or to an
# S3-compatible bucket shared by every app server when AWS_STORAGE_BUCKET_NAME is set (README,
# "Media in production"; the names are django-storages' own).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # S3Storage stores each object with the type its name suggests. Python before 3.13 knows
    # .webp from the system's mime.types only, which slim images lack: the WebP renditions
    # would be application/octet-stream.
    mimetypes.add_type("image/webp", ".webp")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # MinIO, Ceph, another provider; none: AWS itself.
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            # None: boto3's own chain (AWS_ACCESS_KEY_ID..., ~/.aws, the instance's role).
            "access_key": env.str("AWS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_S3_SECRET_ACCESS_KEY", default="") or None,
            # A CDN's or the bucket's public host (and path) to build the images' URLs on.
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "url_protocol": env.str("AWS_S3_URL_PROTOCOL", default="https:"),
            # A public-read bucket: plain URLs that do not change, so that browsers, CDNs and
            # our cached pages keep them; signed ones would expire in cached pages after an hour.
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            # None: the bucket's policy makes objects public (buckets that refuse ACLs too).
            "default_acl": env.str("AWS_DEFAULT_ACL", default="") or None,
            # An upload never replaces another item's file: a name in use gets a suffix.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": f"public, max-age={MEDIA_CACHE_MAX_AGE}"},
        },
    }

# Uploads: images are checked again by cyberwatch.images; this keeps big bodies off the heap.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Production hardening; `manage.py check --deploy` is clean with DEBUG off.
# Whether a request came over HTTPS: gunicorn tells Django (wsgi.url_scheme) from the
# X-Forwarded-Proto of the proxies in FORWARDED_ALLOW_IPS (gunicorn.conf.py). Under another
# server, name the header here (`HTTP_X_FORWARDED_PROTO,https`), and only behind a proxy that
# always sets it: a visitor could send it otherwise.
SECURE_PROXY_SSL_HEADER = tuple(env.list("SECURE_PROXY_SSL_HEADER", default=[])) or None
if SECURE_PROXY_SSL_HEADER is not None and len(SECURE_PROXY_SSL_HEADER) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER is a header and its value, e.g. HTTP_X_FORWARDED_PROTO,https."
    )
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer asks each app server directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is the operator's decision.

# The visitor's address in the logs (core/requestlog.py): the REMOTE_ADDR, or behind this many
# proxies of our own (a load balancer: 1), the address the outermost one put in X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# To the console (stderr): one line per request on `cyberwatch.request`, failed sign-ins on
# `cyberwatch.security`, publishing actions on `cyberwatch.audit`. LOG_FORMAT=json: one JSON
# object per line, with the request's id, path, status, user and address as keys.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT is plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "core.requestlog.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.requestlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
