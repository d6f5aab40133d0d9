"""What the two control-character agency formats (ANPA-1312 and IPTC 7901) share: 7- or 8-bit text
of unknown encoding, bylines of names in capitals, a dateline opening the body."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime

from sources.wire.base import ZONELESS, ParsedStory, ParseError, decode_text

# Control characters that carry no text (ANPA format flags, IPTC 7901 BEL bells, DEL padding).
MAX_MESSAGES = 1000
_NOISE = re.compile(r"[\x07\x0b\x0e-\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f]")
_SPACE = re.compile(r"[^\S\n]+")
NAME_SPLIT = re.compile(r"\s*(?:,\s*(?:and|und)\s+|,|\s+and\s+|\s+und\s+|\s*&\s*)\s*", re.IGNORECASE)
MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "mär": 3,
    "mrz": 3,
    "apr": 4,
    "may": 5,
    "mai": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "okt": 10,
    "nov": 11,
    "dec": 12,
    "dez": 12,
}


def decode(data: bytes) -> str:
    """The text (``base.decode_text``: UTF-8, else the legacy encoding detected, Latin-1 and the
    Windows code pages included); NUL bytes mean a binary file. Line ends become ``\\n``."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ParseError("binary data, not agency text", line=line)
    return decode_text(data).replace("\r\n", "\n").replace("\r", "\n")


def clean(text: str) -> str:
    """Control characters out, runs of spaces collapsed, ends trimmed."""
    return _SPACE.sub(" ", _NOISE.sub("", text)).strip()


def title_name(name: str) -> str:
    """``PAUL BYRNE`` -> ``Paul Byrne``, ``McLEAN``/``MCLEAN`` -> ``McLean`` (agencies send bylines in
    capitals); a word already in mixed case is kept."""
    words = []
    for word in name.split():
        if word.upper() == word and any(c.isalpha() for c in word):
            word = word.title()
        if len(word) > 2 and word[:2] in ("Mc", "MC") and word[2:].upper() == word[2:]:
            word = "Mc" + word[2:].capitalize()
        words.append(word)
    return " ".join(words)


def split_names(names: str) -> list[str]:
    return [title_name(n) for n in NAME_SPLIT.split(names.strip().rstrip(".=").strip()) if n.strip()]


def utc(year: int, month: int, day: int, hour: int, minute: int, *, zoned: bool = True) -> datetime | None:
    """The time, in UTC when the copy names it as UTC/GMT (``zoned``), else zone-less: ingest reads it
    in the Source's time zone (``base.zoneless``)."""
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return datetime(year, month, day, hour, minute, tzinfo=UTC if zoned else ZONELESS)
    except ValueError:
        return None


def paragraph(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


def each_message(
    text: str, start: str, read: Callable[[str, int], ParsedStory], fmt: str
) -> list[ParsedStory | ParseError]:
    """Split a file at each message's ``start`` (a regular expression) and ``read(message, line)`` each:
    a message that cannot be read fails alone (a ParseError in its place) when the file has several,
    and each story of such a file keeps its own text as ``raw``."""
    starts = [m.start() for m in re.finditer(start, text)]
    if not starts:
        raise ParseError(f"no SOH: not an {fmt} message", line=1)
    if len(starts) > MAX_MESSAGES:
        raise ParseError(f"{len(starts)} messages in one file, at most {MAX_MESSAGES}")
    stories: list[ParsedStory | ParseError] = []
    line, counted = 1, 0
    for index, begin in enumerate(starts):
        message = text[begin : starts[index + 1] if index + 1 < len(starts) else len(text)]
        line += text.count("\n", counted, begin)
        counted = begin
        try:
            try:
                story = read(message, line)
            except (
                ValueError,
                IndexError,
                KeyError,
                OverflowError,
            ) as exc:  # a parser's oversight: never a crash
                raise ParseError(
                    f"unreadable message ({type(exc).__name__}: {str(exc)[:100]})", line=line
                ) from None
        except ParseError as exc:
            if len(starts) == 1:
                raise
            exc.line = exc.line or line
            stories.append(exc)
            continue
        if len(starts) > 1:
            story.raw = message
        stories.append(story)
    return stories
