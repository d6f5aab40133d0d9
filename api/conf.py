"""The API's settings: each read from Django's settings when set there, else from the environment
(django-environ, like every setting), else its default. Read at call time, so tests can override them."""

import environ
from django.conf import settings

_env = environ.Env()

DEFAULTS = {
    # Origins allowed to call the API from a browser (CORS). Empty: CORS off, no Access-Control-*
    # header is ever sent. "*" allows any origin.
    "API_CORS_ALLOWED_ORIGINS": lambda: _env.list("API_CORS_ALLOWED_ORIGINS", default=[]),
    # Requests a minute for each key that sets no limit of its own.
    "API_RATE_LIMIT": lambda: _env.int("API_RATE_LIMIT", default=600),
    # Cache-Control max-age (seconds) of a 200 answer. The answers are private (per key).
    "API_MAX_AGE": lambda: _env.int("API_MAX_AGE", default=60),
}


def setting(name: str):
    if hasattr(settings, name):
        return getattr(settings, name)
    return DEFAULTS[name]()
