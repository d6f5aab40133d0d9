"""Workflow moves (submit, return, publish, unpublish, redraft, kill): the allowed moves are
``articles.workflow``'s, who may make them ``articles.permissions``'.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles import signals, workflow
from articles.models import Article, new_preview_nonce
from articles.permissions import ArticlePermissions
from articles.services.audit import audit, refusals_audited
from articles.services.locks import lock_for_update
from articles.services.revisions import record_revision

REASON_REQUIRED = frozenset({"kill", "unpublish"})


@refusals_audited
@transaction.atomic
def transition(
    article: Article,
    name: str,
    *,
    user=None,
    reason="",
    publish_at=None,
    expected_version=None,
    override_withdrawal=False,
) -> Article:
    """Move a story through the workflow: submit, return, publish, unpublish, redraft, kill.

    A story the agency withdrew (``withdrawn_reason``) is published only with
    ``override_withdrawal=True`` and a reason; the override is audited."""
    current = lock_for_update(article, expected_version)
    try:
        move = workflow.get_transition(name, current.status)
    except workflow.IllegalTransition as exc:
        raise ValidationError(str(exc)) from None
    ArticlePermissions(user, current).require_move(move.name)
    reason = (reason or "").strip()
    if name in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": f"{move.label} needs a reason (it is kept in the audit log)."})
    overridden = ""
    if move.target == workflow.PUBLISHED and current.withdrawn_reason:
        if not (override_withdrawal and reason):
            raise ValidationError(
                {
                    "reason": f"Withdrawn by the agency: {current.withdrawn_reason}. Publishing it "
                    "anyway needs an explicit override and its reason."
                }
            )
        overridden = current.withdrawn_reason
    now = timezone.now()
    previous = current.status
    current.status = move.target
    update = ["status", "version", "modified_at", "modified_by"]
    if move.target == workflow.PUBLISHED:
        if publish_at:
            current.publish_at = publish_at  # a future time: scheduled
        elif previous == workflow.UNPUBLISHED and current.publish_at:
            pass  # back online under its original date
        elif not current.publish_at or current.publish_at < now:
            current.publish_at = now
        current.first_published_at = current.first_published_at or current.publish_at
        current.updated_at = now if previous == workflow.UNPUBLISHED else current.publish_at
        update += ["publish_at", "first_published_at", "updated_at"]
    if move.target in (workflow.UNPUBLISHED, workflow.KILLED):
        # Taking a story down revokes its share-preview links for good: a link must not come back to
        # life when the story later goes back to draft.
        current.preview_nonce = new_preview_nonce()
        update.append("preview_nonce")
    if move.target == workflow.KILLED:
        current.withdrawn_reason = reason
        update.append("withdrawn_reason")
    elif overridden:
        # The override is the desk's decision on that withdrawal (kept in the audit log below): the story
        # is an ordinary one again, so unpublishing and republishing it later asks no second override.
        # A later cancel from the agency withdraws it anew.
        current.withdrawn_reason = ""
        update.append("withdrawn_reason")
    current.version = F("version") + 1
    current.modified_at = now
    current.modified_by = user if user and user.is_authenticated else None
    current.save(update_fields=update)
    current.refresh_from_db(fields=["version"])
    record_revision(current, user=user, reason=reason or move.label)
    audit(current, name, user=user, from_status=previous, to_status=move.target, message=reason)
    if overridden:
        audit(
            current,
            "override_withdrawal",
            user=user,
            from_status=previous,
            to_status=move.target,
            message=f"Published although the agency withdrew it ({overridden}): {reason}",
        )
    signal = signals.article_published if move.target == workflow.PUBLISHED else signals.article_changed
    signals.after_commit(signal, current)
    article.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return current
