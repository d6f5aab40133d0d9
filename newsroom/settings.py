"""Settings for Newsroom. Every value comes from the environment (django-environ).

See the README, "Configuration", for the list of variables.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from newsroom.database import embedded_database_url
from newsroom.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; the real environment wins

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A known key would let anyone forge preview links and sessions: refuse to start without one.
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value, e.g. "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))' (or DEBUG=true for development)."
        )
    SECRET_KEY = "django-insecure-development-only-" + "x" * 32
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", default="Newsroom")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # The project's apps, lowest layer first: editors <- articles (domain) <- sources (ingest)
    # <- public (site) <- desk; bench holds the benchmarks' commands.
    "editors",
    "articles",
    "sources",
    "public",
    "desk",
    "bench",
    "django_prose_editor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsroom.middleware.reject_hostile_requests",  # NUL bytes and invalid UTF-8 in URLs: 400, never a 500
    "newsroom.middleware.desk_language",  # /admin/ in DESK_LANGUAGE_CODE; no negotiation anywhere
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "public.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL, else the embedded PostgreSQL under var/.
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
DATABASE_URL = env("DATABASE_URL", default="") or embedded_database_url(VAR_DIR)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiles plans whose estimated cost is high (a ranked search, a front page over
# 100,000 stories) and spends more CPU compiling than the short queries of a web page ever save.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = env("DATABASE_OPTIONS", default="-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://newsroom")}
# Public page cache and HTTP caching (articles/cache.py, docs/caching.md). CACHE_URL=rediscache://host:6379/1
# shares the cache (and its purges) between all workers; 0 switches the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# How often (seconds) each process re-reads the page generation from the database: a purge in one
# worker reaches the others within this time, whatever the cache backend.
PAGE_CACHE_GENERATION_TTL = env.float("PAGE_CACHE_GENERATION_TTL", default=1.0)
# A story page's rendered parts (articles/fragments.py), kept while the story's version is unchanged.
STORY_FRAGMENT_SECONDS = env.int("STORY_FRAGMENT_SECONDS", default=3600)
PUBLIC_MAX_AGE = env.int("PUBLIC_MAX_AGE", default=60)
PUBLIC_STALE_WHILE_REVALIDATE = env.int("PUBLIC_STALE_WHILE_REVALIDATE", default=300)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The public site's own language: its header, footer, listings, search and error pages, and <html lang dir>
# of every page that is not a story. A story's labels ("By", "Updated", "Related stories"...) are in the
# story's language. No negotiation (no LocaleMiddleware): a page's language depends only on its URL and
# these settings, so the page and fragment caches stay correct. Catalogues: locale/ (README, "Languages").
LANGUAGE_CODE = env("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", "English"), ("ckb", "Kurdish (Sorani)"), ("ar", "Arabic")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The desk (/admin/) is in this language whatever the site's (newsroom/middleware.py).
DESK_LANGUAGE_CODE = env("DESK_LANGUAGE_CODE", default="en")
TIME_ZONE = env("TIME_ZONE", default="Asia/Baghdad")  # Erbil, Baghdad: UTC+3, no daylight saving
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Cache-Control max-age of served originals (public/media.py); renditions, named by their content,
# are cached for a year as immutable.
MEDIA_CACHE_SECONDS = env.int("MEDIA_CACHE_SECONDS", default=24 * 3600)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG

# Wire import limits (bytes); see docs/wire-formats.md.
WIRE_MAX_FILE_BYTES = env.int("WIRE_MAX_FILE_BYTES", default=5 * 1024 * 1024)
# import_wire (sources/ingest/pipeline.py): write each batch of 500 files in a thread of its own while the next
# is parsed; parse in N extra processes (0: in the command's own, measured best on two cores).
WIRE_IMPORT_WRITE_THREAD = env.bool("WIRE_IMPORT_WRITE_THREAD", default=True)
WIRE_IMPORT_PARSE_WORKERS = env.int("WIRE_IMPORT_PARSE_WORKERS", default=0)

# The editorial desk (docs/editors.md).
ARTICLE_LOCK_TIMEOUT = env.int("ARTICLE_LOCK_TIMEOUT", default=15 * 60)  # seconds without a heartbeat
ARTICLE_LOCK_HEARTBEAT = env.int("ARTICLE_LOCK_HEARTBEAT", default=60)  # seconds between heartbeats
PREVIEW_MAX_AGE = env.int("PREVIEW_MAX_AGE", default=2 * 24 * 3600)  # seconds a shared preview link works
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int(
    "IMAGE_MAX_PIXELS", default=50_000_000
)  # larger is refused as a decompression bomb
IMAGE_RENDITION_WIDTHS = [480, 960, 1600]

# Security: strict by default; the development command switches DEBUG on.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# --- Operations (issue 14: faults survived, health, logs; docs/deployment.md) ---------------------------
# A Redis cache degrades to uncached pages instead of failing them (newsroom/cache.py): short socket
# timeouts, and after an error this process leaves Redis alone for CACHE_RETRY_SECONDS (logged once).
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "newsroom.cache.ResilientRedisCache"
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.25)
CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5.0)
# The database unreachable: public pages the page cache holds are served from it for this long past
# PAGE_CACHE_SECONDS (stale-if-error, public/caching/page.py); 0 keeps no stale copies. Anything else
# answers 503 with this Retry-After (newsroom/errors.py).
PAGE_STALE_IF_ERROR_SECONDS = env.int("PAGE_STALE_IF_ERROR_SECONDS", default=3600)
SERVICE_UNAVAILABLE_RETRY_AFTER = env.int("SERVICE_UNAVAILABLE_RETRY_AFTER", default=30)
# Seconds to wait for a connection to PostgreSQL: an unreachable database fails fast, not after the
# operating system's minutes-long TCP timeout.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
# Every response carries an X-Request-ID (the request's own when sane), and so does every log line
# written while it runs (newsroom/logs.py); /healthz and /readyz answer before anything else, Host
# unchecked for those two paths only (newsroom/health.py).
MIDDLEWARE = ["newsroom.logs.request_id", "newsroom.health.health_endpoints", *MIDDLEWARE]
READYZ_REQUIRED = env.list("READYZ_REQUIRED", default=["database", "cache", "storage"])
READYZ_MAX_SCHEDULER_LAG = env.int("READYZ_MAX_SCHEDULER_LAG", default=0)  # seconds; 0: reported only
LOG_FORMAT = env("LOG_FORMAT", default="text")  # json: one JSON object a line
LOGGING = logging_config(LOG_FORMAT, env("LOG_LEVEL", default="WARNING"))
