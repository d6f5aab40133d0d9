"""Triage: an editor decides on an agency version that waits (an editor had changed the story).

The desk's triage screen (``desk.admin.wire``) shows ``pending_triage`` and calls ``accept_wire_update``
or ``reject_wire_update``; the story an accepted version becomes is ``sources.ingest.mapping``'s, the
same as an import's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from articles import services as article_services
from articles.models import Article
from articles.permissions import ArticlePermissions
from sources.ingest import mapping
from sources.models import WireItem
from sources.wire.base import ParsedStory


@dataclass
class Triage:
    """What the editor sees side by side: the agency's previous version, the new one, the current story."""

    article: Article
    waiting: WireItem
    previous: WireItem | None

    @property
    def new_story(self) -> ParsedStory:
        return mapping.story_from_json(self.waiting.parsed)

    @property
    def previous_story(self) -> ParsedStory | None:
        return mapping.story_from_json(self.previous.parsed) if self.previous else None


def pending_triage(article: Article) -> Triage | None:
    """The newest waiting version of this story and the version last applied before it, or None."""
    waiting = (
        WireItem.objects.filter(article=article, outcome=WireItem.Outcome.WAITING)
        .order_by("-version")
        .first()
    )
    if waiting is None:
        return None
    previous = (
        WireItem.objects.filter(article=article, article_version__isnull=False, version__lt=waiting.version)
        .order_by("-version")
        .first()
    )
    return Triage(article=article, waiting=waiting, previous=previous)


TRIAGE_REFUSED = "You are not allowed to accept or reject wire updates."


def _check_triage(user, article):
    """Refuse without ``sources.triage_wire``. The audit row is written by ``refusals_audited`` on
    the services below once their transaction has rolled back, so the refusal is not lost with it."""
    if user is None or not ArticlePermissions(user, article).can_triage():  # a person's decision
        raise article_services.Refused(TRIAGE_REFUSED, article=article, user=user, action="wire triage")


@article_services.refusals_audited
@transaction.atomic
def accept_wire_update(article: Article, *, user, expected_version: int | None = None) -> Article:
    """Apply the waiting agency version over the editor's changes (they stay in the revisions).

    ``expected_version`` is the story's version the editor saw on the triage screen; it is checked
    against the row locked for the update, so an edit saved meanwhile is never overwritten."""
    _check_triage(user, article)
    article = Article.objects.select_for_update(of=("self",)).select_related("source").get(pk=article.pk)
    allowed = ArticlePermissions(user, article)
    allowed.require(allowed.can_accept_wire_update(), "accept a wire update on a story that is or was public")
    if expected_version is not None and article.version != expected_version:
        raise article_services.StaleVersion(article, expected_version)
    triage = pending_triage(article)
    if triage is None:
        raise ValidationError("No wire update is waiting for this story.")
    story = triage.new_story
    changes = mapping.article_changes(story, mapping.story_language(story, article.language))
    article = article_services.apply_wire_update(
        article,
        fields=changes.fields,
        credits=changes.credits,
        tags=changes.tags,
        reason=f"Wire update {article.source.code if article.source else ''} v{triage.waiting.version} "
        f"accepted by {user.get_username()}",
    )
    article_services.audit(article, "wire_update_accepted", user=user, message=f"v{triage.waiting.version}")
    WireItem.objects.filter(article=article, outcome=WireItem.Outcome.WAITING).exclude(
        pk=triage.waiting.pk
    ).update(outcome=WireItem.Outcome.REJECTED)
    WireItem.objects.filter(pk=triage.waiting.pk).update(
        outcome=WireItem.Outcome.ACCEPTED,
        article_version=article.version,
        article_checksum=mapping.article_wire_checksum(article),
    )
    return article


@article_services.refusals_audited
@transaction.atomic
def reject_wire_update(article: Article, *, user) -> Article:
    """Keep the editor's story; the agency version stays in the log, marked rejected. A later agency
    version will wait again, since the story still differs from what the wire last gave."""
    _check_triage(user, article)
    triage = pending_triage(article)
    if triage is None:
        raise ValidationError("No wire update is waiting for this story.")
    WireItem.objects.filter(article=article, outcome=WireItem.Outcome.WAITING).update(
        outcome=WireItem.Outcome.REJECTED
    )
    Article.objects.filter(pk=article.pk).update(wire_update_waiting=False)
    article_services.audit(article, "wire_update_rejected", user=user, message=f"v{triage.waiting.version}")
    article.refresh_from_db(fields=["wire_update_waiting"])
    return article
