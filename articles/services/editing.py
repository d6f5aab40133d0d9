"""Creating and editing a story, whole: fields, credits, tags, the revision and the audit row in one
transaction (``create_article``, ``edit_article``), and corrections (``add_correction``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from articles import signals, workflow
from articles.fields import EDITABLE_FIELDS, HTML_FIELDS, PLAIN_TEXT_FIELDS, SCHEDULE_FIELDS
from articles.models import Article, ArticleCredit, Correction, Tag
from articles.permissions import ArticlePermissions
from articles.sanitize import plain_text, sanitize_html
from articles.services.audit import audit, refusals_audited
from articles.services.locks import LockedByOther, lock_for_update, lock_holder
from articles.services.revisions import record_revision


@dataclass
class CreditInput:
    name: str = ""
    role: str = "writer"
    editor_id: int | None = None


def make_slug(headline: str) -> str:
    return slugify(headline, allow_unicode=True)[:200].strip("-") or "story"


def set_credits(article: Article, credits: Iterable[CreditInput], *, new=False) -> list[ArticleCredit]:
    if not new:
        article.credits.all().delete()
    return ArticleCredit.objects.bulk_create(
        ArticleCredit(article=article, position=i, role=c.role, editor_id=c.editor_id, name=c.name)
        for i, c in enumerate(credits)
    )


def _wanted_tags(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(n.strip()[:100] for n in names if n and n.strip()))


def resolve_tags(wanted: list[str]) -> dict[str, Tag]:
    """The Tag for each name (by ``casefold()``), creating missing ones: one query when all exist,
    three otherwise, for any number of names (a whole import batch's)."""
    if not wanted:
        return {}
    found: dict[str, Tag] = {
        t.name.casefold(): t
        for t in Tag.objects.annotate(key=Lower("name")).filter(key__in=list({n.casefold() for n in wanted}))
    }
    missing = [n for n in wanted if n.casefold() not in found]
    if missing:
        Tag.objects.bulk_create(
            [Tag(name=n, slug=make_slug(n)[:100]) for n in missing], ignore_conflicts=True
        )
        by_slug = {t.slug: t for t in Tag.objects.filter(slug__in=[make_slug(n)[:100] for n in missing])}
        for n in missing:
            tag = by_slug.get(make_slug(n)[:100])
            if tag is not None:
                found[n.casefold()] = tag
    return found


def set_tags(article: Article, tags: Iterable, *, new=False) -> list[str]:
    """Tag the story: ``Tag`` rows as they are, names (case-insensitive) found or created; three
    queries for any number."""
    given = list(tags)
    rows = [t for t in given if isinstance(t, Tag)]
    wanted = _wanted_tags(t for t in given if not isinstance(t, Tag))
    found = resolve_tags(wanted)
    chosen = list(dict.fromkeys([*rows, *(found[n.casefold()] for n in wanted if n.casefold() in found)]))
    if not chosen:
        if not new:
            article.tags.clear()
        return []
    if new:
        article.tags.through.objects.bulk_create(
            [article.tags.through(article_id=article.pk, tag_id=t.pk) for t in chosen]
        )
    else:
        article.tags.set(chosen)
    return [t.name for t in chosen]


def _clean_fields(fields: dict) -> dict:
    fields = dict(fields)
    for name in PLAIN_TEXT_FIELDS:
        if name in fields:
            fields[name] = plain_text(fields[name] or "")
    for name in HTML_FIELDS:
        if name in fields:
            fields[name] = sanitize_html(fields[name] or "")
    if "headline" in fields and not fields["headline"]:
        raise ValidationError({"headline": "A story needs a headline."})
    return fields


# Field checks (lengths, choices) only; the database enforces the constraints and foreign keys, so they
# are not queried for twice (they were 40 % of an import's time).
_NEW_ARTICLE_UNCHECKED = [
    "slug",
    "search_vector",
    "language",
    "section",
    "source",
    "lead_image",
    "translation_of",
    "created_by",
    "modified_by",
    "locked_by",
]


def clean_wire_text(fields: dict) -> dict:
    """The sanitising ``create_article`` applies to these fields (no database: a worker process may
    run it ahead). ``prepare_wire_story(..., cleaned=True)`` then skips it."""
    return _clean_fields(fields)


def _new_article(*, user=None, now=None, cleaned=False, **fields) -> Article:
    """The unsaved, validated Article ``create_article`` inserts (no query): sanitised fields (unless
    ``cleaned`` says ``clean_wire_text`` did it), slug, publication times; a ``ValidationError``
    for a bad field."""
    if not cleaned:
        fields = _clean_fields(fields)
    if not fields.get("slug"):
        fields["slug"] = make_slug(fields.get("headline", ""))
    now = now or timezone.now()
    article = Article(created_by=user if user and user.is_authenticated else None, modified_at=now, **fields)
    article.modified_by = article.created_by
    if article.status == workflow.PUBLISHED:
        article.publish_at = article.publish_at or now
        article.first_published_at = article.publish_at
        article.updated_at = article.updated_at or article.publish_at
    article.full_clean(exclude=_NEW_ARTICLE_UNCHECKED, validate_unique=False, validate_constraints=False)
    return article


@refusals_audited
@transaction.atomic
def create_article(*, user=None, credits=(), tags=(), reason="Created", **fields) -> Article:
    allowed = ArticlePermissions(user)
    allowed.require(allowed.can_create(), "create a story", "articles.add_article")
    article = _new_article(user=user, **fields)
    article.save(force_insert=True)
    made = set_credits(article, credits, new=True)
    names = set_tags(article, tags, new=True)
    plain = all(c.editor_id is None for c in made)
    record_revision(
        article, user=user, reason=reason, first=True, credits=made if plain else None, tags=names
    )
    if article.status == workflow.PUBLISHED:
        audit(article, "publish", user=user, from_status="", to_status=article.status, message=reason)
        signals.after_commit(signals.article_published, article)
    return article


def _when(value) -> str:
    return value.isoformat() if value else "none"


def _same_time(a, b) -> bool:
    """Equal to the second: the admin's date/time inputs drop microseconds."""
    if a is None or b is None:
        return a is b
    return a.replace(microsecond=0) == b.replace(microsecond=0)


def _check_schedule(user, current: Article, new: dict) -> list[str]:
    """``new`` maps schedule fields to the values about to be saved over ``current`` (as stored).
    Returns the changes, as "field: old → new", for the audit row written once the save succeeded."""
    changes = [
        f"{name}: {_when(getattr(current, name))} → {_when(new[name])}"
        for name in SCHEDULE_FIELDS
        if name in new and not _same_time(new[name], getattr(current, name))
    ]
    if not changes or current.status == workflow.DRAFT:  # a draft's times are its own business
        return []
    ArticlePermissions(user, current).require_reschedule()
    if current.status == workflow.PUBLISHED and "publish_at" in new and new["publish_at"] is None:
        raise ValidationError({"publish_at": "A published story needs a publish time: unpublish it instead."})
    return changes


def _audit_schedule(article: Article, changes: list[str], user) -> None:
    if changes:
        audit(
            article,
            "reschedule",
            user=user,
            from_status=article.status,
            to_status=article.status,
            message="; ".join(changes),
        )


@refusals_audited
@transaction.atomic
def edit_article(
    article: Article,
    *,
    user=None,
    fields: dict,
    credits: Iterable[CreditInput] | None = None,
    tags: Iterable | None = None,
    expected_version: int | None = None,
    reason: str = "Edited",
) -> Article:
    """Save an edit, whole: the fields (``fields.EDITABLE_FIELDS``; a blank slug is made from the
    headline), the credits and tags (``None`` leaves them as they are; tags by name or as ``Tag``
    rows), a revision and, for a change of schedule, an audit row, in one transaction, with
    ``article_changed`` after commit when readers may see it.

    ``expected_version`` is the version the editor's form was built from (``StaleVersion`` when the
    story has moved on); ``LockedByOther`` while someone else holds a live lock, except for the
    system (``user=None``: the wire is never locked out). Who may: ``ArticlePermissions.can_edit``,
    and ``can_reschedule`` for a change of the schedule. A time equal to the stored one to the second
    (the desk's inputs drop microseconds) is no change and keeps the stored value."""
    fields = dict(fields)
    status = fields.pop("status", None)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"edit_article does not write {', '.join(sorted(unknown))}")
    current = lock_for_update(article, expected_version)
    ArticlePermissions(user, current).require_edit()
    if user is not None and lock_holder(current) not in (None, user):  # the system (wire) is never locked out
        raise LockedByOther(current)
    if status is not None and status != current.status:
        raise ValidationError({"status": "Change the status with a workflow action, not by editing."})
    fields = _clean_fields(fields)
    if "slug" in fields and not fields["slug"]:
        fields["slug"] = make_slug(fields.get("headline", current.headline))
    for name in SCHEDULE_FIELDS:  # unchanged (to the second): keep the stored value exactly
        if name in fields and _same_time(fields[name], getattr(current, name)):
            fields[name] = getattr(current, name)
    rescheduled = _check_schedule(user, current, fields)
    for name, value in fields.items():
        setattr(current, name, value)
    current.version = F("version") + 1
    current.modified_at = timezone.now()
    current.modified_by = user if user and user.is_authenticated else None
    current.save(update_fields=[*fields, "version", "modified_at", "modified_by"])
    current.refresh_from_db(fields=["version"])
    if credits is not None:
        set_credits(current, credits)
    if tags is not None:
        set_tags(current, tags)
    record_revision(current, user=user, reason=reason)
    _audit_schedule(current, rescheduled, user)
    if current.status == workflow.PUBLISHED or rescheduled:
        signals.after_commit(signals.article_changed, current)
    article.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return current


def update_article(
    article: Article, *, user=None, expected_version=None, credits=None, tags=None, reason="Edited", **fields
) -> Article:
    """``edit_article`` with the fields as keyword arguments (for callers with a few known fields)."""
    return edit_article(
        article,
        user=user,
        fields=fields,
        credits=credits,
        tags=tags,
        expected_version=expected_version,
        reason=reason,
    )


@refusals_audited
@transaction.atomic
def add_correction(article: Article, *, kind: str, text: str, user=None) -> Correction:
    allowed = ArticlePermissions(user, article)
    allowed.require(allowed.can_correct(), "add a correction", "articles.correct_article")
    if kind not in Correction.Kind.values:
        raise ValidationError({"kind": f"Unknown kind of correction: {kind!r}."})
    text = plain_text(text)
    if not text:
        raise ValidationError({"text": "A correction needs its text."})
    correction = Correction.objects.create(
        article=article, kind=kind, text=text, created_by=user if user and user.is_authenticated else None
    )
    now = timezone.now()
    Article.objects.filter(pk=article.pk).update(updated_at=now, modified_at=now, version=F("version") + 1)
    article.refresh_from_db(fields=["updated_at", "modified_at", "version"])
    record_revision(article, user=user, reason=f"{correction.get_kind_display()} added")
    audit(article, "correct", user=user, message=text)
    signals.after_commit(signals.article_changed, article)
    return correction
