"""Revisions: a full snapshot of the story at each save and transition (``fields.SNAPSHOT_FIELDS``
with credits, tags and version), and restoring one (``fields.RESTORED_FIELDS``) as a new edit.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Max

from articles.fields import RESTORED_FIELDS, SNAPSHOT_FIELDS
from articles.models import Article, Image, Revision, Section


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def snapshot(article: Article, *, credits=None, tags=None) -> dict:
    """Every field that makes the story, with its credits and tags. A caller that has just written the
    credits (as ``ArticleCredit`` rows) and tags (names) passes them and saves two queries."""
    data = {name: _json_value(getattr(article, name)) for name in SNAPSHOT_FIELDS}
    if credits is None:
        credits = article.credits.select_related("editor").order_by("position", "id")
    data["credits"] = [{"role": c.role, "name": c.display_name, "editor_id": c.editor_id} for c in credits]
    data["tags"] = sorted(article.tags.values_list("name", flat=True) if tags is None else tags)
    data["version"] = article.version if isinstance(article.version, int) else None
    return data


def record_revision(
    article: Article, *, user=None, reason: str = "", first=False, credits=None, tags=None
) -> Revision:
    """A full snapshot; ``first`` for a story just created (revision 1, no look-up)."""
    number = 1 if first else (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return Revision.objects.create(
        article=article,
        number=number,
        created_by=user if user and user.is_authenticated else None,
        reason=reason[:300],
        status=article.status,
        snapshot=snapshot(article, credits=credits, tags=tags),
    )


def restore_revision(article: Article, revision: Revision, *, user=None, expected_version=None) -> Article:
    """Bring back a revision's text, placement, credits and tags as a new revision. The status and
    publication times stay as they are: restoring is an edit, not a workflow move."""
    from articles.services.editing import CreditInput, edit_article  # editing records revisions: a cycle

    if revision.article_id != article.pk:
        raise ValidationError("That revision belongs to another story.")
    data = revision.snapshot
    fields = {name: data[name] for name in RESTORED_FIELDS if name in data}
    if "slug" in data and data["slug"]:
        fields["slug"] = data["slug"]
    section_id = data.get("section_id")
    fields["section"] = Section.objects.filter(pk=section_id).first() if section_id else None
    image_id = data.get("lead_image_id")
    fields["lead_image"] = Image.objects.filter(pk=image_id).first() if image_id else None
    credits = [
        CreditInput(
            name="" if c.get("editor_id") else c.get("name", ""),
            role=c.get("role", "writer"),
            editor_id=c.get("editor_id"),
        )
        for c in data.get("credits", [])
    ]
    return edit_article(
        article,
        user=user,
        fields=fields,
        expected_version=expected_version,
        credits=credits,
        tags=data.get("tags", []),
        reason=f"Restored revision {revision.number}",
    )
