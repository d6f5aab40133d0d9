"""Loaded by pytest before Django's settings (``-p tests.env`` in pyproject.toml).

Production defaults stay on (DEBUG off, secure cookies, HSTS) except the two
that a plain-HTTP test server cannot honour; static files come from the
finders, so no ``collectstatic`` is needed to test.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret-" + "k" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("PAGE_CACHE_GENERATION_TTL", "3600")  # see tests/conftest.py
os.environ.setdefault("WHITENOISE_USE_FINDERS", "true")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs a loop in the test thread
os.environ.setdefault("OTP_REQUIRED", "false")  # two-factor sign-in is on in its own tests (tests/newsroom)
