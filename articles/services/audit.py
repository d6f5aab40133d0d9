"""The audit log: ``audit`` writes an AuditEntry; a refusal (``Refused``, from the permission
policy) is audited once the refused service's transaction has rolled back (``refusals_audited``).
"""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied

from articles.models import Article, AuditEntry
from articles.permissions import Refused


def record_refusal(exc: PermissionDenied, *, article=None, user=None, action="") -> AuditEntry | None:
    """Write the audit row for a refusal, once: a no-op when its row already exists (committed, or
    in the still-open enclosing transaction)."""
    audit_id = getattr(exc, "audit_id", None)
    if audit_id and AuditEntry.objects.filter(pk=audit_id).exists():
        return None
    article = getattr(exc, "article", None) or article
    user = getattr(exc, "user", None) or user
    action = getattr(exc, "action", "") or action
    if article is not None and article.pk and not Article.objects.filter(pk=article.pk).exists():
        article = None
    entry = audit(article, "refused", user=user, message=f"{action}: {exc}" if action else str(exc))
    exc.audit_id = entry.pk  # type: ignore[attr-defined]  # any PermissionDenied (read back by getattr above)
    return entry


def refusals_audited(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Refused as exc:
            record_refusal(exc)
            raise

    return wrapper


def audit(article: Article | None, action: str, *, user=None, from_status="", to_status="", message=""):
    return AuditEntry.objects.create(
        article=article,
        actor=user if user and user.is_authenticated else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        message=message,
    )
