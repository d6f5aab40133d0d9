"""Helpers for the staff-account tests: a sign-in through the real login form, and TOTP codes computed
here from a device's key (RFC 6238, written out, so the test does not trust django-otp's own code)."""

import hashlib
import hmac
import struct
import time

from django.test import Client
from django.urls import reverse

PASSWORD = "correct horse battery staple"  # tests/factories.py


def sign_in(client: Client, username: str, password: str = PASSWORD, address: str = "192.0.2.10"):
    """POST the desk's login form from ``address``; the response as a browser gets it."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def totp(key: bytes, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"
