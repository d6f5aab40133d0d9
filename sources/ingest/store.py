"""The database side of an import: sources, and parsed stories stored as versions.

Identity is (source, guid). The same content again changes nothing; a newer
version is kept as a new WireItem and updates the story if no editor changed
it since the last import, else flags it "wire update waiting"; an older
version arriving late is logged and changes nothing; a cancel withdraws.
What a story becomes as an article is ``mapping``'s; this module decides what
happens to it and writes it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import BigIntegerField, BooleanField, F, Func, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify

from articles import services as article_services
from articles.models import Article
from sources.agencies import time_zone_for
from sources.ingest import mapping
from sources.models import ImportedFile, Source, WireItem
from sources.wire.base import ParsedStory, ParseError

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


class UnknownSourceCode(ValueError):
    pass


def get_or_create_source(code: str, *, language: str = "en") -> tuple[Source, bool]:
    """Find a source by its code (case-insensitive), or create it (its time zone from
    ``sources.agencies`` when the agency is known there, else UTC)."""
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
        name=code.upper(),
        code=code.upper(),
        slug=slug,
        credit_line=code.upper(),
        language=language,
        time_zone=time_zone_for(code),
    )
    return source, True


@dataclass
class ImportResult:
    outcome: str  # created | updated | unchanged | waiting | withdrawn | stale | conflict
    article: Article | None
    wire_item: WireItem | None
    message: str = ""
    held: str = ""  # why the story was kept from readers as a flagged draft (``mapping.hold_for_desk``)


def _untouched_since_applied(items: list[WireItem], article: Article) -> bool:
    """Is the article's text as the last applied agency version left it (no editor changed it)?
    ``items`` are the story's WireItems, newest version first."""
    applied = next((i for i in items if i.article_version is not None), None)
    if applied is None:
        return False
    if not applied.article_checksum:
        # applied before checksums were kept: the workflow version is all there is
        return applied.article_version == article.version
    return applied.article_checksum == mapping.article_wire_checksum(article)


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
    cleaned: dict | ValidationError | None = None  # mapping.clean_story_text(story), when the caller has it
    prepared: article_services.NewWireStory | None = None
    held: str = ""  # why it was kept from readers (``mapping.hold_for_desk``), if it was

    def wire_story(self) -> article_services.NewWireStory:
        """What ``prepare_new_story`` built: only prepared stories are inserted."""
        assert self.prepared is not None, "prepare_new_story first"
        return self.prepared


def prepare_new_story(new: NewStory, *, publish: bool, language: str | None) -> NewStory:
    """Check and build a new story in memory (no query): the same ``ParseError`` or
    ``ValidationError`` as ``import_story`` would raise for it."""
    story, source = new.story, new.source
    mapping.validate(story)
    version = story.version if story.version is not None else 1
    changes = mapping.article_changes(story, mapping.story_language(story, source.language, given=language))
    fields = changes.fields
    if new.cleaned is not None:
        if isinstance(new.cleaned, Exception):
            raise new.cleaned
        fields.update(new.cleaned)
    else:
        fields = article_services.clean_wire_text(fields)
    fields, publish, new.held = mapping.hold_for_desk(fields, publish)
    new.prepared = article_services.prepare_wire_story(
        source=source,
        guid=story.identity_key(),
        fields=fields,
        credits=changes.credits,
        tags=changes.tags,
        publish=publish,
        reason=f"Imported {source.code} {new.fmt} v{version}",
        cleaned=True,
    )
    return new


def import_new_stories(batch: list[NewStory]) -> list[ImportResult]:
    """Create brand-new stories together: ``bulk_create_from_wire`` and one insert of their wire
    items, in a fixed number of queries. All or nothing (an ``IntegrityError`` if another import
    stored one of them meanwhile): the caller falls back to ``import_story`` one by one."""
    if not batch:
        return []
    with transaction.atomic():
        article_services.bulk_create_from_wire([n.wire_story() for n in batch])
        rank = mapping.tag_order(name for n in batch for name in n.wire_story().tag_names)
        items = []
        for n in batch:
            story, article = n.story, n.wire_story().article
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
                    article_checksum=mapping.new_article_wire_checksum(n.wire_story(), rank),
                )
            )
        article_services.insert_objects(items)
    return [
        ImportResult("created", item.article, item, held=n.held) for n, item in zip(batch, items, strict=True)
    ]


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
    the pipeline gives each story its own)."""
    mapping.validate(story)
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

        changes = mapping.article_changes(
            story, mapping.story_language(story, source.language, given=language)
        )
        held = ""
        if article is None:
            fields, publish, held = mapping.hold_for_desk(
                article_services.clean_wire_text(changes.fields), publish
            )
            article = article_services.create_from_wire(
                source=source,
                guid=guid,
                fields=fields,
                credits=changes.credits,
                tags=changes.tags,
                publish=publish,
                reason=f"Imported {reason}",
            )
            item.outcome = WireItem.Outcome.CREATED
            outcome = "created"
        elif _untouched_since_applied(items, article):
            article = article_services.apply_wire_update(
                article,
                fields=changes.fields,
                credits=changes.credits,
                tags=changes.tags,
                reason=f"Wire update {reason}",
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
            item.article_checksum = mapping.article_wire_checksum(article)
        _save_item(item, story)
        return ImportResult(outcome, article, item, held=held)


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
