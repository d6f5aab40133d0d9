"""ninjs (IPTC News in JSON), 1.x to 3.x, and Superdesk's 1.x flavour.

* versions: ``$standard.version`` (2.x, 3.x) or the 1.x ``$schema`` URL; another major version is
  refused naming it. 3.x's camelCase names (``versionCreated``, ``contentType``) are read as the
  1.x/2.x lower-case ones.
* an API envelope around items (``{"data": [...]}``, ``items``, ``item``, ``results``, ``docs``,
  ``_items``, Elasticsearch ``hits.hits[]._source``, or a top-level list) is unwrapped, each item a
  story; any other object that is no ninjs item is refused saying what keys it has.
* a picture, graphic, video or audio item (``type``) is skipped (``NotAStory``), not a story.
* a ``body_html`` that is a whole HTML document gives its ``<title>`` (else ``<h1>``) to the
  headline when the item has none, and neither its head nor that ``<h1>`` to the body.

Mapped from (ninjs 1.5 / 2.1 property names):

* guid: ``uri`` (else Superdesk's ``guid``); version: ``version`` (a string holding a whole number)
* headline: 2.x ``headlines[]`` (role ``main``, else the first), 1.x ``headline``
* standfirst: 2.x ``descriptions[]`` (role ``summary``/``teaser``/``abstract``, else the first),
  1.x ``description_text``, ``description_html``, ``description_usage`` left out
* body: 2.x ``bodies[]`` (role ``main``/``html``/``xhtml`` or an HTML contenttype, else plain text),
  1.x ``body_html``, ``body_xhtml``, else ``body_text`` as paragraphs; sanitised
* credits: ``by`` / ``byline`` ("Von X und Y, dpa"), Superdesk ``authors[]`` with roles, or (ninjs
  2.x, which has no ``authors``) ``people[]`` whose ``rel`` names a credit role; people the story is
  about are not credits
* dateline: ``located`` (a string); language: ``language``
* keywords: ``keywords[]``; subjects: ``subjects[]`` / ``subject[]`` names (else codes)
* urgency: ``urgency``, else Superdesk ``priority``
* version time: ``versioncreated``; first created: ``firstcreated``; embargo: ``embargoed``
* status: ``pubstatus`` (usable, withheld, canceled)
* copyright: ``copyrightnotice``, else ``copyrightholder``; editor's note: ``ednote``;
  slugline: ``slugline``; source: ``source`` (Superdesk), else ``copyrightholder``; url: 2.x
  ``renditions``/``links`` are not read, ``uri`` only when it is an http(s) URL
"""

from __future__ import annotations

import json
import re

from articles.sanitize import paragraphs_to_html, plain_text, sanitize_html
from sources.wire import xmlsafe as x
from sources.wire.base import NotAStory, ParsedCredit, ParsedStory, ParseError, WireParser, decode_text

MAX_JSON_BYTES = 20 * 1024 * 1024
SNIFF_KEYS = re.compile(
    rb'"(?:\$standard|uri|guid|headline|headlines|bodies|body_html|body_text|body_xhtml|versioncreated)"\s*:'
)
AUTHOR_ROLES = {
    "author": "writer",
    "writer": "writer",
    "editor": "editing",
    "translator": "translation",
    "photographer": "photo",
    "reporter": "reporting",
    "contributor": "additional",
}
# ninjs 2.x has no authors[]: credits are people[] whose rel names the role (as the content API writes
# them). People a story is about (rel "subject", no rel) are no credits.
PEOPLE_CREDIT_RELS = {
    **AUTHOR_ROLES,
    "writing": "writer",
    "byline": "writer",
    "editing": "editing",
    "reporting": "reporting",
    "translation": "translation",
    "photo": "photo",
    "additional": "additional",
    "additional reporting": "additional",
}
SUPPORTED_MAJORS = (1, 2, 3)
ITEM_KEYS = {
    "uri",
    "guid",
    "headline",
    "headlines",
    "bodies",
    "body_html",
    "body_text",
    "body_xhtml",
    "versioncreated",
    "$standard",
}
ENVELOPE_KEYS = ("data", "items", "item", "results", "docs", "_items", "entries", "hits")
MEDIA_TYPES = {"picture", "graphic", "video", "audio"}
_SCHEMA_VERSION = re.compile(r"ninjs[-_ ]?schema[-_ ]?v?(\d+)(?:[._](\d+))?", re.IGNORECASE)
STATUS = {"usable": "usable", "withheld": "withheld", "canceled": "canceled", "cancelled": "canceled"}


def _str(data: dict, key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ParseError(f"expected a string, got {_kind(value)}", field=key)
    return value


def _list(data: dict, key: str) -> list:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ParseError(f"expected a list, got {_kind(value)}", field=key)
    return value


def _objects(data: dict, key: str) -> list[dict]:
    items = _list(data, key)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ParseError(f"expected an object, got {_kind(item)}", field=f"{key}[{index}]")
    return items


def _value(item: dict, key: str, index: int, name: str = "value") -> str:
    value = item.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ParseError(f"expected a string, got {_kind(value)}", field=f"{key}[{index}].{name}")
    return value


def _kind(value) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _pick(items: list[dict], key: str, roles: tuple[str, ...]) -> tuple[int, dict]:
    """The first item with the first of ``roles`` that any has, else the first item (``items`` is
    never empty: every caller looks at a non-empty list)."""
    for role in roles:
        for index, item in enumerate(items):
            if _value(item, key, index, "role").lower() == role:
                return index, item
    return 0, items[0]


def _body(data: dict) -> str:
    return x.ensure_paragraphs(x.drop_empty_paragraphs(_raw_body(data)))


_DOCUMENT = re.compile(r"^\s*(?:<!doctype[^>]*>\s*)?<(?:html|head)\b", re.IGNORECASE)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_HEAD = re.compile(r"<head\b.*?</head\s*>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)


def _document_headline(value: str) -> tuple[str, str]:
    """(headline, body) of a body that is a whole HTML document: its ``<title>`` (else its first
    ``<h1>``) is the headline, and neither the head nor that ``<h1>`` is body text."""
    title = _TITLE.search(value)
    headline = plain_text(title.group(1)) if title else ""
    body = _HEAD.sub("", value)
    h1 = _H1.search(body)
    if h1 and (not headline or plain_text(h1.group(1)) == headline):
        headline = headline or plain_text(h1.group(1))
        body = body[: h1.start()] + body[h1.end() :]
    return headline, body


def _raw_body(data: dict) -> str:
    bodies = _objects(data, "bodies")
    if bodies:
        html_bodies = [
            (i, b)
            for i, b in enumerate(bodies)
            if "html" in _value(b, "bodies", i, "contenttype").lower()
            or _value(b, "bodies", i, "role").lower() in ("html", "xhtml", "main")
        ]
        if html_bodies:
            picked = _pick([b for _, b in html_bodies], "bodies", ("main", "html", "xhtml"))
            index = html_bodies[[b for _, b in html_bodies].index(picked[1])][0]
            return sanitize_html(_value(picked[1], "bodies", index).strip())
        return _text_body(_value(bodies[0], "bodies", 0))
    for key in ("body_html", "body_xhtml"):
        value = _str(data, key)
        if value.strip():
            return sanitize_html(value.strip())
    return _text_body(_str(data, "body_text"))


def _text_body(text: str) -> str:
    if x.is_html_fragment(text or ""):  # HTML in a plain-text property: read once, sanitised
        return sanitize_html(text.strip())
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "")]
    return paragraphs_to_html(paragraphs)


def _headline(data: dict) -> str:
    headlines = _objects(data, "headlines")
    if headlines:
        index, item = _pick(headlines, "headlines", ("main", ""))
        return plain_text(_value(item, "headlines", index))
    return plain_text(_str(data, "headline"))


def _standfirst(data: dict) -> str:
    descriptions = _objects(data, "descriptions")
    if descriptions:
        index, item = _pick(descriptions, "descriptions", ("summary", "teaser", "abstract", "lead"))
        return plain_text(_value(item, "descriptions", index))
    return plain_text(_str(data, "description_text") or _str(data, "description_html"))


def _credits(data: dict) -> list[ParsedCredit]:
    credits: list[ParsedCredit] = []
    for index, author in enumerate(_objects(data, "authors")):
        name = plain_text(_value(author, "authors", index, "name"))
        role = AUTHOR_ROLES.get(_value(author, "authors", index, "role").lower(), "writer")
        if name:
            credits.append(ParsedCredit(name=name, role=role))
    if not credits:
        for index, person in enumerate(_objects(data, "people")):
            credit_role = PEOPLE_CREDIT_RELS.get(_value(person, "people", index, "rel").strip().lower())
            name = plain_text(_value(person, "people", index, "name"))
            if credit_role and name:
                credits.append(ParsedCredit(name=name, role=credit_role))
    if not any(c.role == "writer" for c in credits):
        by = _str(data, "by") or _str(data, "byline")
        credits[:0] = x.parse_byline(plain_text(by))
    return credits


def _names(data: dict, key: str) -> list[str]:
    out = []
    for index, item in enumerate(_objects(data, key)):
        name = _value(item, key, index, "name") or _value(item, key, index, "code")
        if name.strip():
            out.append(plain_text(name))
    return out


def _lower_keys(data: dict) -> dict:
    """3.x camelCase names as the lower-case 1.x/2.x ones, at the top and in the lists of objects
    (``bodies[].contentType``); a lower-case name already there wins."""
    out = {}
    for key, value in data.items():
        if isinstance(value, list):
            value = [_lower_keys(v) if isinstance(v, dict) else v for v in value]
        lower = key.lower() if isinstance(key, str) else key
        if lower not in out or lower == key:
            out[lower] = value
    return out


def ninjs_version(data: dict) -> str:
    """The ninjs version the item names ('' when it names none)."""
    standard = data.get("$standard")
    if isinstance(standard, dict) and isinstance(standard.get("version"), str | int | float):
        return str(standard["version"]).strip()
    schema = data.get("$schema")
    if isinstance(schema, str) and (match := _SCHEMA_VERSION.search(schema)):
        return ".".join(g for g in match.groups() if g)
    return ""


def check_version(data: dict) -> None:
    version = ninjs_version(data)
    major = re.match(r"\d+", version)
    if major and int(major.group(0)) not in SUPPORTED_MAJORS:
        raise ParseError(
            f"ninjs {version} is not supported (this importer reads ninjs 1.x, 2.x and 3.x)",
            field="$standard.version",
        )


def _looks_like_item(data) -> bool:
    return isinstance(data, dict) and any(k.lower() in ITEM_KEYS for k in data if isinstance(k, str))


def unwrap(parsed) -> list:
    """The ninjs items in a file: the object itself, or the items of an API envelope around them;
    a ParseError saying what the JSON is when it is neither."""
    if isinstance(parsed, list):
        if parsed and all(_looks_like_item(i) for i in parsed):
            return parsed
        raise ParseError(
            f"expected a JSON object (a ninjs item or an envelope of items), got a list of {len(parsed)} "
            "values that are not ninjs items"
        )
    if not isinstance(parsed, dict):
        raise ParseError(f"expected a JSON object at the top, got {_kind(parsed)}")
    if _looks_like_item(parsed) and not any(
        isinstance(parsed.get(k), list) for k in ENVELOPE_KEYS if k != "item"
    ):
        return [parsed]
    for key in ENVELOPE_KEYS:
        inner = parsed.get(key)
        if key == "hits" and isinstance(inner, dict):  # Elasticsearch: hits.hits[]._source
            inner = [h.get("_source", h) if isinstance(h, dict) else h for h in inner.get("hits") or []]
        if isinstance(inner, dict) and _looks_like_item(inner):
            inner = [inner]
        if isinstance(inner, list):
            items = [
                i.get("item", i) if isinstance(i, dict) and _looks_like_item(i.get("item")) else i
                for i in inner
            ]
            if not items:
                raise NotAStory(f"an API envelope ({key!r}) with no items")
            if all(_looks_like_item(i) for i in items):
                return items
            raise ParseError(
                f"an API envelope ({key!r}: {len(items)} values) whose values are not ninjs items"
            )
    if _looks_like_item(parsed):
        return [parsed]
    keys = ", ".join(sorted(str(k) for k in parsed)[:8])
    raise ParseError(f"a JSON object that is no ninjs item and no envelope of items (its keys: {keys})")


def parse_ninjs(data) -> ParsedStory:
    if not isinstance(data, dict):
        raise ParseError(f"expected a JSON object at the top, got {_kind(data)}")
    check_version(data)
    data = _lower_keys(data)
    kind = data.get("type")
    if isinstance(kind, str) and kind.strip().lower() in MEDIA_TYPES:
        raise NotAStory(f"a ninjs {kind.strip().lower()} item, not a text story")
    headline = _headline(data)
    for key in ("body_html", "body_xhtml"):
        value = data.get(key)
        if isinstance(value, str) and _DOCUMENT.match(value):  # a whole HTML document as the body
            found, data[key] = _document_headline(value)
            headline = headline or found
    if not headline:
        raise ParseError("no headline (headlines[].value or headline)", field="headline")
    guid = (_str(data, "uri") or _str(data, "guid")).strip()
    version = data.get("version")
    if isinstance(version, float | bool | list | dict):
        raise ParseError(f"expected a string holding a whole number, got {_kind(version)}", field="version")
    status = _str(data, "pubstatus").strip().lower()
    if status and status not in STATUS:
        raise ParseError(f"unknown pubstatus {status!r} (usable, withheld, canceled)", field="pubstatus")
    urgency = data.get("urgency", data.get("priority"))
    if urgency is not None and (isinstance(urgency, bool) or not isinstance(urgency, int | str)):
        raise ParseError(f"expected a number, got {_kind(urgency)}", field="urgency")
    keywords = _list(data, "keywords")
    for index, keyword in enumerate(keywords):
        if not isinstance(keyword, str):
            raise ParseError(f"expected a string, got {_kind(keyword)}", field=f"keywords[{index}]")
    located = data.get("located")
    if isinstance(located, dict):  # ninjs 2.x allows a place object here
        located = located.get("name") or ""
    if located is not None and not isinstance(located, str):
        raise ParseError(f"expected a string, got {_kind(located)}", field="located")
    place, outlet = x.split_dateline(plain_text(located or ""))
    uri = guid if guid.startswith(("http://", "https://")) else ""
    source = data.get("source")
    source_code = (source if isinstance(source, str) else "") or _str(data, "copyrightholder")
    return ParsedStory(
        headline=headline,
        standfirst=_standfirst(data),
        body_html=_body(data),
        credits=_credits(data),
        dateline_place=place,
        dateline_outlet=outlet,
        language=_str(data, "language").strip(),
        keywords=[plain_text(k) for k in keywords if k.strip()],
        subjects=_names(data, "subjects") or _names(data, "subject"),
        urgency=x.urgency_value(urgency),
        guid=guid,
        version=x.parse_int(version, field="version", minimum=1),
        version_at=x.parse_datetime(_str(data, "versioncreated"), field="versioncreated"),
        first_created=x.parse_datetime(_str(data, "firstcreated"), field="firstcreated"),
        embargo_until=x.parse_datetime(_str(data, "embargoed"), field="embargoed"),
        status=STATUS.get(status, "usable"),
        copyright=plain_text(_str(data, "copyrightnotice") or _str(data, "copyrightholder")),
        editor_note=plain_text(_str(data, "ednote")),
        slugline=plain_text(_str(data, "slugline")),
        source_code=re.sub(r"[^A-Za-z0-9_.-]", "", plain_text(source_code))[:32],
        url=uri[:500],
    )


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class NinjsParser(WireParser):
    format = "ninjs"

    def sniff(self, data: bytes) -> bool:
        head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        return head[:1] in (b"{", b"[") and bool(SNIFF_KEYS.search(head))

    def parse(self, data: bytes, *, filename: str = "") -> list[ParsedStory]:
        if len(data) > MAX_JSON_BYTES:
            raise ParseError(f"{len(data)} bytes, larger than the JSON limit of {MAX_JSON_BYTES}")
        text = decode_text(data)
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from None
        except RecursionError:
            raise ParseError("not valid JSON: nested too deeply") from None
        if _SURROGATE_ESCAPE.search(text):  # "\ud800" alone is valid JSON but no character at all
            try:
                json.dumps(parsed, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ParseError(
                    f"not valid text: a lone surrogate escape (\\u{ord(exc.object[exc.start]):04x})"
                ) from None
        items = unwrap(parsed)
        if len(items) == 1:
            return [_story(items[0], raise_errors=True)]
        stories: list = [_story(item, raise_errors=False) for item in items]
        stories = [s for s in stories if not isinstance(s, NotAStory)]
        if not stories:
            raise NotAStory(f"{len(items)} ninjs items, none a text story (pictures, video ...)")
        return stories


def _story(item, *, raise_errors: bool):
    """One item's story; a file of several gives a ParseError in place of an item it cannot read (and
    drops a media item), so that one does not stop the others."""
    try:
        story = parse_ninjs(item)
        if not raise_errors:
            story.raw = json.dumps(item, ensure_ascii=False)
        return story
    except ParseError as exc:
        exc.story = exc.story or (item.get("uri") or item.get("guid") if isinstance(item, dict) else None)
        if not isinstance(exc.story, str | None):
            exc.story = None
        if raise_errors:
            raise
        return exc
