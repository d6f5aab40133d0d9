"""NITF 3.x (News Industry Text Format), with or without the 2006 namespace.

Mapped from (IPTC NITF 3.6 DTD paths):

* headline: ``body/body.head/hedline/hl1`` (else ``head/title``)
* standfirst: ``body.head/abstract``, else an ``hl2`` that differs from the headline
* body: ``body/body.content`` (``hl2`` -> ``h2``, ``media`` dropped), sanitised
* credits: ``body.head/byline`` (``person`` elements, else its text without ``byttl``), and a trailing
  ``(Reporting by ...; Editing by ...)`` paragraph
* dateline: ``body.head/dateline`` (``location/city``, ``state``, ``country`` or its text)
* language: ``nitf/@baselang``, else ``body/@xml:lang``
* keywords: ``docdata/key-list/keyword/@key``; subjects: ``tobject.subject`` names and ``refnum``
* urgency: ``docdata/urgency/@ed-urg``; guid: ``docdata/doc-id/@id-string`` (an update or cancel names
  the story it replaces in ``docdata/@management-doc-idref``, which is then the identity); for an
  agency whose doc-id changes per version (``VERSIONED_DOC_IDS``: NTB's ``_00``, ``_01`` suffix) its
  stable part
* version: ``docdata/du-key/@version``; version time: ``docdata/date.issue/@norm``
* first created: the earliest ``head/revision-history/@norm``
* embargo: ``docdata/date.release/@norm`` when later than ``date.issue`` or with
  ``management-status="embargoed"``
* status: ``docdata/@management-status`` (usable, embargoed, withheld, canceled)
* copyright: ``docdata/doc.copyright`` (``holder``, ``year``); editor's note: ``docdata/ed-msg/@info``
  and ``body.head/note``; slugline: ``docdata/du-key/@key``, else the first keyword
* source: ``doc-id/@regsrc``, else ``del-list/from-src[level-number=1]/@src-name``
"""

from __future__ import annotations

import re

from sources.wire import xmlsafe as x
from sources.wire.base import ParsedStory, ParseError, WireParser

STATUS = {
    "usable": "usable",
    "embargoed": "usable",
    "withheld": "withheld",
    "canceled": "canceled",
    "cancelled": "canceled",
    "killed": "canceled",
}

# Agencies whose doc-id changes with each version, and what to take off it for the stable id (the
# story's identity across versions): NTB numbers versions in a suffix (``NTB5df9..._00``, ``_01``).
VERSIONED_DOC_IDS = {"ntb": re.compile(r"_\d{1,3}$")}


def body_html(content) -> str:
    """NITF ``body.content`` (or any NITF-ish block) as sanitised HTML."""
    if content is None:
        return ""
    for el in list(content.iter()):
        if el is content or not isinstance(el.tag, str):
            continue
        name = x.local(el)
        if name in ("media", "note", "fn", "pronounce", "classifier", "object.title"):
            x.drop(el)
        elif name == "hl2":
            el.tag = "h2"
        # Other NITF inline and block elements (block, org, person, chron, ...) are not in the
        # allow-list: the sanitiser removes the tag and keeps the text.
    return x.clean_html(content)


def _dateline(head) -> tuple[str, str]:
    dateline = x.child(head, "dateline")
    if dateline is None:
        return "", ""
    location = x.child(dateline, "location")
    if location is not None:
        parts = [x.text_of(x.child(location, n)) for n in ("city", "state", "region", "country")]
        parts = [p for p in parts if p]
        place = ", ".join(parts) if parts else x.text_of(location)
    else:
        place = x.text_of(dateline)
    return x.split_dateline(x.clean_text(place))


def _credits(head):
    byline = x.child(head, "byline")
    if byline is None:
        return []
    people = x.children(byline, "person")
    if people:
        credits = []
        for person in people:
            credits.extend(x.parse_byline(x.text_of(person)))
        return credits
    for title in x.children(byline, "byttl"):
        x.drop(title)
    return x.parse_byline(x.clean_text(x.text_of(byline)))


def parse_nitf(root, *, line: int | None = None) -> ParsedStory:
    head = x.child(root, "head")
    docdata = x.child(head, "docdata")
    body = x.child(root, "body")
    bhead = x.child(body, "body.head")
    content = x.child(body, "body.content")

    hedline = x.child(bhead, "hedline")
    headline = x.clean_text(x.text_of(x.child(hedline, "hl1"))) or x.clean_text(
        x.text_of(x.child(head, "title"))
    )
    if not headline:
        raise ParseError("no headline (body.head/hedline/hl1 or head/title)", field="headline", line=line)
    standfirst = x.clean_text(x.text_of(x.child(bhead, "abstract")))
    if not standfirst:
        hl2 = x.clean_text(x.text_of(x.child(hedline, "hl2")))
        standfirst = hl2 if hl2 and hl2.casefold() != headline.casefold() else ""

    credits = _credits(bhead)
    trailing = x.take_trailing_credits(content) if content is not None else []
    body_place, body_outlet = x.take_body_dateline(content) if content is not None else ("", "")
    html = body_html(content)
    place, outlet = _dateline(bhead)
    place, outlet = place or body_place, outlet or body_outlet

    status_attr = (docdata.get("management-status", "") if docdata is not None else "").strip().lower()
    status = STATUS.get(status_attr, "usable")
    doc_id = x.child(docdata, "doc-id")
    guid = (docdata.get("management-doc-idref", "") if docdata is not None else "").strip()
    guid = guid or (doc_id.get("id-string", "").strip() if doc_id is not None else "")
    regsrc = (doc_id.get("regsrc", "") if doc_id is not None else "").strip().casefold()
    if regsrc in VERSIONED_DOC_IDS:  # the agency's doc-id changes per version: its stable part
        guid = VERSIONED_DOC_IDS[regsrc].sub("", guid) or guid

    du_key = x.child(docdata, "du-key")
    version = (
        x.parse_int(du_key.get("version"), field="du-key/@version", minimum=1) if du_key is not None else None
    )
    issued = _date(docdata, "date.issue")
    release = _date(docdata, "date.release")
    embargo = release if release and (status_attr == "embargoed" or not issued or release > issued) else None
    if status_attr == "embargoed" and embargo is None:
        status = "withheld"  # embargoed without a release time: nothing can say when it may run

    revisions = [
        r
        for r in (
            x.parse_datetime(e.get("norm"), field="revision-history/@norm")
            for e in x.children(head, "revision-history")
        )
        if r
    ]

    copyright_el = x.child(docdata, "doc.copyright")
    copyright_text = ""
    if copyright_el is not None:
        holder, year = copyright_el.get("holder", "").strip(), copyright_el.get("year", "").strip()
        copyright_text = x.clean_text(" ".join(p for p in (f"© {year}" if year else "", holder) if p))
    notes = [m.get("info", "").strip() for m in x.children(docdata, "ed-msg")]
    notes += [x.text_of(n) for n in x.children(bhead, "note")]
    keywords = [k.get("key", "").strip() for k in x.descendants(x.child(docdata, "key-list"), "keyword")]
    keywords = [x.clean_text(k) for k in keywords if k.strip()]
    subjects = []
    for subject in x.descendants(x.child(head, "tobject"), "tobject.subject"):
        name = (
            subject.get("tobject.subject.detail")
            or subject.get("tobject.subject.matter")
            or subject.get("tobject.subject.type")
            or ""
        )
        code = subject.get("tobject.subject.refnum", "")
        subjects.append(x.clean_text(f"{code} {name}".strip()))
    urgency_el = x.child(docdata, "urgency")

    source_code = doc_id.get("regsrc", "").strip() if doc_id is not None else ""
    if not source_code:
        for src in x.descendants(x.child(docdata, "del-list"), "from-src"):
            if src.get("level-number", "1") == "1" and src.get("src-name"):
                source_code = src.get("src-name").strip()
                break
    if not source_code and bhead is not None:  # EFE: <distributor>Agencia EFE</distributor>, rights.owner
        owner = x.child(x.child(bhead, "rights"), "rights.owner")
        for el in (x.child(bhead, "distributor"), owner):
            if el is not None and (code := x.agency_code(x.text_of(el))):
                source_code = code
                break
    language = root.get("baselang") or (body.get(x.XML_LANG) if body is not None else "") or ""

    return ParsedStory(
        headline=headline,
        standfirst=standfirst,
        body_html=html,
        credits=credits + trailing,
        dateline_place=place,
        dateline_outlet=outlet,
        language=language.strip(),
        keywords=keywords,
        subjects=[s for s in subjects if s],
        urgency=x.urgency_value(urgency_el.get("ed-urg")) if urgency_el is not None else None,
        guid=guid,
        version=version,
        version_at=issued,
        first_created=min(revisions) if revisions else None,
        embargo_until=embargo,
        status=status,
        copyright=copyright_text,
        editor_note=x.clean_text("\n".join(n for n in notes if n)),
        slugline=x.clean_text(du_key.get("key", "") if du_key is not None else "")
        or (keywords[0] if keywords else ""),
        source_code=source_code[:32],
        line=line,
    )


def _date(docdata, name):
    el = x.child(docdata, name)
    return x.parse_datetime(el.get("norm"), field=f"{name}/@norm") if el is not None else None


class NITFParser(WireParser):
    format = "nitf"

    def sniff(self, data: bytes) -> bool:
        return x.root_name(data) == "nitf"

    def parse(self, data: bytes, *, filename: str = "") -> list[ParsedStory]:
        root = x.parse_xml(data)
        if x.local(root) != "nitf":
            raise ParseError(f"the root element is <{x.local(root)}>, not <nitf>")
        return [parse_nitf(root, line=root.sourceline)]
