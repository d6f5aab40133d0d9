"""Plain-text agency copy.

The form (as in the Kurdistan 24 / AFP sample the product began with)::

    Headline

    Standfirst paragraph (optional; several allowed)

    PLACE, Region (Outlet) – First paragraph of the body ...

    More body paragraphs ...

    Editing by Name            (or: Reporting by X and Y; Editing by Z)

Paragraphs are separated by blank lines; a line holding only white space
(no-break spaces included) is blank. A file with no blank lines at all has one
paragraph per line. A ``By NAME`` paragraph before the dateline is the byline.
"""

from __future__ import annotations

import re

from articles.sanitize import paragraphs_to_html
from sources.wire.base import ParsedCredit, ParsedStory, ParseError, WireParser, decode_text

MAX_HEADLINE = 300

# PLACE (Outlet) – rest   |   PLACE (Outlet) - rest   |   PLACE (Outlet) — rest
DATELINE = re.compile(
    r"^(?P<place>[^()\n.!?؟]{2,80}?)\s*\((?P<outlet>[^()\n]{1,80})\)\s*[-–—]+\s+(?P<rest>\S.*)$",
    re.DOTALL,
)
CREDIT_ROLES = {
    "reporting": "reporting",
    "additional reporting": "additional",
    "editing": "editing",
    "edited": "editing",
    "writing": "writer",
    "written": "writer",
    "compiled": "writer",
    "translation": "translation",
    "translated": "translation",
    "photo": "photo",
    "photos": "photo",
    "photography": "photo",
    # German, French, Spanish, Italian, Portuguese (``Redaktion: X``, ``Traduit par X`` ...)
    "mitarbeit": "additional",
    "recherche": "reporting",
    "redaktion": "editing",
    "bearbeitung": "editing",
    "bearbeitet": "editing",
    "übersetzung": "translation",
    "übersetzt": "translation",
    "reportage": "reporting",
    "édité": "editing",
    "édition": "editing",
    "traduit": "translation",
    "traduction": "translation",
    "rédigé": "writer",
    "écrit": "writer",
    "edición": "editing",
    "editado": "editing",
    "traducción": "translation",
    "traducido": "translation",
    "redacción": "writer",
    "escrito": "writer",
    "a cura": "editing",
    "tradotto": "translation",
    "traduzione": "translation",
    "edição": "editing",
    "tradução": "translation",
    "reportagem": "reporting",
    # Arabic, Persian, Sorani Kurdish (``تحرير: X``)
    "تحرير": "editing",
    "ترجمة": "translation",
    "إعداد": "writer",
    "تقرير": "reporting",
    "ویرایش": "editing",
    "ترجمه": "translation",
    "وەرگێڕان": "translation",
    "وەرگێڕانی": "translation",
}
_ROLE_WORDS = "|".join(sorted((re.escape(k) for k in CREDIT_ROLES), key=len, reverse=True))
_BY_WORDS = r"by|von|par|por|di|da|de|av"
CREDIT_SEGMENT = re.compile(
    rf"^(?P<role>{_ROLE_WORDS})(?:\s+(?:{_BY_WORDS})\s+|\s*:\s*)(?P<names>.+)$", re.IGNORECASE
)
BYLINE = re.compile(r"^by\s+(?P<names>[^.!?]{2,200})$", re.IGNORECASE)
NAME_SPLIT = re.compile(r"\s*(?:,\s*and\s+|,|\s+and\s+|\s*&\s*)\s*")
_SPACE = re.compile(r"[^\S\n]+")


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """(line number, paragraph) pairs; blank = only white space, NBSP included."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blank = [not line.strip() for line in lines]
    filled = [i for i, b in enumerate(blank) if not b]
    # No blank line between the first and the last filled line: one paragraph per line.
    one_per_line = bool(filled) and not any(blank[filled[0] : filled[-1]])
    out: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, (line, is_blank) in enumerate(zip(lines, blank, strict=True), start=1):
        if is_blank:
            if current:
                out.append((start, " ".join(current)))
                current = []
            continue
        if one_per_line:
            out.append((number, line))
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        out.append((start, " ".join(current)))
    return [(n, _SPACE.sub(" ", p).strip()) for n, p in out]


def _looks_like_place(place: str) -> bool:
    words = place.split()
    if not 1 <= len(words) <= 8:
        return False
    first = words[0].rstrip(",")
    latin = [c for c in first if c.isalpha() and c.isascii()]
    # A Latin-script dateline opens with a word in capitals (ERBIL, BAGHDAD); other scripts have no case.
    return not latin or first.upper() == first


def _split_names(names: str) -> list[str]:
    """``A, B and C`` -> three names; ``Müller, K.`` stays one (a surname and initials)."""
    from sources.wire.xmlsafe import parse_byline  # the one byline splitter (xmlsafe imports this module)

    return [c.name for c in parse_byline(names.strip())] if names.strip() else []


def parse_credit_line(paragraph: str) -> list[ParsedCredit] | None:
    """``Reporting by X and Y; Editing by Z`` (parentheses allowed) -> credits, or None if not a credit line."""
    text = paragraph.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    credits: list[ParsedCredit] = []
    role = ""
    for segment in re.split(r"\s*;\s*", text):
        if not segment:
            continue
        match = CREDIT_SEGMENT.match(segment)
        if match:
            role, names = CREDIT_ROLES[match["role"].lower()], match["names"]
        elif role and len(segment) <= 80 and not segment.endswith((".", "!", "?")):
            names = segment  # "Reporting by A; B": B is a reporter too
        else:
            return None
        credits.extend(ParsedCredit(name=name, role=role) for name in _split_names(names))
    return credits or None


class TextParser(WireParser):
    format = "text"

    def sniff(self, data: bytes) -> bool:
        head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
        return bool(head) and head[:1] not in (b"<", b"{", b"[")

    def parse(self, data: bytes, *, filename: str = "") -> list[ParsedStory]:
        text = decode_text(data)
        paragraphs = _paragraphs(text)
        if not paragraphs:
            raise ParseError("empty file: no headline")
        line, headline = paragraphs[0]
        if (first := DATELINE.match(headline)) and _looks_like_place(first["place"]):
            raise ParseError("no headline: the first paragraph is the dateline", field="headline", line=line)
        if len(headline) > MAX_HEADLINE:
            raise ParseError(
                f"no headline: the first paragraph has {len(headline)} characters (at most {MAX_HEADLINE})",
                field="headline",
                line=line,
            )
        rest = paragraphs[1:]

        # Trailing credit lines, read from the end.
        credits: list[ParsedCredit] = []
        while rest:
            found = parse_credit_line(rest[-1][1])
            if found is None:
                break
            credits[:0] = found
            rest.pop()

        # The dateline paragraph: everything before it (but a byline) is the standfirst.
        dateline_index = None
        place = outlet = ""
        for index, (_, paragraph) in enumerate(rest):
            match = DATELINE.match(paragraph)
            if match and _looks_like_place(match["place"]):
                dateline_index = index
                place, outlet = match["place"].strip().rstrip(","), match["outlet"].strip()
                rest[index] = (rest[index][0], match["rest"].strip())
                break

        standfirst_parts: list[str] = []
        byline: list[ParsedCredit] = []
        body = rest
        if dateline_index is not None:
            for _, paragraph in rest[:dateline_index]:
                by = BYLINE.match(paragraph)
                if by:
                    byline.extend(ParsedCredit(name=n, role="writer") for n in _split_names(by["names"]))
                else:
                    standfirst_parts.append(paragraph)
            body = rest[dateline_index:]
        elif body and (by := BYLINE.match(body[0][1])):
            byline.extend(ParsedCredit(name=n, role="writer") for n in _split_names(by["names"]))
            body = body[1:]

        body_paragraphs = [p for _, p in body if p]
        if not body_paragraphs:
            raise ParseError("no body: nothing after the headline", field="body", line=line)
        return [
            ParsedStory(
                headline=headline,
                standfirst=" ".join(standfirst_parts),
                body_html=paragraphs_to_html(body_paragraphs),
                credits=byline + credits,
                dateline_place=place,
                dateline_outlet=outlet,
                line=line,
            )
        ]
