"""API keys: making one, finding the key a request carries, revoking, the rate limit and last use.

A key is ``nr_`` and 43 URL-safe characters (256 random bits). The database keeps its SHA-256 and its
first 11 characters (the desk's way to tell keys apart), never the key: it is shown once, when made.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from api.conf import setting
from api.models import ApiKey

KEY_PREFIX = "nr_"
SHOWN_CHARS = 11  # "nr_" and 8 more: enough to tell keys apart, far too few to guess the rest
# The longest header value worth hashing: a key is 46 characters.
MAX_KEY_LENGTH = 200
LAST_USED_EVERY = 60  # seconds: last_used_at is written at most this often per key
RATE_WINDOW = 60  # seconds: the limit counts requests per minute


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def issue(key: ApiKey, *, user=None) -> str:
    """Give ``key`` (unsaved, or saved without a key yet) a new secret, save it and return the key: the
    only time it is known. The caller shows it to the person who asked for it and keeps it nowhere."""
    raw = new_raw_key()
    key.prefix = raw[:SHOWN_CHARS]
    key.key_hash = digest(raw)
    if user is not None and user.is_authenticated and key.created_by_id is None:
        key.created_by = user
    key.save()
    return raw


def create_key(*, name: str, scopes=None, rate_limit=None, note: str = "", user=None) -> tuple[ApiKey, str]:
    key = ApiKey(name=name, note=note, rate_limit=rate_limit)
    if scopes is not None:
        key.scopes = list(scopes)
    key.full_clean(exclude=["prefix", "key_hash"])
    return key, issue(key, user=user)


@transaction.atomic
def revoke(key: ApiKey) -> ApiKey:
    """The key stops working at once (the next request with it is a 401)."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def raw_key_from(request) -> str | None:
    """The key a request carries: ``Authorization: Bearer KEY`` or ``X-Api-Key: KEY``. Never a query
    parameter (it would end up in logs and in the Referer of links)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        return None
    value = request.META.get("HTTP_X_API_KEY", "").strip()
    return value or None


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str


def authenticate(raw: str | None) -> ApiKey | Refusal:
    """The active key for ``raw`` (one query), or why not."""
    if not raw:
        return Refusal(401, "unauthorized", "An API key is required: send it as 'Authorization: Bearer KEY'.")
    if len(raw) > MAX_KEY_LENGTH or not raw.startswith(KEY_PREFIX):
        return Refusal(401, "unauthorized", "This is not a valid API key.")
    key = (
        ApiKey.objects.filter(key_hash=digest(raw))
        .only("id", "scopes", "rate_limit", "revoked_at", "last_used_at")
        .first()
    )
    if key is None:
        return Refusal(401, "unauthorized", "This is not a valid API key.")
    if key.revoked_at is not None:
        return Refusal(401, "revoked", "This API key has been revoked.")
    return key


def limit_of(key: ApiKey) -> int:
    return key.rate_limit if key.rate_limit is not None else int(setting("API_RATE_LIMIT"))


@dataclass(frozen=True)
class RateState:
    limit: int
    remaining: int
    reset: int  # seconds until the window ends

    @property
    def exceeded(self) -> bool:
        return self.remaining < 0


def count_request(key: ApiKey, now: float | None = None) -> RateState:
    """Count one request against the key's limit for the current minute, in the cache (shared by every
    worker when CACHE_URL names Redis; per process with the default local-memory cache)."""
    now = time.time() if now is None else now
    window = int(now // RATE_WINDOW)
    name = f"api:rate:{key.pk}:{window}"
    cache.add(name, 0, RATE_WINDOW * 2)
    try:
        used = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, RATE_WINDOW * 2)
        used = 1
    limit = limit_of(key)
    return RateState(limit=limit, remaining=limit - used, reset=RATE_WINDOW - int(now % RATE_WINDOW))


def touch(key: ApiKey) -> None:
    """Record that the key was used: one UPDATE a minute per key at most, so the desk shows when a
    consumer last called without a write on every request."""
    if cache.add(f"api:used:{key.pk}", 1, LAST_USED_EVERY):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
