"""Wire-format parsers: one module per format behind one interface (see ``base``)."""

from sources.wire.base import ParsedCredit, ParsedStory, ParseError, WireParser
from sources.wire.registry import detect_format, get_parser, parse_bytes, registered_formats

__all__ = [
    "ParsedCredit",
    "ParsedStory",
    "ParseError",
    "WireParser",
    "detect_format",
    "get_parser",
    "parse_bytes",
    "registered_formats",
]
