"""Settings for Newsroom. Every value comes from the environment (django-environ).

See the README, "Configuration", for the list of variables.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
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
    # <- public (site) <- api (the content API) <- desk; bench holds the benchmarks' commands.
    "editors",
    "articles",
    "sources",
    "public",
    "api",
    "desk",
    "bench",
    "newsroom",  # the project: staff-account security (newsroom/accounts.py), deployment checks
    "django_prose_editor",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsroom.middleware.reject_hostile_requests",  # NUL bytes and invalid UTF-8 in URLs: 400, never a 500
    "newsroom.middleware.desk_language",  # /admin/ in DESK_LANGUAGE_CODE; no negotiation anywhere
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every page (not on media: they send their own)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): signed in with a second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    "newsroom.accounts.desk_session",  # the desk: idle sessions end; two-factor sign-in where required
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # a locked-out sign-in answers 429 with the lockout page (last)
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
                "csp.context_processors.nonce",
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
# A page of search results stays in the page cache this long (at most PAGE_CACHE_SECONDS; 0: never).
SEARCH_CACHE_SECONDS = env.int("SEARCH_CACHE_SECONDS", default=60)
PUBLIC_MAX_AGE = env.int("PUBLIC_MAX_AGE", default=60)
PUBLIC_STALE_WHILE_REVALIDATE = env.int("PUBLIC_STALE_WHILE_REVALIDATE", default=300)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff accounts (docs/security.md, "Staff accounts"). The axes backend comes first: it refuses a locked-out
# account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after LOGIN_FAILURE_LIMIT failed sign-ins, counted per username and, separately, per address;
# it lifts LOGIN_LOCKOUT_MINUTES after the last failure, or when a chief editor unlocks it in the desk.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsroom.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "newsroom.accounts.client_ip"
AXES_ENABLE_ADMIN = False  # the desk has its own screen for lockouts (desk/admin/staff.py), audited
AXES_VERBOSE = False
# How many proxies in front of gunicorn append the client's address to X-Forwarded-For (0: none, the
# address is the connection's). Behind one proxy that sets it, 1; never more than there really are.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Two-factor sign-in (django-otp: an authenticator app, TOTP, and single-use backup codes). Superusers
# and these roles must use it; anyone else who sets it up is asked for it too. OTP_REQUIRED=false turns
# the requirement off (the default with DEBUG, so the demo logins of `make run` work as printed).
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=not DEBUG)
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=["Chief editor"])
OTP_TOTP_ISSUER = SITE_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A desk session ends after this many seconds without a request (and after a password change, always).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=3600)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True

# The public site's own language: its header, footer, listings, search and error pages, and <html lang dir>
# of every page that is not a story. A story's labels ("By", "Updated", "Related stories"...) are in the
# story's language. No negotiation (no LocaleMiddleware): a page's language depends only on its URL and
# these settings, so the page and fragment caches stay correct. Catalogues: locale/ (README, "Languages").
LANGUAGE_CODE = env("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", "English"), ("ckb", "Kurdish (Sorani)"), ("ar", "Arabic")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The desk (/admin/) is in this language whatever the site's (newsroom/middleware.py).
DESK_LANGUAGE_CODE = env("DESK_LANGUAGE_CODE", default="en")
# publish_due's first run (no watermark yet) looks back this far for stories that went live.
PUBLISH_DUE_FIRST_LOOKBACK_MINUTES = env.int("PUBLISH_DUE_FIRST_LOOKBACK_MINUTES", default=60)
TIME_ZONE = env("TIME_ZONE", default="Asia/Baghdad")  # Erbil, Baghdad: UTC+3, no daylight saving
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
# A path (served by this application, public/media.py) or a URL on a media host of its own (docs/security.md).
MEDIA_URL = env("MEDIA_URL", default="media/")
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
# Pixels a worker decodes at once (about four bytes each): a JPEG is decoded at a reduced scale within
# it; a PNG, WebP or GIF larger than this is refused (articles/images.py, docs/security.md).
IMAGE_MAX_DECODE_PIXELS = env.int("IMAGE_MAX_DECODE_PIXELS", default=25_000_000)
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

# Content-Security-Policy (django-csp) for the site, the desk and previews: scripts only from this origin
# (or with the request's nonce), no plugins, no framing, forms only to this origin. Media send their own,
# stricter one (public/media.py). CSP_REPORT_ONLY=true reports without enforcing; CSP_REPORT_URI collects.
_media_origin = "/".join(MEDIA_URL.split("/")[:3]) if MEDIA_URL.startswith(("http://", "https://")) else ""
_csp = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Inline style attributes (the desk's state badges, the admin's widgets): styles cannot run code.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", *([_media_origin] if _media_origin else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"report-uri": [env("CSP_REPORT_URI")]} if env("CSP_REPORT_URI", default="") else {}),
    }
}
CSP_ENABLED = env.bool("CSP_ENABLED", default=True)
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp if CSP_ENABLED else None
    CONTENT_SECURITY_POLICY = None
else:
    CONTENT_SECURITY_POLICY = _csp if CSP_ENABLED else None

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
