"""Hostile-input-safe XML and the helpers the XML parsers share.

Every XML format goes through ``parse_xml``: a hardened lxml parser (no entity
expansion, no DTD loading, no network, no huge trees) behind a byte-level check
that refuses any entity declaration, so XXE, billion laughs and quadratic
blow-up are refused before the parser sees them, and an external DTD
(``<!DOCTYPE nitf SYSTEM "...">``) is never fetched.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from lxml import etree

from articles.sanitize import plain_text, sanitize_html
from sources.wire.base import ParsedCredit, ParseError, decode_text, zoneless
from sources.wire.text import DATELINE, _looks_like_place, parse_credit_line

_WS = re.compile(r"\s+")
MAX_XML_BYTES = 20 * 1024 * 1024
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_ENTITY_DECL = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_PROLOG_SKIP = re.compile(
    rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.DOTALL | re.IGNORECASE
)
_FIRST_ELEMENT = re.compile(rb"\s*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def root_name(data: bytes, limit: int = 4096) -> str | None:
    """The local name of the first element, from the first ``limit`` bytes; None if not XML."""
    head = data[:limit].lstrip(b"\xef\xbb\xbf")
    pos = 0
    while True:
        match = _PROLOG_SKIP.match(head, pos)
        if not match or match.end() == pos:
            break
        pos = match.end()
    match = _FIRST_ELEMENT.match(head, pos)
    return match.group(1).decode("ascii") if match else None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def reject_entity_declarations(data: bytes) -> None:
    # Also catches UTF-16 input by looking at the bytes with NULs dropped.
    if _ENTITY_DECL.search(data) or (b"\x00" in data[:4] and _ENTITY_DECL.search(data.replace(b"\x00", b""))):
        raise ParseError("entity declarations are not accepted (XXE / entity expansion)", field="doctype")


def parse_xml(data: bytes) -> etree._Element:
    """The root element, with namespaces stripped from element names; ParseError for anything bad."""
    if len(data) > MAX_XML_BYTES:
        raise ParseError(f"{len(data)} bytes, larger than the XML limit of {MAX_XML_BYTES}")
    reject_entity_declarations(data)
    data = as_utf8(_fix_encoding_label(_blank_doctype(data)))
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None) or None
        message = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc).split(", line ")[0]
        raise ParseError(f"not well-formed XML: {message}", line=line) from None
    except (ValueError, etree.LxmlError) as exc:
        raise ParseError(f"not readable XML: {exc}") from None
    if root is None:
        raise ParseError("no XML document")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ParseError("entity declarations are not accepted", field="doctype")
    strip_namespaces(root)
    return root


_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(?:\[[^\]]*\])?\s*>", re.IGNORECASE)


def _blank_doctype(data: bytes) -> bytes:
    """The DOCTYPE out (a DTD is never read, so ``SYSTEM "../dtd/nitf-3-2.dtd"`` is never fetched);
    its newlines stay, so that error line numbers still match the file."""
    match = _DOCTYPE.search(data, 0, 8192)
    if not match:
        return data
    return data[: match.start()] + b"\n" * match.group(0).count(b"\n") + data[match.end() :]


_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")


def as_utf8(data: bytes) -> bytes:
    """XML or a feed whose bytes are not what it declares: one that names no encoding (so UTF-8) or
    says UTF-8, yet is in a legacy encoding, is decoded as detected (``base.decode_text``, the
    same rule as every other format) and given to the parser as UTF-8; a ParseError when its encoding
    cannot be told. A file declaring another encoding, or with a byte-order mark, is left as it is."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return data
    declared = _DECLARED.match(data[:300])
    if declared and declared.group(1).lower().replace(b"-", b"").replace(b"_", b"") not in (b"utf8",):
        return data
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    text = decode_text(data)
    encoded = text.encode("utf-8")
    return _DECLARATION.sub(b'<?xml version="1.0" encoding="UTF-8"?>', encoded, count=1)


_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")


def agency_code(name: str) -> str:
    """A source code from an agency's name as a file spells it: its acronym (``Agencia EFE`` ->
    ``EFE``, ``Kyodo News`` -> ``Kyodo-News``), else the name in code characters."""
    words = name.split()
    for word in reversed(words):
        if _ACRONYM.match(word.strip(".,")):
            return word.strip(".,")
    return re.sub(r"[^A-Za-z0-9_.-]", "", "-".join(words))[:32].strip("-.")


_HTML_START = re.compile(
    r"^\s*<(?:p|div|h[1-6]|ul|ol|table|blockquote|section|article|body|html)\b[^<>]*>", re.IGNORECASE
)


def is_html_fragment(text: str) -> bool:
    """Text that is an HTML fragment (it opens with a block element: ``<p>``, ``<div>`` ...), as
    agencies put HTML, escaped or in CDATA, into elements typed as plain text. Decoded once (the XML
    parser did that) and sanitised as HTML; a tag inside running text stays text."""
    return bool(_HTML_START.match(text))


def _fix_encoding_label(data: bytes) -> bytes:
    """Reuters labels UTF-8 as ``encoding='utf8'``; libxml2 knows it by its proper name only."""
    head = data[:200]
    fixed = re.sub(rb"""(encoding\s*=\s*["'])utf8(["'])""", rb"\1UTF-8\2", head, count=1, flags=re.IGNORECASE)
    return fixed + data[200:] if fixed != head else data


def strip_namespaces(root: etree._Element) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]
    etree.cleanup_namespaces(root)


# --- Reading ---------------------------------------------------------------------------------------


def local(el) -> str:
    return el.tag if isinstance(el.tag, str) else ""


def text_of(el) -> str:
    """All the text inside an element, white space collapsed."""
    if el is None:
        return ""
    return " ".join("".join(el.itertext()).split())


def child(el, name: str):
    if el is None:
        return None
    for c in el:
        if local(c) == name:
            return c
    return None


def children(el, name: str) -> list:
    if el is None:
        return []
    return [c for c in el if local(c) == name]


def find(el, path: str):
    """``a/b/c`` by local names, first match, None if absent."""
    for part in path.split("/"):
        el = child(el, part)
        if el is None:
            return None
    return el


def descendants(el, name: str) -> list:
    return [] if el is None else [d for d in el.iter() if local(d) == name]


def drop(el) -> None:
    """Remove an element but keep its tail text."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def inner_html(el) -> str:
    """The element's content as HTML (its own tag left out)."""
    parts = [html.escape(el.text or "", quote=False)]
    for c in el:
        if not isinstance(c.tag, str):
            parts.append(html.escape(c.tail or "", quote=False))
            continue
        parts.append(etree.tostring(c, encoding="unicode", method="html", with_tail=True))
    return "".join(parts)


def collapse_whitespace(root) -> None:
    """Source indentation out of text nodes (not inside ``pre``)."""
    for el in root.iter():
        if (
            not isinstance(el.tag, str)
            or local(el) == "pre"
            or any(local(a) == "pre" for a in el.iterancestors())
        ):
            continue
        if el.text:
            el.text = _WS.sub(" ", el.text)
        if el.tail and el is not root:
            el.tail = _WS.sub(" ", el.tail)


def clean_html(el) -> str:
    if el is None:
        return ""
    collapse_whitespace(el)
    return drop_empty_paragraphs(sanitize_html(inner_html(el)))


_EMPTY_P = re.compile(r"<p>\s*(?:<br>\s*)*</p>\s*")


def drop_empty_paragraphs(value: str) -> str:
    return _EMPTY_P.sub("", value).strip()


_BLOCK_START = re.compile(r"^\s*<(?:p|h[2-4]|blockquote|ul|ol|figure|table|pre|hr)\b")


def ensure_paragraphs(value: str) -> str:
    """Bare text (or inline markup only) as one paragraph, so the story page gets block elements."""
    value = (value or "").strip()
    if value and not _BLOCK_START.match(value):
        return f"<p>{value}</p>"
    return value


def clean_text(value: str | None) -> str:
    return plain_text(value or "")


# --- Values ----------------------------------------------------------------------------------------


def parse_datetime(value: str | None, *, field: str) -> datetime | None:
    """ISO 8601 in its extended or basic form (``20020225T143000-0500``); a time without a zone is
    marked zone-less (``base.zoneless``): ingest reads it in the Source's time zone."""
    value = (value or "").strip()
    if not value:
        return None
    text = value.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", value) else value
    text = re.sub(r"\.(\d{6})\d+", r".\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ParseError(f"not a date and time: {value[:60]!r}", field=field) from None
    return parsed if parsed.tzinfo else zoneless(parsed)


def parse_int(value, *, field: str, minimum: int = 0) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ParseError(f"expected a whole number, got {type(value).__name__}", field=field)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ParseError(f"not a whole number: {str(value)[:40]!r}", field=field) from None
    if number < minimum or number > 2**63 - 1:
        raise ParseError(f"out of range: {number}", field=field)
    return number


def urgency_value(value, *, field: str = "urgency") -> int | None:
    """IPTC urgency 1 (most urgent) to 9; anything else is dropped rather than failing the story."""
    try:
        number = parse_int(value, field=field)
    except ParseError:
        return None
    return number if number is not None and 0 <= number <= 9 else None


# --- Bylines ---------------------------------------------------------------------------------------

_BY_PREFIX = re.compile(r"^\s*(?:by|von|par|por|av|di|door|af)\s+", re.IGNORECASE)
_CONJUNCTION = re.compile(r"\s+(?:and|und|et|y|e|og|och|en|ve)\s+|\s*&\s*|\s*;\s*", re.IGNORECASE)


# "Müller, K." / "Smith, J. R.": a surname and initials, one name (its comma is no separator).
_LAST_INITIALS = re.compile(
    r"\b([^\W\d_][\w'\u2019-]+),\s+((?:[^\W\d_]\.\s?){1,3})(?=\s*(?:$|[,;&]|\s(?:and|und|et|y|e)\s))"
)
_KEPT_COMMA = "\u2063"  # invisible separator: a comma inside a name while the byline is split


def _name(value: str) -> str:
    value = value.replace(_KEPT_COMMA, ",").strip(" ,;:")
    if value.endswith(".") and not re.search(r"(?:^|[\s.])[^\W\d_]\.$", value):
        value = value.rstrip(".")  # a sentence's full stop, not an initial's
    # Agency style sends names in capitals (BERNARD CONDON): give them their case back.
    if value.isupper() and " " in value:
        value = value.title()
    return value


def parse_byline(text: str, role: str = "writer") -> list[ParsedCredit]:
    """``By X and Y``, ``Von X und Y, dpa``, ``X, Y and Z, AP``, ``X, Some University`` -> credits."""
    text = " ".join((text or "").split())
    text = _BY_PREFIX.sub("", text)
    if not text:
        return []
    text = _LAST_INITIALS.sub(lambda m: f"{m[1]}{_KEPT_COMMA} {m[2].strip()}", text)
    parts = _CONJUNCTION.split(text)
    names: list[str] = []
    if len(parts) > 1:
        for part in parts[:-1]:
            names.extend(p for p in part.split(",") if p.strip())
        names.append(parts[-1].split(",")[0])  # "Sunrita Sen, dpa": what follows the comma is the outlet
    else:
        names.append(text.split(",")[0])  # "Aaron J. Staples, Michigan State University"
    out = []
    for name in names:
        name = _name(_IN_PLACE.sub("", name.strip()) or name)
        if name and len(name) <= 200 and "@" not in name:
            out.append(ParsedCredit(name=name, role=role))
    return out


_DATELINE = re.compile(r"^\s*(?P<place>[^()]{1,120}?)\s*\((?P<outlet>[^()]{1,80})\)\s*[-–—]*\s*$")


def split_dateline(text: str) -> tuple[str, str]:
    """``Berlin (dpa) -`` -> ("Berlin", "dpa"); anything else is all place."""
    text = " ".join((text or "").split())
    match = _DATELINE.match(text)
    if match:
        return match["place"].strip(" ,"), match["outlet"].strip()
    return text.strip(" -–—,"), ""


_TRAILING_CREDITS = re.compile(
    r"\(\s*((?:additional\s+)?(?:reporting|editing|edited|writing|written|compiled|translated|translation|photos?)"
    r"\s+by\s[^()]*)\)\s*$",
    re.IGNORECASE,
)


def take_trailing_credits(container) -> list[ParsedCredit]:
    """Reuters and others end the copy with ``(Reporting by X; Editing by Y)``: take it out as credits."""
    paragraphs = [p for p in descendants(container, "p") if text_of(p)]
    if not paragraphs:
        return []
    last = paragraphs[-1]
    whole = text_of(last)
    credits = parse_credit_line(whole)
    if credits:
        drop(last)
        return _without_places(credits)
    if len(last) == 0 and last.text:
        match = _TRAILING_CREDITS.search(last.text)
        if match:
            credits = parse_credit_line(" ".join(match.group(1).split()))
            if credits:
                last.text = last.text[: match.start()].rstrip()
                return _without_places(credits)
    return []


_IN_PLACE = re.compile(r"\s+in\s+[A-Z][^,;]*$")


def _without_places(credits: list[ParsedCredit]) -> list[ParsedCredit]:
    """Reuters writes ``Reporting by David Bailey in Minneapolis``: the credit is the name."""
    for credit in credits:
        credit.name = _IN_PLACE.sub("", credit.name).strip() or credit.name
    return credits


def take_body_dateline(container) -> tuple[str, str]:
    """A first paragraph opening ``PLACE (Outlet) –``: the dateline, taken out of the body."""
    for p in descendants(container, "p"):
        if not text_of(p):
            continue
        if len(p) or not p.text:
            return "", ""
        match = DATELINE.match(" ".join(p.text.split()))
        if match and _looks_like_place(match["place"]):
            p.text = match["rest"]
            return match["place"].strip().rstrip(","), match["outlet"].strip()
        return "", ""
    return "", ""
