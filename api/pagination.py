"""Opaque cursors: a page's last (publication time, id), or an author's id, as URL-safe base64. A
client passes back what it was given; anything else is a 400, never a 500."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime

from api.http import bad_parameter
from api.ninjs import parse_rfc3339, rfc3339

MAX_ID = 2**63 - 1
_STORY = re.compile(r"s1\|(?P<time>[0-9T:.+\-Z]{20,40})\|(?P<id>[1-9][0-9]{0,18})")
_AUTHOR = re.compile(r"a1\|(?P<id>[1-9][0-9]{0,18})")


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str) -> str:
    if len(cursor) > 200 or not re.fullmatch(r"[A-Za-z0-9_-]+", cursor):
        raise bad_parameter("cursor", "This cursor is not one the API gave out.")
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_parameter("cursor", "This cursor is not one the API gave out.") from None


def story_cursor(published: datetime, pk: int) -> str:
    return _encode(f"s1|{rfc3339(published)}|{pk}")


def read_story_cursor(cursor: str) -> tuple[datetime, int]:
    match = _STORY.fullmatch(_decode(cursor))
    if match is None or int(match["id"]) > MAX_ID:
        raise bad_parameter("cursor", "This cursor is not one the API gave out.")
    try:
        return parse_rfc3339(match["time"]), int(match["id"])
    except (ValueError, OverflowError):
        raise bad_parameter("cursor", "This cursor is not one the API gave out.") from None


def author_cursor(pk: int) -> str:
    return _encode(f"a1|{pk}")


def read_author_cursor(cursor: str) -> int:
    match = _AUTHOR.fullmatch(_decode(cursor))
    if match is None or int(match["id"]) > MAX_ID:
        raise bad_parameter("cursor", "This cursor is not one the API gave out.")
    return int(match["id"])
