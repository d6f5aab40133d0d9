"""Edit locks and versions: who is editing a story (a lock that lapses after
``ARTICLE_LOCK_TIMEOUT`` seconds without a heartbeat), and the optimistic ``version`` every save checks.
Taking, renewing and releasing a lock never bumps ``version`` (that is for content).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from articles.permissions import ArticlePermissions
from articles.services.audit import audit, refusals_audited


class LockedByOther(Exception):
    """Someone else holds the story's edit lock."""

    def __init__(self, article: Article):
        holder = article.locked_by.get_username() if article.locked_by is not None else "someone"
        since = timezone.localtime(article.locked_at).strftime("%H:%M") if article.locked_at else "?"
        super().__init__(f"{holder} is editing this story (since {since}). Your changes were not saved.")
        self.article = article


class StaleVersion(Exception):
    """The story changed since the editor opened it; their save is refused, nothing is overwritten."""

    def __init__(self, article: Article, expected: int):
        super().__init__(
            f"“{article.headline}” was changed by someone else (version {article.version}, "
            f"you started from {expected}). Your changes were not saved."
        )
        self.article = article
        self.expected = expected


def lock_for_update(article: Article, expected_version: int | None) -> Article:
    current = Article.objects.select_for_update().get(pk=article.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(current, expected_version)
    return current


def lock_timeout() -> timedelta:
    return timedelta(seconds=settings.ARTICLE_LOCK_TIMEOUT)


def lock_holder(article: Article, now=None):
    """The user holding a live lock on ``article`` (as loaded), or None."""
    now = now or timezone.now()
    if article.locked_by_id and article.locked_at and article.locked_at > now - lock_timeout():
        return article.locked_by
    return None


def _lockable_by(user, now):
    return (
        Q(locked_by__isnull=True)
        | Q(locked_by=user)
        | Q(locked_at__isnull=True)
        | Q(locked_at__lte=now - lock_timeout())
    )


def acquire_lock(article: Article, user) -> bool:
    """Take (or renew) the lock for ``user`` unless someone else holds a live one. Refreshes the
    lock fields on ``article`` either way, so the caller can show who holds it."""
    now = timezone.now()
    taken = bool(
        Article.objects.filter(_lockable_by(user, now), pk=article.pk).update(locked_by=user, locked_at=now)
    )
    article.refresh_from_db(fields=["locked_by", "locked_at"])
    return taken


def renew_lock(article: Article, user) -> bool:
    """The heartbeat: extend the lock only if ``user`` still holds it (or it is free again)."""
    return acquire_lock(article, user)


def release_lock(article: Article, user) -> bool:
    return bool(Article.objects.filter(pk=article.pk, locked_by=user).update(locked_by=None, locked_at=None))


@refusals_audited
@transaction.atomic
def force_unlock(article: Article, *, user) -> Article:
    """A chief editor takes a lock away from whoever holds it; audited."""
    allowed = ArticlePermissions(user, article)
    allowed.require(allowed.can_unlock(), "force-unlock a story", "articles.unlock_article")
    current = Article.objects.select_for_update(of=("self",)).select_related("locked_by").get(pk=article.pk)
    holder = current.locked_by.get_username() if current.locked_by is not None else "nobody"
    Article.objects.filter(pk=current.pk).update(locked_by=None, locked_at=None)
    audit(current, "force_unlock", user=user, message=f"Lock held by {holder} removed")
    article.locked_by, article.locked_at = None, None
    return current
