"""Every change of state of a story goes through here.

Each function is atomic, checks permission on the server, bumps the
optimistic ``version``, writes a Revision (a full snapshot) and an AuditEntry
for transitions, and fires signals only after commit.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from articles import signals, workflow
from articles.fields import (
    EDITABLE_FIELDS,
    HTML_FIELDS,
    PLAIN_TEXT_FIELDS,
    RESTORED_FIELDS,
    SCHEDULE_FIELDS,
    SNAPSHOT_FIELDS,
)
from articles.models import (
    Article,
    ArticleCredit,
    AuditEntry,
    Correction,
    Image,
    Revision,
    SchedulerMark,
    Section,
    Tag,
    new_preview_nonce,
)
from articles.permissions import ArticlePermissions, Refused
from articles.querysets import published_time_expr
from articles.sanitize import plain_text, sanitize_html


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
    exc.audit_id = entry.pk
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


class LockedByOther(Exception):
    """Someone else holds the story's edit lock."""

    def __init__(self, article: Article):
        holder = article.locked_by.get_username() if article.locked_by_id else "someone"
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


@dataclass
class CreditInput:
    name: str = ""
    role: str = "writer"
    editor_id: int | None = None


def make_slug(headline: str) -> str:
    return slugify(headline, allow_unicode=True)[:200].strip("-") or "story"


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


def audit(article: Article | None, action: str, *, user=None, from_status="", to_status="", message=""):
    return AuditEntry.objects.create(
        article=article,
        actor=user if user and user.is_authenticated else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        message=message,
    )


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
    found = {
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


def _lock_for_update(article: Article, expected_version: int | None) -> Article:
    current = Article.objects.select_for_update().get(pk=article.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(current, expected_version)
    return current


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
    current = _lock_for_update(article, expected_version)
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
    current = _lock_for_update(article, expected_version)
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


# --- Wire copy -------------------------------------------------------------------------------------


@transaction.atomic
def create_from_wire(
    *, source, guid: str, fields: dict, credits, tags, publish: bool, reason: str
) -> Article:
    """A new story from the wire: a draft in the wire queue, or published at once with ``publish``
    (an embargo still holds it back, since publication is decided at query time)."""
    status = workflow.PUBLISHED if publish else workflow.DRAFT
    return create_article(
        source=source, wire_guid=guid, status=status, credits=credits, tags=tags, reason=reason, **fields
    )


@dataclass
class NewWireStory:
    """A brand-new wire story checked and built in memory (``prepare_wire_story``), for
    ``bulk_create_from_wire``; ``credit_rows`` and ``tag_names`` are filled in by the insert."""

    article: Article
    credits: list[CreditInput]
    tags: list[str]
    reason: str
    credit_rows: list = field(default_factory=list)  # of _NewCredit
    tag_names: list[str] = field(default_factory=list)


def prepare_wire_story(
    *, source, guid: str, fields: dict, credits, tags, publish: bool, reason: str, now=None, cleaned=False
) -> NewWireStory:
    """What ``create_from_wire`` would insert, checked without a query: the same sanitising, slug,
    publication times and field checks (the same ``ValidationError`` for a bad field)."""
    status = workflow.PUBLISHED if publish else workflow.DRAFT
    article = _new_article(now=now, cleaned=cleaned, source=source, wire_guid=guid, status=status, **fields)
    return NewWireStory(article=article, credits=list(credits), tags=_wanted_tags(tags), reason=reason)


def insert_objects(objs: list) -> None:
    """``bulk_create(objs)`` (one model) in one statement from one JSON array (``insert_rows``),
    reading back only the ids: not also generated columns such as an article's search vector
    (kilobytes a story, which Django's ``bulk_create`` returns and the import never reads)."""
    if not objs:
        return
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not f.generated and not f.primary_key]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    ids = insert_rows(
        model, [{f.attname: getattr(obj, f.attname) for f in fields} for obj in objs], returning=True
    )
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


@dataclass
class _NewCredit:
    """A wire credit as inserted by ``bulk_create_from_wire`` (always a name, never a staff profile)."""

    position: int
    role: str
    name: str
    editor_id: None = None

    @property
    def display_name(self) -> str:
        return self.name


def insert_rows(model, rows: list[dict], *, returning=False) -> list[int]:
    """Insert many rows of ``model`` in one statement, the values sent as one JSON array and typed by
    PostgreSQL (``jsonb_to_recordset``): for the rows an import writes by the thousand, without a model
    instance and an ORM compile per row (the fields' own checks are for the caller to have run). A
    field a row leaves out takes its default (a callable default is called per row). With
    ``returning``, the new primary keys in the order of ``rows``."""
    if not rows:
        return []
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.generated
        and not f.primary_key
        and not (f.has_db_default() and all(f.attname not in row for row in rows))
    ]  # the database's
    data = []
    for n, row in enumerate(rows):
        item = {"_n": n}
        for f in fields:
            value = row[f.attname] if f.attname in row else f.get_default()
            item[f.column] = value.isoformat() if hasattr(value, "isoformat") else value
        data.append(item)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    typed = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 - names from the model
        f"SELECT {columns} FROM jsonb_to_recordset(%s::jsonb) AS r(_n integer, {typed}) ORDER BY _n"
    )
    if returning:
        sql += f" RETURNING {quote(model._meta.pk.column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)])
        return [row[0] for row in cursor.fetchall()] if returning else []


def bulk_create_from_wire(stories: list[NewWireStory]) -> list[Article]:
    """Insert many prepared new wire stories at once, with what ``create_from_wire`` writes for each
    (the article, its credits, tags, revision 1, the publish audit row, ``article_published`` after
    commit): a fixed number of queries for any number of stories. Atomic: on an error nothing of
    the batch is written (the caller then imports the stories one by one to find the bad one)."""
    if not stories:
        return []
    with transaction.atomic(savepoint=False):
        wanted = list(dict.fromkeys(n for s in stories for n in s.tags))
        found = resolve_tags(wanted)
        insert_objects([s.article for s in stories])
        now = timezone.now()
        credit_rows, links, revisions, audits = [], [], [], []
        for s in stories:
            article = s.article
            if any(c.editor_id is not None for c in s.credits):
                raise ValueError("bulk_create_from_wire takes credits by name only")
            s.credit_rows = [
                _NewCredit(position=i, role=c.role, name=c.name) for i, c in enumerate(s.credits)
            ]
            credit_rows.extend(
                {
                    "article_id": article.pk,
                    "position": c.position,
                    "role": c.role,
                    "editor_id": None,
                    "name": c.name,
                }
                for c in s.credit_rows
            )
            tags = list(dict.fromkeys(found[n.casefold()] for n in s.tags if n.casefold() in found))
            links.extend({"article_id": article.pk, "tag_id": t.pk} for t in tags)
            s.tag_names = [t.name for t in tags]
            revisions.append(
                {
                    "article_id": article.pk,
                    "number": 1,
                    "created_at": now,
                    "created_by_id": None,
                    "reason": s.reason[:300],
                    "status": article.status,
                    "snapshot": snapshot(article, credits=s.credit_rows, tags=s.tag_names),
                }
            )
            if article.status == workflow.PUBLISHED:
                audits.append(
                    {
                        "article_id": article.pk,
                        "actor_id": None,
                        "action": "publish",
                        "from_status": "",
                        "to_status": article.status,
                        "message": s.reason,
                        "created_at": now,
                    }
                )
        insert_rows(ArticleCredit, credit_rows)
        insert_rows(Article.tags.through, links)
        insert_rows(Revision, revisions)
        insert_rows(AuditEntry, audits)
        for s in stories:
            if s.article.status == workflow.PUBLISHED:
                signals.after_commit(signals.article_published, s.article)
    return [s.article for s in stories]


@transaction.atomic
def apply_wire_update(article: Article, *, fields: dict, credits, tags, reason: str) -> Article:
    """A newer agency version, when no editor has touched the story since the last import."""
    current = update_article(article, credits=credits, tags=tags, reason=reason, **fields)
    if current.status == workflow.PUBLISHED:
        Article.objects.filter(pk=current.pk).update(updated_at=timezone.now(), wire_update_waiting=False)
    elif current.wire_update_waiting:
        Article.objects.filter(pk=current.pk).update(wire_update_waiting=False)
    current.refresh_from_db(fields=["updated_at", "wire_update_waiting"])
    return current


@transaction.atomic
def flag_wire_update(article: Article, *, reason: str) -> None:
    """An editor changed the story since the last import: keep their work, flag the update."""
    Article.objects.filter(pk=article.pk).update(wire_update_waiting=True)
    audit(article, "wire_update_waiting", message=reason)


@transaction.atomic
def withdraw_from_wire(article: Article, *, reason: str) -> Article:
    """The agency cancelled or killed the story: take it off the public site and say why."""
    current = Article.objects.select_for_update().get(pk=article.pk)
    previous = current.status
    if previous == workflow.PUBLISHED:
        current = transition(current, "unpublish", reason=reason)
    else:
        audit(current, "wire_withdrawn", from_status=previous, to_status=previous, message=reason)
    Article.objects.filter(pk=current.pk).update(withdrawn_reason=reason, wire_update_waiting=False)
    current.refresh_from_db()
    return current


# --- Edit locks --------------------------------------------------------------------------------------
# A lock tells a second person who is editing; it lapses after ARTICLE_LOCK_TIMEOUT seconds without a
# heartbeat. Taking, renewing and releasing a lock never bumps ``version`` (that is for content).


def lock_timeout() -> timedelta:
    return timedelta(seconds=getattr(settings, "ARTICLE_LOCK_TIMEOUT", 15 * 60))


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
    holder = current.locked_by.get_username() if current.locked_by_id else "nobody"
    Article.objects.filter(pk=current.pk).update(locked_by=None, locked_at=None)
    audit(current, "force_unlock", user=user, message=f"Lock held by {holder} removed")
    article.locked_by, article.locked_at = None, None
    return current


# --- Share-preview links ----------------------------------------------------------------------------------


@refusals_audited
@transaction.atomic
def revoke_share_links(article: Article, *, user) -> Article:
    """A new ``preview_nonce``: every share-preview link made so far stops working. Audited."""
    allowed = ArticlePermissions(user, article)
    allowed.require(allowed.can_share(), "revoke this story's share links")
    nonce = new_preview_nonce()
    Article.objects.filter(pk=article.pk).update(preview_nonce=nonce)
    article.preview_nonce = nonce
    audit(article, "revoke_share_links", user=user, message="Share-preview links revoked")
    return article


# --- Restoring a revision ------------------------------------------------------------------------------


def restore_revision(article: Article, revision: Revision, *, user=None, expected_version=None) -> Article:
    """Bring back a revision's text, placement, credits and tags as a new revision. The status and
    publication times stay as they are: restoring is an edit, not a workflow move."""
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
    return update_article(
        article,
        user=user,
        expected_version=expected_version,
        credits=credits,
        tags=data.get("tags", []),
        reason=f"Restored revision {revision.number}",
        **fields,
    )


# --- The scheduler ---------------------------------------------------------------------------------------


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
    lookback = timedelta(minutes=getattr(settings, "PUBLISH_DUE_FIRST_LOOKBACK_MINUTES", 60))
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
