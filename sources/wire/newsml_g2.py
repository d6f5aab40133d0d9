"""NewsML-G2 text items: a bare ``newsItem``, or a ``newsMessage`` whose ``itemSet`` carries several.

Namespaces are ignored (Reuters sends ``ns0:``/``html:`` prefixes, IPTC a default namespace).
Mapped from (IPTC NewsML-G2 2.x paths, relative to ``newsItem``):

* guid: ``@guid``; version: ``@version``; language: ``contentMeta/language/@tag``, else ``@xml:lang``
* version time: ``itemMeta/versionCreated``; first created: ``itemMeta/firstCreated``,
  else ``contentMeta/contentCreated``
* embargo: ``itemMeta/embargoed``; status: ``itemMeta/pubStatus/@qcode`` (``stat:usable``,
  ``stat:withheld``, ``stat:canceled``)
* editor's note: ``itemMeta/edNote`` (plain ones; the dpa ``notepad`` XHTML block is left out)
* copyright: ``rightsInfo/copyrightNotice``, else ``copyrightHolder`` name or ``@literal``
* source: ``itemMeta/provider`` (``@literal``, the code of ``@qcode``, or ``name``)
* urgency: ``contentMeta/urgency``; slugline: ``contentMeta/slugline``
* headline: ``contentMeta/headline`` without a rank or with the lowest; a further ranked headline
  is the kicker
* standfirst: ``contentMeta/description`` with no role or a teaser/summary/abstract role (a
  ``caption`` is not a standfirst), else the body's teaser paragraph or NITF abstract
* dateline: ``contentMeta/dateline`` (``Berlin (dpa) -``), else ``located/name``, else the body's
* credits: ``contentMeta/by``, else the body's byline, else ``creator``/``contributor`` names that look
  like a person's; a trailing ``(Reporting by ...; Editing by ...)`` paragraph
* keywords: ``contentMeta/keyword``; subjects: ``contentMeta/subject`` names (else their qcodes)
* body: ``contentSet/inlineXML`` holding NITF (``application/nitf+xml``) or XHTML (any ``*xhtml*``,
  Reuters' ``application/xhtml+html`` included), or ``inlineData`` plain text
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from articles.sanitize import paragraphs_to_html
from sources.wire import nitf
from sources.wire import xmlsafe as x
from sources.wire.base import NotAStory, ParsedStory, ParseError, WireParser

STATUS = {"usable": "usable", "withheld": "withheld", "canceled": "canceled", "cancelled": "canceled"}
STANDFIRST_ROLES = ("teaser", "summary", "abstract", "lead", "synopsis", "")
PERSON_NAME = re.compile(r"^\w[\w.'’-]*(?: \w[\w.'’-]*){1,4}$")


def _code(qcode: str) -> str:
    return (qcode or "").split(":", 1)[-1].strip()


def _host(uri: str) -> str:
    host = urlsplit(uri.strip()).hostname or ""
    return host.removeprefix("www.")


def _name_or_literal(el) -> str:
    if el is None:
        return ""
    return x.text_of(x.child(el, "name")) or (el.get("literal") or "").strip()


def _xhtml_body(root) -> tuple[str, str, list, tuple[str, str]]:
    """(body html, teaser, credits, (place, outlet)) from an XHTML document or fragment."""
    body = x.child(root, "body") if x.local(root) == "html" else root
    if body is None:
        body = root
    credits = []
    for header in x.descendants(body, "header"):
        for byline in [p for p in x.descendants(header, "p") if "byline" in (p.get("class") or "")]:
            credits.extend(x.parse_byline(x.text_of(byline)))
        x.drop(header)
    teaser = ""
    for p in x.descendants(body, "p"):
        if "teaser" in (p.get("class") or "").split():
            teaser = teaser or x.text_of(p)
            x.drop(p)
    place = outlet = ""
    for span in x.descendants(body, "span"):
        if "dateline" in (span.get("class") or "").split():
            place, outlet = x.split_dateline(x.text_of(span))
            x.drop(span)
            break
    for name in ("head", "title", "script", "style"):
        for el in x.descendants(body, name):
            x.drop(el)
    trailing = x.take_trailing_credits(body)
    if not place:
        place, outlet = x.take_body_dateline(body)
    for el in body.iter():
        if x.local(el) in ("h1",):
            el.tag = "h2"
    return x.clean_html(body), x.clean_text(teaser), credits + trailing, (place, outlet)


def _content(item, line):
    """(body html, teaser, credits, (place, outlet)) from ``contentSet``."""
    content_set = x.child(item, "contentSet")
    for inline in x.children(content_set, "inlineXML"):
        kind = (inline.get("contenttype") or "").lower()
        elements = [c for c in inline if isinstance(c.tag, str)]
        if not elements:
            continue
        top = elements[0]
        if "nitf" in kind or x.local(top) == "nitf":
            body = x.child(top, "body") if x.local(top) == "nitf" else top
            bhead = x.child(body, "body.head")
            content = x.child(body, "body.content")
            credits = nitf._credits(bhead) if bhead is not None else []
            trailing = x.take_trailing_credits(content) if content is not None else []
            place, outlet = x.take_body_dateline(content) if content is not None else ("", "")
            teaser = x.clean_text(x.text_of(x.child(bhead, "abstract")))
            return nitf.body_html(content), teaser, credits + trailing, (place, outlet)
        if "html" in kind or x.local(top) in ("html", "body", "div", "section"):
            return _xhtml_body(top)
        raise ParseError(f"inlineXML of type {kind!r} is not a text body", field="contentSet", line=line)
    for inline in x.children(content_set, "inlineData"):
        kind = (inline.get("contenttype") or "text/plain").lower()
        text = "".join(inline.itertext())
        if "html" in kind or x.is_html_fragment(text):  # ANSA: HTML sent as text/plain, decoded once
            from articles.sanitize import sanitize_html

            return sanitize_html(text), "", [], ("", "")
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
        return paragraphs_to_html(paragraphs), "", [], ("", "")
    return "", "", [], ("", "")


def parse_item(item) -> ParsedStory:
    line = item.sourceline
    item_meta = x.child(item, "itemMeta")
    meta = x.child(item, "contentMeta")
    guid = (item.get("guid") or "").strip()
    if not guid:
        raise ParseError("newsItem without a guid", field="guid", line=line)

    headlines = x.children(meta, "headline")
    headlines.sort(key=lambda h: x.parse_int(h.get("rank"), field="headline/@rank") or 0)
    headline = x.clean_text(x.text_of(headlines[0])) if headlines else ""
    kicker = x.clean_text(x.text_of(headlines[1])) if len(headlines) > 1 else ""
    if not headline:
        raise ParseError("no headline (contentMeta/headline)", field="headline", line=line, story=guid)

    body_html, teaser, body_credits, (body_place, body_outlet) = _content(item, line)

    standfirst = ""
    for description in x.children(meta, "description"):
        role = _code(description.get("role", "")).lower()
        if any(r == role or (r and r in role) for r in STANDFIRST_ROLES):
            standfirst = x.clean_text(x.text_of(description))
            break
    standfirst = standfirst or teaser

    credits = []
    for by in x.children(meta, "by"):
        credits.extend(x.parse_byline(x.clean_text(x.text_of(by))))
    if not credits:
        credits = [c for c in body_credits if c.role == "writer"]
    if not credits:
        for creator in x.children(meta, "creator"):
            name = x.text_of(x.child(creator, "name"))
            if PERSON_NAME.match(name or ""):
                credits.extend(x.parse_byline(name))
    credits += [c for c in body_credits if c.role != "writer"]

    place, outlet = x.split_dateline(x.clean_text(x.text_of(x.child(meta, "dateline"))))
    if not place:
        place = x.clean_text(_name_or_literal(x.child(meta, "located")))
    place, outlet = place or body_place, outlet or body_outlet

    status = (
        STATUS.get(_code(x.child(item_meta, "pubStatus").get("qcode", "")).lower(), "usable")
        if x.child(item_meta, "pubStatus") is not None
        else "usable"
    )

    notes = []
    for note in x.children(item_meta, "edNote"):
        if any(isinstance(c.tag, str) for c in note):
            continue  # the dpa notepad: an XHTML block repeating the notes below
        text = x.clean_text(x.text_of(note))
        if text:
            notes.append(text)

    rights = x.child(item, "rightsInfo")
    copyright_text = x.clean_text(x.text_of(x.child(rights, "copyrightNotice"))) or x.clean_text(
        _name_or_literal(x.child(rights, "copyrightHolder"))
    )

    provider = x.child(item_meta, "provider")
    source_code = ""
    if provider is not None:
        source_code = (
            provider.get("literal")
            or _code(provider.get("qcode", ""))
            or x.text_of(x.child(provider, "name"))
            or _host(provider.get("uri", ""))
        ).strip()

    language_el = x.child(meta, "language")
    language = (language_el.get("tag") if language_el is not None else "") or item.get(x.XML_LANG) or ""

    subjects = []
    for subject in x.children(meta, "subject"):
        subjects.append(
            x.clean_text(x.text_of(x.child(subject, "name"))) or (subject.get("qcode") or "").strip()
        )
    keywords = [x.clean_text(x.text_of(k)) for k in x.children(meta, "keyword")]

    first = x.text_of(x.child(item_meta, "firstCreated")) or x.text_of(x.child(meta, "contentCreated"))
    urgency_el = x.child(meta, "urgency")
    return ParsedStory(
        headline=headline,
        kicker=kicker,
        standfirst=standfirst,
        body_html=body_html,
        credits=credits,
        dateline_place=place,
        dateline_outlet=outlet,
        language=language.strip(),
        keywords=[k for k in keywords if k],
        subjects=[s for s in subjects if s],
        urgency=x.urgency_value(x.text_of(urgency_el)) if urgency_el is not None else None,
        guid=guid,
        version=x.parse_int(item.get("version"), field="newsItem/@version", minimum=1),
        version_at=x.parse_datetime(x.text_of(x.child(item_meta, "versionCreated")), field="versionCreated"),
        first_created=x.parse_datetime(first, field="firstCreated"),
        embargo_until=x.parse_datetime(x.text_of(x.child(item_meta, "embargoed")), field="embargoed"),
        status=status,
        copyright=copyright_text,
        editor_note="\n".join(notes),
        slugline=x.clean_text(x.text_of(x.child(meta, "slugline"))),
        source_code=source_code[:32],
        line=line,
    )


class NewsMLG2Parser(WireParser):
    format = "newsml-g2"

    def sniff(self, data: bytes) -> bool:
        return x.root_name(data) in ("newsItem", "newsMessage", "packageItem")

    def parse(self, data: bytes, *, filename: str = "") -> list[ParsedStory | ParseError]:
        root = x.parse_xml(data)
        name = x.local(root)
        if name == "packageItem":
            raise NotAStory("a NewsML-G2 package (packageItem): it only points at other items")
        if name == "newsItem":
            items = [root]
        elif name == "newsMessage":
            items = [i for s in x.children(root, "itemSet") for i in x.children(s, "newsItem")]
            if not items:
                raise ParseError("newsMessage without a newsItem in its itemSet", field="itemSet")
        else:
            raise ParseError(f"the root element is <{name}>, not <newsItem> or <newsMessage>")
        stories: list[ParsedStory | ParseError] = []
        for item in items:
            item_class = x.child(x.child(item, "itemMeta"), "itemClass")
            kind = _code(item_class.get("qcode", "")) if item_class is not None else "text"
            if kind not in ("text", "composite", ""):
                continue  # pictures, graphics, video: not stories
            try:
                story = parse_item(item)
                if len(items) > 1:  # kept as this story's raw payload, not the whole message
                    story.raw = etree.tostring(item, encoding="unicode", with_tail=False)
                stories.append(story)
            except ParseError as exc:
                if len(items) == 1:
                    raise
                exc.story = exc.story or item.get("guid") or f"item at line {item.sourceline}"
                stories.append(exc)  # one bad item in a message does not stop the others
        if not stories:
            raise NotAStory("no text newsItem (itemClass ninat:text) in the file", field="itemClass")
        return stories
