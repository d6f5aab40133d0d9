"""Writes for wire copy: a new story (one, or a whole batch in a fixed number of statements), a newer
agency version, a flagged update, an agency's withdrawal. Reading and mapping wire files is
``sources``'; this is what the domain does with the result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from articles import signals, workflow
from articles.models import Article, ArticleCredit, AuditEntry, Revision
from articles.services.audit import audit
from articles.services.editing import (
    CreditInput,
    _new_article,
    _wanted_tags,
    create_article,
    resolve_tags,
    update_article,
)
from articles.services.revisions import snapshot
from articles.services.transitions import transition


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
        credit_rows: list[dict] = []
        links: list[dict] = []
        revisions: list[dict] = []
        audits: list[dict] = []
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


# A lock tells a second person who is editing; it lapses after ARTICLE_LOCK_TIMEOUT seconds without a
# heartbeat. Taking, renewing and releasing a lock never bumps ``version`` (that is for content).
