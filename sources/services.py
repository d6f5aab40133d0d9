"""The wire desk's changes of state: sources, and importing parsed stories as versions.

Identity is (source, guid). The same content again changes nothing; a newer
version is kept as a new WireItem and updates the story if no editor changed
it since the last import, else flags it "wire update waiting"; an older
version arriving late is logged and changes nothing; a cancel withdraws.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import BigIntegerField, BooleanField, F, Func, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.text import slugify

from articles import services as article_services
from articles.languages import normalise_language
from articles.models import Article, ArticleCredit, Tag
from articles.services import CreditInput
from sources.models import ImportedFile, Source, WireItem
from sources.wire.base import ParsedStory, ParseError

MAX_LENGTHS = {
    "headline": 300,
    "kicker": 200,
    "dateline_place": 200,
    "dateline_outlet": 200,
    "copyright": 300,
}
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


class UnknownSourceCode(ValueError):
    pass


def get_or_create_source(code: str, *, language: str = "en") -> tuple[Source, bool]:
    """Find a source by its code (case-insensitive), or create it."""
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise UnknownSourceCode(
            f"invalid source code {code!r}: 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    source = Source.objects.filter(code__iexact=code).first()
    if source:
        return source, False
    slug = slugify(code) or "source"
    if Source.objects.filter(slug=slug).exists():
        slug = f"{slug}-{Source.objects.count() + 1}"
    source = Source.objects.create(
        name=code.upper(), code=code.upper(), slug=slug, credit_line=code.upper(), language=language
    )
    return source, True


@dataclass
class ImportResult:
    outcome: str  # created | updated | unchanged | waiting | withdrawn | stale | conflict
    article: Article | None
    wire_item: WireItem | None
    message: str = ""


def _validate(story: ParsedStory) -> None:
    if not story.headline.strip():
        raise ParseError("no headline", field="headline", line=story.line)
    for name, limit in MAX_LENGTHS.items():
        value = getattr(story, name)
        if len(value) > limit:
            raise ParseError(
                f"{len(value)} characters, at most {limit}",
                field=name,
                line=story.line,
                story=story.headline[:60],
            )


def _article_fields(story: ParsedStory, language: str) -> dict:
    return {
        "headline": story.headline,
        "kicker": story.kicker,
        "standfirst": story.standfirst,
        "body": story.body_html,
        "dateline_place": story.dateline_place,
        "dateline_outlet": story.dateline_outlet,
        "language": language,
        "urgency": story.urgency,
        "copyright": story.copyright,
        "editor_note": story.editor_note,
        "embargo_until": story.embargo_until,
    }


# The article fields an agency version writes: an editor changing any of them (not a workflow step
# such as publishing, which bumps ``Article.version`` too) makes the next agency version wait.
WIRE_FED_FIELDS = (
    "headline",
    "kicker",
    "standfirst",
    "body",
    "dateline_place",
    "dateline_outlet",
    "language",
)


def _wire_checksum(row: dict) -> str:
    payload = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def article_wire_checksum(article: Article | int) -> str:
    """A checksum of the article's wire-fed fields, credits and tags as stored now (one query)."""
    pk = article.pk if isinstance(article, Article) else article
    row = (
        Article.objects.filter(pk=pk)
        .values(
            *WIRE_FED_FIELDS,
            credit_list=ArraySubquery(
                ArticleCredit.objects.filter(article=OuterRef("pk"))
                .order_by("position", "pk")
                .values(json=JSONObject(name="name", role="role", editor="editor_id"))
            ),
            tag_list=ArraySubquery(
                Tag.objects.filter(articles=OuterRef("pk")).order_by("name").values("name")
            ),
        )
        .get()
    )
    return _wire_checksum(row)


def new_article_wire_checksum(new: article_services.NewWireStory, tag_rank: dict[str, int]) -> str:
    """``article_wire_checksum`` of an article just inserted by ``bulk_create_from_wire``, from the
    values written (no query). ``tag_rank`` orders tag names as the database does (``tag_order``)."""
    article = new.article
    row = {name: getattr(article, name) for name in WIRE_FED_FIELDS}
    row["credit_list"] = [{"name": c.name, "role": c.role, "editor": c.editor_id} for c in new.credit_rows]
    row["tag_list"] = sorted(new.tag_names, key=tag_rank.__getitem__)
    return _wire_checksum(row)


def tag_order(names) -> dict[str, int]:
    """Each name's rank in the database's ``ORDER BY name`` for tags (its collation, which need not
    be Python's code-point order): one query for a whole batch."""
    names = list(set(names))
    if not names:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM unnest(%s::text[]) AS t(n) ORDER BY n", [names])
        return {n: i for i, (n,) in enumerate(cursor.fetchall())}


def _untouched_since_applied(items: list[WireItem], article: Article) -> bool:
    """Is the article's text as the last applied agency version left it (no editor changed it)?
    ``items`` are the story's WireItems, newest version first."""
    applied = next((i for i in items if i.article_version is not None), None)
    if applied is None:
        return False
    if (
        not applied.article_checksum
    ):  # applied before checksums were kept: the workflow version is all there is
        return applied.article_version == article.version
    return applied.article_checksum == article_wire_checksum(article)


def unchanged_items(keys: set[tuple[int, str, str]]) -> dict[tuple[int, str, str], WireItem]:
    """The WireItems already holding these (source id, guid, checksum)s: one query for a whole file,
    so that re-importing unchanged copy costs no transaction and no query per story. (Nothing is
    written for an unchanged story, so no lock is needed; ``import_story`` checks again under one.)"""
    if not keys:
        return {}
    found = WireItem.objects.filter(
        source_id__in={k[0] for k in keys}, guid__in={k[1] for k in keys}, checksum__in={k[2] for k in keys}
    ).only("id", "source_id", "guid", "checksum", "version", "article_id")
    return {key: item for item in found if (key := (item.source_id, item.guid, item.checksum)) in keys}


# --- Batches: files recorded as imported, and brand-new stories inserted together -------------------


@dataclass(frozen=True)
class KnownFile:
    stories: int
    wire_items: tuple[int, ...]


def imported_files(hashes, *, source: Source | None, parser: str) -> dict[tuple[str, str], KnownFile]:
    """The files recorded as imported whole, by (sha256, format), among ``hashes``, for this
    ``--source`` (None: the agency named in the file) and parser code: one query for a batch. A
    record some of whose wire items are gone (deleted since) is left out."""
    if not hashes:
        return {}
    held = Func(
        F("pk"),
        OuterRef("wire_items"),
        template="(%(expressions)s))",
        arg_joiner=" = ANY(",
        output_field=BooleanField(),
    )
    present = Subquery(
        WireItem.objects.filter(held)
        .order_by()
        .values(n=Func("pk", function="COUNT", output_field=BigIntegerField())),
        output_field=BigIntegerField(),
    )
    rows = (
        ImportedFile.objects.filter(sha256__in=set(hashes), parser=parser)
        .filter(**({"source": source} if source is not None else {"source__isnull": True}))
        .annotate(present=present)
        .values_list("sha256", "format", "stories", "wire_items", "present")
    )
    return {
        (sha, fmt): KnownFile(stories, tuple(items))
        for sha, fmt, stories, items, found in rows
        if found == len(set(items))
    }


def record_imported_files(rows: list[ImportedFile]) -> None:
    """Remember files imported whole (``imported_files``), in one statement. A record is a shortcut,
    never the truth: if it cannot be written, the stories still stand."""
    unique = {}
    for row in rows:
        unique[(row.sha256, row.source_id, row.format, row.parser)] = row
    if not unique:
        return
    data = [
        {
            "sha256": r.sha256,
            "source_id": r.source_id,
            "format": r.format,
            "parser": r.parser,
            "stories": r.stories,
            "items": r.wire_items,
        }
        for r in unique.values()
    ]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO sources_importedfile (sha256, source_id, format, parser, stories, wire_items, imported_at)
                SELECT r.sha256, r.source_id, r.format, r.parser, r.stories,
                       ARRAY(SELECT jsonb_array_elements_text(r.items)::bigint), %s
                FROM jsonb_to_recordset(%s::jsonb)
                     AS r(sha256 text, source_id bigint, format text, parser text, stories integer, items jsonb)
                ON CONFLICT (sha256, source_id, format, parser) DO UPDATE
                SET stories = EXCLUDED.stories, wire_items = EXCLUDED.wire_items, imported_at = EXCLUDED.imported_at""",
                [timezone.now(), json.dumps(data)],
            )
    except DatabaseError:  # e.g. a concurrent import's record: this one is only lost, not the stories
        pass


_LZ4: dict[str, bool] = {}


def compress_with_lz4() -> None:
    """For the rest of this transaction, compress new large values (wire payloads, parsed copies,
    revision snapshots, bodies: several KB each) with lz4 instead of the default pglz, when the
    server has it: about a quarter of the time to write a wire item or a revision. Readers see no
    difference; the setting ends with the transaction."""
    if connection.alias not in _LZ4:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
            )
            row = cursor.fetchone()
        _LZ4[connection.alias] = bool(row and row[0])
    if _LZ4[connection.alias]:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL default_toast_compression = 'lz4'")


def stored_identities(identities: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which (source id, guid)s already have a wire item or an article: two queries for a batch."""
    if not identities:
        return set()
    source_ids, guids = {i[0] for i in identities}, {i[1] for i in identities}
    found = set(
        WireItem.objects.filter(source_id__in=source_ids, guid__in=guids)
        .order_by()
        .values_list("source_id", "guid")
        .distinct()
    )
    found |= set(
        Article.objects.filter(source_id__in=source_ids, wire_guid__in=guids)
        .order_by()
        .values_list("source_id", "wire_guid")
    )
    return found & identities


@dataclass
class NewStory:
    """A story of a batch with no article and no wire item yet under its identity."""

    story: ParsedStory
    source: Source
    fmt: str
    raw: str
    filename: str
    checksum: str
    parsed: dict | None = None  # story.as_json(), when the caller has it
    cleaned: dict | ValidationError | None = None  # clean_story_text(story), when the caller has it
    prepared: article_services.NewWireStory | None = None


def prepare_new_story(new: NewStory, *, publish: bool, language: str | None) -> NewStory:
    """Check and build a new story in memory (no query): the same ``ParseError`` or
    ``ValidationError`` as ``import_story`` would raise for it."""
    story, source = new.story, new.source
    _validate(story)
    version = story.version if story.version is not None else 1
    lang = normalise_language(story.language or language or source.language)
    fields = _article_fields(story, lang)
    if new.cleaned is not None:
        if isinstance(new.cleaned, Exception):
            raise new.cleaned
        fields.update(new.cleaned)
    else:
        fields = article_services.clean_wire_text(fields)
    new.prepared = article_services.prepare_wire_story(
        source=source,
        guid=story.identity_key(),
        fields=fields,
        credits=[CreditInput(name=c.name[:200], role=c.role) for c in story.credits],
        tags=story.keywords[:30],
        publish=publish,
        reason=f"Imported {source.code} {new.fmt} v{version}",
        cleaned=True,
    )
    return new


# The fields of ``_article_fields`` that ``clean_wire_text`` changes.
CLEANED_FIELDS = ("headline", "kicker", "standfirst", "body", "dateline_place", "dateline_outlet")


def clean_story_text(story: ParsedStory) -> dict | ValidationError:
    """The story's text fields as they will be stored (sanitised), or the ValidationError saying
    why not; no database, so that a parse worker can do it ahead of ``prepare_new_story``."""
    fields = _article_fields(story, "")
    try:
        return article_services.clean_wire_text({name: fields[name] for name in CLEANED_FIELDS})
    except ValidationError as exc:
        return exc


def import_new_stories(batch: list[NewStory]) -> list[ImportResult]:
    """Create brand-new stories together: ``bulk_create_from_wire`` and one insert of their wire
    items, in a fixed number of queries. All or nothing (an ``IntegrityError`` if another import
    stored one of them meanwhile): the caller falls back to ``import_story`` one by one."""
    if not batch:
        return []
    with transaction.atomic():
        article_services.bulk_create_from_wire([n.prepared for n in batch])
        rank = tag_order(name for n in batch for name in n.prepared.tag_names)
        items = []
        for n in batch:
            story, article = n.story, n.prepared.article
            items.append(
                WireItem(
                    source=n.source,
                    guid=story.identity_key(),
                    version=story.version if story.version is not None else 1,
                    version_at=story.version_at,
                    format=n.fmt,
                    filename=n.filename[:500],
                    checksum=n.checksum,
                    raw_payload=n.raw,
                    parsed=n.parsed if n.parsed is not None else story.as_json(),
                    outcome=WireItem.Outcome.CREATED,
                    article=article,
                    article_version=article.version,
                    article_checksum=new_article_wire_checksum(n.prepared, rank),
                )
            )
        article_services.insert_objects(items)
    return [ImportResult("created", item.article, item) for item in items]


def import_story(
    story: ParsedStory,
    *,
    source: Source,
    fmt: str,
    raw: str,
    filename: str = "",
    publish: bool = False,
    language: str | None = None,
    checksum: str | None = None,
) -> ImportResult:
    """Import one parsed story in its own transaction (a savepoint-free one inside the caller's:
    the importer gives each story its own)."""
    _validate(story)
    guid = story.identity_key()
    checksum = checksum or story.checksum()
    with transaction.atomic(savepoint=False):
        # Every version of the story received so far, locked, newest first, in one query (the
        # heavy payload columns left out): the checks below are made on this list.
        items = list(
            WireItem.objects.select_for_update(of=("self",))
            .select_related("article")
            .filter(source=source, guid=guid)
            .defer("raw_payload", "parsed")
            .order_by("-version", "-id")
        )
        latest = items[0] if items else None
        same = next((i for i in items if i.checksum == checksum), None)
        if same is not None:
            return ImportResult("unchanged", same.article, same)
        version = story.version if story.version is not None else ((latest.version + 1) if latest else 1)
        item = WireItem(
            source=source,
            guid=guid,
            version=version,
            version_at=story.version_at,
            format=fmt,
            filename=filename[:500],
            checksum=checksum,
            raw_payload=raw,
            parsed=story.as_json(),
        )
        article = next((i.article for i in items if i.article_id), None) if items else None
        if article is None:
            article = Article.objects.filter(source=source, wire_guid=guid).first()
        reason = f"{source.code} {fmt} v{version}"

        if story.status != ParsedStory.USABLE:
            # An agency cancel or kill applies whatever its version number: a kill re-sent under
            # the number of the story it kills, or numbered lower, must still take the story down.
            # It is logged under its own number (the constraint is on the content too, so it can
            # sit beside a usable copy of the same number); the same cancel again is "unchanged".
            item.outcome = WireItem.Outcome.WITHDRAWN
            if article:
                article = article_services.withdraw_from_wire(
                    article, reason=f"{reason}: {story.status} by agency"
                )
            item.article = article
            _save_item(item, story)
            return ImportResult("withdrawn", article, item)

        if story.version is not None and any(i.version == version for i in items):
            # The agency re-sent a version number with other content: keep the copy (nothing
            # received is lost) but apply nothing; the command reports it as a failure.
            item.outcome = WireItem.Outcome.CONFLICT
            item.article = article
            _save_item(item, story)
            return ImportResult(
                "conflict",
                article,
                item,
                f"version {version} was already received with other content; "
                f"this copy is kept as a conflict (wire item {item.pk}) and not applied",
            )

        if latest and (
            version < latest.version
            or (
                story.version is None
                and story.version_at
                and latest.version_at
                and story.version_at < latest.version_at
            )
        ):
            item.outcome = WireItem.Outcome.STALE
            item.article = article
            _save_item(item, story)
            return ImportResult("stale", article, item, f"older than v{latest.version}; ignored")

        lang = normalise_language(story.language or language or source.language)
        credits = [CreditInput(name=c.name[:200], role=c.role) for c in story.credits]
        tags = story.keywords[:30]
        fields = _article_fields(story, lang)
        if article is None:
            article = article_services.create_from_wire(
                source=source,
                guid=guid,
                fields=fields,
                credits=credits,
                tags=tags,
                publish=publish,
                reason=f"Imported {reason}",
            )
            item.outcome = WireItem.Outcome.CREATED
            outcome = "created"
        else:
            if _untouched_since_applied(items, article):
                article = article_services.apply_wire_update(
                    article, fields=fields, credits=credits, tags=tags, reason=f"Wire update {reason}"
                )
                item.outcome = WireItem.Outcome.UPDATED
                outcome = "updated"
            else:
                article_services.flag_wire_update(article, reason=f"Wire update {reason} waits for an editor")
                item.outcome = WireItem.Outcome.WAITING
                outcome = "waiting"
        item.article = article
        if outcome in ("created", "updated") and article is not None:
            item.article_version = article.version
            item.article_checksum = article_wire_checksum(article)
        _save_item(item, story)
        return ImportResult(outcome, article, item)


def _save_item(item: WireItem, story: ParsedStory) -> None:
    # No savepoint of its own: on an IntegrityError the story's whole transaction is rolled back
    # anyway (the ParseError leaves ``import_story``'s atomic block).
    try:
        item.save(force_insert=True)
    except IntegrityError:
        raise ParseError(
            f"version {item.version} was received at the same moment by another import",
            field="version",
            story=story.headline[:60],
        ) from None


# --- Triage: an editor decides on a wire update that waits ---------------------------------------


def story_from_json(data: dict) -> ParsedStory:
    """A ParsedStory back from ``WireItem.parsed``."""
    from datetime import datetime

    from sources.wire.base import ParsedCredit

    values = {k: v for k, v in data.items() if k in ParsedStory.__dataclass_fields__}
    for name in ("version_at", "first_created", "embargo_until"):
        if values.get(name):
            values[name] = datetime.fromisoformat(values[name])
    values["credits"] = [ParsedCredit(**c) for c in values.get("credits") or []]
    return ParsedStory(**values)


@dataclass
class Triage:
    """What the editor sees side by side: the agency's previous version, the new one, the current story."""

    article: Article
    waiting: WireItem
    previous: WireItem | None

    @property
    def new_story(self) -> ParsedStory:
        return story_from_json(self.waiting.parsed)

    @property
    def previous_story(self) -> ParsedStory | None:
        return story_from_json(self.previous.parsed) if self.previous else None


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
    if user is None or not user.has_perm("sources.triage_wire"):
        raise article_services.Refused(TRIAGE_REFUSED, article=article, user=user, action="wire triage")


@article_services.refusals_audited
@transaction.atomic
def accept_wire_update(article: Article, *, user, expected_version: int | None = None) -> Article:
    """Apply the waiting agency version over the editor's changes (they stay in the revisions).

    ``expected_version`` is the story's version the editor saw on the triage screen; it is checked
    against the row locked for the update, so an edit saved meanwhile is never overwritten."""
    _check_triage(user, article)
    article = Article.objects.select_for_update(of=("self",)).select_related("source").get(pk=article.pk)
    if expected_version is not None and article.version != expected_version:
        raise article_services.StaleVersion(article, expected_version)
    triage = pending_triage(article)
    if triage is None:
        raise ValidationError("No wire update is waiting for this story.")
    story = triage.new_story
    lang = normalise_language(story.language or article.language)
    credits = [CreditInput(name=c.name[:200], role=c.role) for c in story.credits]
    article = article_services.apply_wire_update(
        article,
        fields=_article_fields(story, lang),
        credits=credits,
        tags=story.keywords[:30],
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
        article_checksum=article_wire_checksum(article),
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
