"""The scheduler (``publish_due``): what must happen when a story goes live or leaves on schedule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles import signals, workflow
from articles.models import Article, AuditEntry, SchedulerMark
from articles.querysets import published_time_expr
from articles.services.audit import audit


@dataclass
class DueResult:
    since: object = None
    until: object = None
    went_live: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)


PUBLISH_DUE_MARK = "publish_due"


@transaction.atomic
def publish_due(now=None) -> DueResult:
    """What must happen when a story goes live or leaves on schedule: an audit row and the signal
    that purges caches. Publication itself is decided at query time; this only follows it.

    Safe every minute and idempotent: it handles the stories whose visibility started (publish time
    or embargo lift, whichever is later) or ended (``expire_at``) in (watermark, now], then moves the
    watermark (a row in the database, locked while the run lasts) to now. A story published at once
    by an editor is skipped: its publish transition already did this."""
    now = now or timezone.now()
    lookback = timedelta(minutes=settings.PUBLISH_DUE_FIRST_LOOKBACK_MINUTES)
    SchedulerMark.objects.get_or_create(name=PUBLISH_DUE_MARK, defaults={"value": now - lookback})
    mark = SchedulerMark.objects.select_for_update().get(name=PUBLISH_DUE_MARK)
    result = DueResult(since=mark.value, until=now)
    if mark.value >= now:
        return result
    visible_from = published_time_expr()  # when readers first see it (querysets.py)
    published_by_hand = AuditEntry.objects.filter(
        article=OuterRef("pk"), action="publish", created_at__gte=OuterRef("visible_from")
    )
    live = (
        Article.objects.published(now)
        .annotate(visible_from=visible_from)
        .filter(visible_from__gt=mark.value)
        .exclude(Exists(published_by_hand))
        .order_by("visible_from", "pk")
    )
    for article in live:
        what = "embargo lifted" if article.embargo_until == article.visible_from else "scheduled time reached"
        audit(
            article,
            "went_live",
            from_status=article.status,
            to_status=article.status,
            message=f"Live at {article.visible_from.isoformat()} ({what})",
        )
        signals.after_commit(signals.article_published, article)
        result.went_live.append(article.pk)
    expired = (
        Article.objects.filter(workflow.desk_state_condition(workflow.DeskState.EXPIRED, now))
        .filter(expire_at__gt=mark.value)
        .order_by("expire_at", "pk")
    )
    for article in expired:
        assert article.expire_at is not None  # the filter above: expire_at > mark.value
        audit(
            article,
            "expired",
            from_status=article.status,
            to_status=article.status,
            message=f"Left the public site at {article.expire_at.isoformat()}",
        )
        signals.after_commit(signals.article_changed, article)
        result.expired.append(article.pk)
    mark.value = now
    mark.save(update_fields=["value"])
    return result
