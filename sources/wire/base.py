"""The one interface every wire parser implements, and the value it produces.

A parser turns the bytes of one file into a list of ``ParsedStory`` (a
NewsML-G2 ``newsMessage`` or an RSS feed carries several). It touches no
database and no network, and raises ``ParseError`` (with the field and, where
known, the line) for anything it cannot read.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import ClassVar


class ParseError(Exception):
    """Bad input. ``str()`` gives a one-line message; the command prefixes the file name."""

    def __init__(
        self, message: str, *, field: str | None = None, line: int | None = None, story: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.line = line
        self.story = story

    def __reduce__(self):  # picklable with its details (parsing may run in another process)
        return (_parse_error, (self.message, self.field, self.line, self.story))

    def __str__(self):
        parts = []
        if self.line:
            parts.append(f"line {self.line}")
        if self.story:
            parts.append(f"story {self.story!r}")
        if self.field:
            parts.append(f"field {self.field}")
        prefix = ", ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


def _parse_error(message, field, line, story):
    return ParseError(message, field=field, line=line, story=story)


class _ZoneLess(tzinfo):
    """The zone of a time whose file names none. It reads as UTC (so parsers, comparisons and tests
    see an aware time), and tells ingest to read the wall time in the Source's own zone instead
    (``sources.ingest.mapping.localise_times``: the one place that does)."""

    def utcoffset(self, dt):
        return timedelta(0)

    def dst(self, dt):
        return timedelta(0)

    def tzname(self, dt):
        return "UTC"

    def __repr__(self):
        return "ZONELESS"

    def __reduce__(self):  # one instance, also across the parse workers' pickling
        return (_zoneless, ())


ZONELESS = _ZoneLess()


def _zoneless():
    return ZONELESS


def zoneless(value: datetime) -> datetime:
    """A naive wall time from a file that names no zone, marked as such (read as UTC until ingest
    knows the Source's zone)."""
    return value.replace(tzinfo=ZONELESS)


def is_zoneless(value: datetime | None) -> bool:
    return value is not None and value.tzinfo is ZONELESS


def in_zone(value: datetime, zone: tzinfo) -> datetime:
    """A zone-less time read as wall time in ``zone``, in UTC; any other time unchanged."""
    if value.tzinfo is not ZONELESS:
        return value
    return value.replace(tzinfo=zone).astimezone(UTC)


@dataclass
class ParsedCredit:
    name: str
    role: str = "writer"  # one of articles.models.CreditRole


@dataclass
class ParsedStory:
    headline: str
    body_html: str = ""
    standfirst: str = ""
    kicker: str = ""
    credits: list[ParsedCredit] = field(default_factory=list)
    dateline_place: str = ""
    dateline_outlet: str = ""
    language: str = ""  # empty: the --language option or the source's default decides
    keywords: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    urgency: int | None = None
    guid: str = ""  # empty: the importer derives a stable key (see ``identity_key``)
    version: int | None = None  # the format's own version number, when it has one
    version_at: datetime | None = None
    first_created: datetime | None = None
    embargo_until: datetime | None = None
    status: str = "usable"  # usable | canceled | withheld
    copyright: str = ""
    editor_note: str = ""
    slugline: str = ""
    source_code: str = ""  # the agency named in the file, if any
    url: str = ""
    line: int | None = None  # where the story starts in the file, for error messages
    # This story's own text when the file carries several (a newsMessage's newsItem, a feed entry),
    # kept as the WireItem's raw_payload; empty: the whole file is the story. Not part of the
    # content (``as_json``, ``checksum``).
    raw: str = field(default="", repr=False, compare=False)

    USABLE: ClassVar[str] = "usable"
    CANCELED: ClassVar[str] = "canceled"
    WITHHELD: ClassVar[str] = "withheld"

    def identity_key(self) -> str:
        """The wire guid, or for formats without one a stable key from what does not change between
        versions of a story: its slugline, else its first headline words and dateline."""
        if self.guid:
            return self.guid[:500]
        basis = self.slugline or f"{self.headline}|{self.dateline_place}"
        basis = " ".join(basis.casefold().split())
        return "key:" + hashlib.sha256(basis.encode()).hexdigest()[:32]

    def as_json(self) -> dict:
        """The content as JSON-ready values (``dataclasses.asdict`` without ``line`` and ``raw``,
        times in ISO 8601), built field by field: asdict's deep copies were a tenth of an import."""
        data = {}
        for name in _content_fields():
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, list):
                value = [
                    dataclasses.asdict(v)
                    if dataclasses.is_dataclass(v)
                    else v
                    if isinstance(v, str | int | float | bool | None)
                    else copy.deepcopy(v)
                    for v in value
                ]
            elif isinstance(value, dict | tuple):
                value = copy.deepcopy(value)
            data[name] = value
        return data

    def checksum(self) -> str:
        """Of the parsed content, so that the same story re-sent with other bytes is still unchanged."""
        return content_checksum(self.as_json())


def content_checksum(data: dict) -> str:
    """``ParsedStory.checksum()`` from its ``as_json()`` (when the caller has that already)."""
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


@functools.cache
def _content_fields() -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(ParsedStory) if f.name not in ("line", "raw"))


class WireParser:
    """Subclass per format; register it in ``registry``."""

    format: ClassVar[str] = ""

    def sniff(self, data: bytes) -> bool:  # pragma: no cover - interface
        """Does this look like my format? Cheap: look at the first few KB only."""
        raise NotImplementedError

    def parse(self, data: bytes, *, filename: str = "") -> list[ParsedStory]:  # pragma: no cover
        """The stories in the file. A format carrying several stories may put a ``ParseError`` in
        the list in place of a story it cannot read (the importer counts it as one failure)."""
        raise NotImplementedError


def decode_text(data: bytes) -> str:
    """UTF-8 (a byte-order mark allowed) or a ParseError naming the first bad byte's line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})", line=line
        ) from None
    if "\x00" in text:
        raise ParseError("binary data, not text", line=text[: text.index("\x00")].count("\n") + 1)
    return text


class NotAStory(ParseError):
    """The file is readable but carries no text story (a NewsML-G2 package, a picture item): the
    importer reports it as skipped, not failed."""
