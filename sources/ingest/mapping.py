"""What a wire story becomes: a parsed story (``sources.wire.base.ParsedStory``) mapped to article
fields, credits and tags, and the checksum that tells whether an editor changed them since.

Written once: the importer (new stories in bulk, and one by one) and the triage screen's Accept all
map a story here, so that a story reads the same whichever way it arrived.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import OuterRef
from django.db.models.functions import JSONObject

from articles import services as article_services
from articles.fields import WIRE_FED_FIELDS
from articles.languages import normalise_language
from articles.models import Article, ArticleCredit, Tag
from sources.wire.base import ParsedCredit, ParsedStory, ParseError

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


def validate(story: ParsedStory) -> None:
    """Refuse a story the article could not hold: no headline, or a field over its length."""
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


def story_language(story: ParsedStory, default: str) -> str:
    """The story's own language, else ``default`` (``--language``, or the source's or article's)."""
    return normalise_language(story.language or default)


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
