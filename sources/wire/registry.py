"""Which parser reads which bytes. Detection looks at content, never at the file name."""

from __future__ import annotations

from sources.wire.base import ParsedStory, ParseError, WireParser
from sources.wire.text import TextParser

# Most specific first; plain text is the fallback and comes last.
_PARSERS: list[WireParser] = [TextParser()]


def register(parser: WireParser) -> None:
    """Add a format, ahead of the plain-text fallback."""
    _PARSERS.insert(len(_PARSERS) - 1, parser)


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
    for parser in _PARSERS:
        if parser.sniff(data):
            return parser.format
    raise ParseError("unrecognised format: not text, NITF, NewsML-G2, ninjs, RSS or Atom")


def parse_bytes(data: bytes, *, fmt: str = "auto", filename: str = "") -> tuple[str, list[ParsedStory]]:
    """Parse one file's bytes; returns (format, stories)."""
    if fmt in ("auto", "", None):
        fmt = detect_format(data)
    return fmt, get_parser(fmt).parse(data, filename=filename)
