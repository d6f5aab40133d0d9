"""RSS 2.0 and Atom 1.0 through ``feedparser``, always given the bytes (never a URL or a path).

One story per entry. Mapped from (feedparser's normalised names, with the element they come from):

* guid: ``entry.id`` (RSS ``guid``, Atom ``id``), else ``entry.link``
* headline: ``title`` (none: the description's first sentence, flagged in the note); standfirst: ``summary`` (RSS ``description``, Atom ``summary``) when there is
  also a full body, else nothing
* body: ``content[0]`` (RSS ``content:encoded``, Atom ``content``), else ``summary``; sanitised
* credits: ``authors[]`` (RSS ``author``/``dc:creator``, Atom ``author``; bare e-mail addresses are
  left out) as writers, Atom ``contributors[]`` as additional reporting
* keywords: ``tags[].term`` (RSS ``category``, ``dc:subject``, Atom ``category``)
* version time: ``updated`` (Atom ``updated``, ``dc:date``); first created: ``published``
  (RSS ``pubDate``, Atom ``published``); no version number: a changed entry is a new version
* language: the content's ``xml:lang``, else the feed's ``language``/``dc:language``/``xml:lang``
* copyright: ``rights`` of the entry, else of the feed (RSS ``copyright``, ``dc:rights``)
* url: ``link``; source: the feed link's host name (``www.`` dropped); ``--source`` overrides it
* not in feeds: embargo, status, urgency, dateline, editor's note, slugline
"""

from __future__ import annotations

import calendar
import io
import json
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import feedparser

from articles.sanitize import plain_text, sanitize_html
from sources.wire import xmlsafe as x
from sources.wire.base import ZONELESS, ParsedCredit, ParsedStory, ParseError, WireParser

MAX_FEED_BYTES = 20 * 1024 * 1024
EMAIL_ONLY = re.compile(r"^\S+@\S+$")
EMAIL_IN_NAME = re.compile(r"\s*\(?\S+@\S+\)?\s*")


_ZONE_GIVEN = re.compile(r"(?:[+-]\d{2}:?\d{2}|Z|\b(?:GMT|UTC?|[ECMP][SD]T|[A-Z]{1,4}))\s*$", re.IGNORECASE)


def _time(struct, raw: str = "") -> datetime | None:
    """feedparser's UTC time; when the feed's own text names no zone (``2025-03-03T09:00:00``), the
    same wall time marked zone-less, so that ingest reads it in the Source's time zone."""
    if not struct:
        return None
    value = datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
    if raw and re.search(r"\d:\d\d", raw) and not _ZONE_GIVEN.search(raw.strip()):
        return value.replace(tzinfo=ZONELESS)
    return value


def _person(detail, fallback: str = "") -> str:
    name = ""
    if detail:
        name = detail.get("name") or ""
    name = name or fallback or ""
    name = EMAIL_IN_NAME.sub(" ", name).strip() if not EMAIL_ONLY.match(name.strip()) else ""
    return plain_text(name)


def _entry(entry, feed, *, index: int) -> ParsedStory:
    headline = plain_text(entry.get("title", ""))
    guid = (entry.get("id") or entry.get("link") or "").strip()
    note = ""
    if not headline:  # an item with only a description: its first sentence, flagged for the desk
        headline = first_sentence(plain_text(entry.get("summary", "") or ""))
        note = "Headline taken from the first sentence: the feed item has no title."
    if not headline:
        raise ParseError(
            "entry without a title or a description", field="title", story=guid or f"entry {index}"
        )
    contents = entry.get("content") or []
    summary = entry.get("summary", "") or ""
    if contents:
        body = contents[0].get("value", "") or ""
        standfirst = plain_text(summary) if plain_text(summary) != plain_text(body) else ""
        language = contents[0].get("language") or ""
    else:
        body, standfirst, language = summary, "", ""
    if body and "<" not in body:
        body = "".join(f"<p>{p}</p>" for p in re.split(r"\n\s*\n", body) if p.strip())
    credits = []
    for author in entry.get("authors") or []:
        name = _person(author)
        if name:
            credits.extend(x.parse_byline(name))
    if not credits and entry.get("author"):
        credits.extend(x.parse_byline(_person(entry.get("author_detail"), entry.get("author"))))
    for contributor in entry.get("contributors") or []:
        name = _person(contributor)
        if name:
            credits.append(ParsedCredit(name=name, role="additional"))
    keywords = []
    for tag in entry.get("tags") or []:
        term = plain_text(tag.get("term") or tag.get("label") or "")
        if term and term not in keywords:
            keywords.append(term)
    # dict.get: feedparser's own get() maps a missing updated_parsed to published_parsed, with a warning.
    published = _time(dict.get(entry, "published_parsed"), dict.get(entry, "published") or "")
    updated = _time(dict.get(entry, "updated_parsed"), dict.get(entry, "updated") or "") or published
    link = (entry.get("link") or "").strip()
    return ParsedStory(
        headline=headline,
        standfirst=standfirst,
        body_html=x.ensure_paragraphs(x.drop_empty_paragraphs(sanitize_html(body))),
        credits=credits,
        language=(language or entry.get("language") or feed.get("language") or "").strip(),
        keywords=keywords,
        guid=guid or link,
        version_at=updated,
        first_created=published,
        copyright=plain_text(entry.get("rights") or feed.get("rights") or ""),
        url=link[:500] if link.startswith(("http://", "https://")) else "",
        source_code=_source_code(feed),
        editor_note=note,
    )


_SENTENCE_END = re.compile(r"(?<=[^\s.]{2}[.!?\u061f\u3002])\s+")
MAX_SENTENCE_HEADLINE = 200


def first_sentence(text: str) -> str:
    """The first sentence of a text (at most 200 characters, cut at a word with an ellipsis)."""
    sentence = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]
    if len(sentence) > MAX_SENTENCE_HEADLINE:
        sentence = sentence[: MAX_SENTENCE_HEADLINE - 1].rsplit(" ", 1)[0] + "…"
    return sentence


def _source_code(feed) -> str:
    host = urlsplit((feed.get("link") or "").strip()).hostname or ""
    host = host.removeprefix("www.")
    return re.sub(r"[^A-Za-z0-9_.-]", "", host)[:32]


class _FeedParser(WireParser):
    roots: tuple[str, ...] = ()

    def sniff(self, data: bytes) -> bool:
        return x.root_name(data) in self.roots

    def parse(self, data: bytes, *, filename: str = "") -> list[ParsedStory]:
        if len(data) > MAX_FEED_BYTES:
            raise ParseError(f"{len(data)} bytes, larger than the feed limit of {MAX_FEED_BYTES}")
        x.reject_entity_declarations(data)
        if b"\x00" in data[:1024] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ParseError("binary data, not a feed")
        data = x.as_utf8(data)  # undeclared legacy bytes: detected as for every format, or refused
        # A stream, so that feedparser never takes the bytes for a URL or a file name.
        result = feedparser.parse(io.BytesIO(data), resolve_relative_uris=True, sanitize_html=True)
        version = result.get("version") or ""
        entries = result.get("entries") or []
        if result.get("bozo") and not entries:
            problem = result.get("bozo_exception")
            raise ParseError(f"not a readable feed: {problem}" if problem else "not a readable feed")
        if not entries:
            raise ParseError("a feed with no entries", field="entries")
        if version and not version.startswith(self.format):
            raise ParseError(f"this is {version}, not {self.format}")
        stories: list = []
        for index, entry in enumerate(entries, start=1):
            try:
                story = _entry(entry, result.get("feed") or {}, index=index)
                if len(entries) > 1:  # this entry as feedparser read it, not the whole feed
                    story.raw = json.dumps(entry, ensure_ascii=False, default=str)
                stories.append(story)
            except ParseError as exc:
                stories.append(exc)  # one bad entry does not stop the others
        return stories


class RSSParser(_FeedParser):
    format = "rss"
    roots = ("rss", "RDF")


class AtomParser(_FeedParser):
    format = "atom"
    roots = ("feed",)
