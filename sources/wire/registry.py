"""Which parser reads which bytes. Detection looks at content, never at the file name."""

from __future__ import annotations

import hashlib
import inspect
from functools import cache
from pathlib import Path

from sources.wire.anpa import ANPAParser
from sources.wire.base import ParsedStory, ParseError, WireParser
from sources.wire.feeds import AtomParser, RSSParser
from sources.wire.iptc7901 import IPTC7901Parser
from sources.wire.newsml_g2 import NewsMLG2Parser
from sources.wire.ninjs import NinjsParser
from sources.wire.nitf import NITFParser
from sources.wire.normalise import normalise
from sources.wire.text import TextParser
from sources.wire.xmlsafe import reject_entity_declarations

# Most specific first; plain text is the fallback and comes last.
_PARSERS: list[WireParser] = [
    NITFParser(),
    NewsMLG2Parser(),
    NinjsParser(),
    RSSParser(),
    AtomParser(),
    ANPAParser(),
    IPTC7901Parser(),
    TextParser(),
]


def register(parser: WireParser) -> None:
    """Add a format, ahead of the plain-text fallback."""
    _PARSERS.insert(len(_PARSERS) - 1, parser)
    parser_fingerprint.cache_clear()


def registered_formats() -> list[str]:
    return [p.format for p in _PARSERS]


def get_parser(fmt: str) -> WireParser:
    for parser in _PARSERS:
        if parser.format == fmt:
            return parser
    raise ParseError(f"unknown format {fmt!r} (known: {', '.join(registered_formats())})")


def detect_format(data: bytes) -> str:
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise ParseError("empty file: no headline")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<" or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        reject_entity_declarations(data)  # before anything looks further: a long DOCTYPE hides the root
    for parser in _PARSERS:
        if parser.sniff(data):
            return parser.format
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        raise ParseError("unrecognised XML: the root element is not nitf, newsItem, newsMessage, rss or feed")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        raise ParseError("unrecognised JSON: not a ninjs object (no uri, guid, headline(s) or bodies)")
    raise ParseError(
        "unrecognised format: not text, NITF, NewsML-G2, ninjs, RSS, Atom, ANPA-1312 or IPTC 7901"
    )


def parse_bytes(
    data: bytes, *, fmt: str = "auto", filename: str = ""
) -> tuple[str, list[ParsedStory | ParseError]]:
    """Parse one file's bytes; returns (format, stories). A file that carries several stories (a
    newsMessage, a feed) gives a ParseError in the list for each story it could not read, so that
    one bad story does not stop the others; a file that cannot be read at all raises ParseError."""
    if fmt in ("auto", "", None):
        fmt = detect_format(data)
    stories = get_parser(fmt).parse(data, filename=filename)
    return fmt, [s if isinstance(s, ParseError) else normalise(s) for s in stories]


@cache
def parser_fingerprint() -> str:
    """A short hash of the code that turns bytes into stories (this package and every registered
    parser's module): a file recorded as imported is read again after any change to it."""
    files = {p.resolve() for p in Path(__file__).parent.glob("*.py")}
    for parser in _PARSERS:
        source = inspect.getsourcefile(type(parser))
        if source:
            files.add(Path(source).resolve())
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
