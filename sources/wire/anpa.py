"""ANPA-1312 (the 7-bit agency format AP and others still send).

A message is ``SYN SYN SOH``, a header line (service designator, message number, ``US``, selector),
a second header line (priority, category, format flags ``DC1``-``DC4``, keyword, version,
reference date ``MM-DD``, word count), ``STX``, the text, ``ETX``, a trailer, ``EOT``. A file may
carry several messages; one that cannot be read fails alone. Mapped:

* headline: the first ``^``-line of the text that is not the keyword line, a photo or editor's note,
  a byline or its affiliation; a bulletin without one (``APNewsAlert``) takes its first sentence,
  anything else its keyword
* body: the text's paragraphs (each opens with a tab), the dateline paragraph's dateline removed;
  a tabular message (``DC4`` flag, or rows of ``;``-separated cells) becomes an HTML table;
  ANPA's typewriter quotes (````...''``) become real ones and `` _ `` a dash; ``___`` a rule
* credits: ``^By NAME and NAME=`` (capitals made title case), role writer
* dateline: ``PLACE, Region (AP) _`` at the start of the body; outlet: what is in the brackets
* editor's note: the ``^Eds:``, ``^EDITOR'S NOTE``, photo (``^AP Photo ...``) lines
* slugline and identity: the header keyword without its cycle (``BC-``, ``AM-``, ``PM-``) and the
  reference date (``MM-DD``): both stay the same across a day's write-throughs, so an update replaces
  its story; the same keyword on another day is another story
* version: ``1stLd-Writethru`` is version 2, ``2ndLd`` 3, ...; no version word is version 1
* urgency: priority ``f`` flash 1, ``b`` bulletin 2, ``u`` urgent 3, ``r`` regular 5, ``s``/``a``/``d``
  (for later use, advance, deferred) 6, 7, 8; subjects: the category code as ``anpa-category:X``
* version time: the trailer's ``AP-WF-MM-DD-YY HHMMGMT``; source: the agency in the trailer, else
  the dateline's outlet
* not in ANPA-1312: guid, language, embargo (AP announces those in the editor's note), copyright
"""

from __future__ import annotations

import html
import re

from sources.wire import agency_text as t
from sources.wire.base import ParsedCredit, ParsedStory, ParseError, WireParser

SOH, STX, ETX, EOT = "\x01", "\x02", "\x03", "\x04"
HEADER2 = re.compile(
    r"^(?P<priority>[a-z])\s+(?P<category>[a-z])(?P<flags>[\x11-\x14]*)\s*(?P<keyword>\S+)"
    r"(?:\s+(?P<version>\S+?))?\s+(?P<date>\d\d-\d\d)(?:\s+(?P<words>\d{1,9}))?\s*$",
    re.IGNORECASE,
)
TRAILER = re.compile(
    r"(?P<agency>[A-Z]{2,8})-\w{1,12}-(?P<m>\d\d)-(?P<d>\d\d)-(?P<y>\d\d)\s+(?P<hh>\d\d)(?P<mi>\d\d)\s*GMT"
)
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'\-]{1,60}(?:,\s*[^()_\n]{1,60}?)?)\s*\((?P<outlet>[^()\n]{1,40})\)\s*_+\s+(?P<rest>\S.*)$",
    re.DOTALL,
)
LEAD = re.compile(r"(?<!\d)(\d{1,3})(?:st|nd|rd|th)\s*-?\s*Ld", re.IGNORECASE)
URGENCY = {"f": 1, "b": 2, "u": 3, "r": 5, "s": 6, "a": 7, "d": 8}
MAX_TABLE_ROWS, MAX_TABLE_COLUMNS = 2000, 40
MAX_HEADER_LINE = 200
CYCLE = re.compile(r"^(?:BC|AM|PM)-", re.IGNORECASE)
EDITOR_LINE = re.compile(r"^\(?(?:Eds?:|EDITOR'?S NOTE|Editor'?s Note|.{0,20}\bPhotos?\b)", re.IGNORECASE)
BYLINE = re.compile(r"^By\s+(?P<names>.{2,200})$", re.IGNORECASE)


def _text(value: str) -> str:
    """ANPA typography: ``quotes'' -> “quotes”, `` _ `` -> dash."""
    value = (
        value.replace("``", "\u201c").replace("''", "\u201d").replace("`", "\u2018").replace("{", "\u00bd")
    )
    value = re.sub(r"(?<=\S) _ (?=\S)", " \u2014 ", value)
    return t.clean(value)


def _line(raw: str) -> str:
    """A text line without ANPA's line-end quad marks (``<``, ``=``) and ``^END``."""
    return re.sub(r"\^END\b", "", raw).rstrip().rstrip("<=").rstrip()


def _version(word: str | None) -> int | None:
    if not word:
        return 1
    lead = LEAD.search(word)
    if lead:
        return int(lead.group(1)) + 1
    return None  # "Writethru", "Correction", "Urgent": a later version, numbered by the importer


def _table(rows: list[str]) -> str:
    if len(rows) > MAX_TABLE_ROWS:
        raise ParseError(f"a table of {len(rows)} rows, at most {MAX_TABLE_ROWS}", field="body")
    width = max(row.count(";") + 1 for row in rows)  # counted before anything is built
    if width > MAX_TABLE_COLUMNS:
        raise ParseError(f"a table row of {width} cells, at most {MAX_TABLE_COLUMNS}", field="body")
    cells = [
        [html.escape(c.strip().replace("{", "\u00bd"), quote=False) for c in row.split(";")] for row in rows
    ]
    out = ["<table>"]
    head = cells[0][0] == "" and len(cells) > 1  # ";MIN;MAX;..." : a header row (empty first cell)
    if head:
        out.append("<thead><tr>" + "".join(f'<th scope="col">{c}</th>' for c in cells[0]) + "</tr></thead>")
        cells = cells[1:]
    out.append("<tbody>")
    for row in cells:
        row = row + [""] * (width - len(row))
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _body(lines: list[str]) -> list[str]:
    """Paragraphs: a line that opens with a tab starts one, a blank line ends one."""
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in lines:
        if not raw.strip():
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if raw.startswith("\t") and current:
            paragraphs.append(" ".join(current))
            current = []
        current.append(_line(raw).strip())
    if current:
        paragraphs.append(" ".join(current))
    return [p for p in (t.clean(p) for p in paragraphs) if p]


class ANPAParser(WireParser):
    format = "anpa"

    def sniff(self, data: bytes) -> bool:
        head = data[:300].lstrip(b"\x16")
        if head[:1] == b"\x01" and b"\x1f" in head.split(b"\n", 1)[0]:
            return True
        return _stripped(data[:600].decode("latin-1"))

    def parse(self, data: bytes, *, filename: str = "") -> list[ParsedStory | ParseError]:
        text = t.decode(data)
        if SOH not in text and _stripped(text):
            # Control characters stripped in transit: one message, its two header lines first.
            first, second, rest = (text.split("\n", 2) + ["", ""])[:3]
            return [self._message(f"{SOH}{first}\n{second}\n{STX}{rest}", 1)]
        return t.each_message(text, r"\x16*\x01", self._message, "ANPA-1312")

    def _message(self, message: str, line: int) -> ParsedStory:
        if STX not in message:
            raise ParseError("no STX: the message has a header but no text (truncated?)", line=line)
        header, rest = message.split(STX, 1)
        header_lines = [h for h in header.lstrip("\x16\x01").split("\n") if h.strip()]
        if len(header_lines) < 2:
            raise ParseError("the header has no priority/keyword line", field="header", line=line)
        if len(header_lines[1]) > MAX_HEADER_LINE:
            raise ParseError(
                f"a header line of {len(header_lines[1])} characters, at most {MAX_HEADER_LINE}",
                field="header",
                line=line + 1,
            )
        match = HEADER2.match(header_lines[1].strip("\x16\x01 "))
        if not match:
            raise ParseError(
                f"unreadable header line {t.clean(header_lines[1])[:80]!r}", field="header", line=line + 1
            )
        body_text, etx, trailer = rest.partition(ETX)
        body_text = body_text.lstrip(STX)
        trailer = trailer.split(EOT, 1)[0]
        if not etx:  # no ETX: the text ends at EOT, or where the file ends
            body_text = body_text.split(EOT, 1)[0]

        heading: list[str] = []
        body_lines: list[str] = []
        bylined = 0  # lines since the byline: the byline's affiliation follows it, then the body
        for raw in body_text.split("\n"):
            if raw.startswith("^") and not body_lines and bylined < 2:
                heading.append(_line(raw[1:]))
                if bylined or BYLINE.match(_text(heading[-1])):
                    bylined += 1
                    if bylined == 2 and (heading[-1].isupper() or heading[-1].startswith(";")):
                        body_lines.append("\t" + heading.pop())  # no affiliation: already the body
            elif raw.strip("\x0c ") or body_lines:
                body_lines.append(("\t" + raw[1:] if raw.startswith("^") else raw).replace("\x0c", ""))
        when = TRAILER.search(trailer) or TRAILER.search(body_text)
        version_at = (
            t.utc(int(when["y"]), int(when["m"]), int(when["d"]), int(when["hh"]), int(when["mi"]))
            if when
            else None
        )

        if heading:
            heading[0] = re.sub(r"^\*\d+<\s*\^?", "", heading[0])  # "*9006< ^": a directory number
        keyword_line = (
            heading.pop(0)
            if heading
            and (
                heading[0].upper().startswith(match["keyword"][:8].upper())
                or re.match(r"^(?:BC|AM|PM)-.*,\s*\d{1,5}\s*$", heading[0])
            )
            else ""
        )
        credits: list[ParsedCredit] = []
        notes: list[str] = []
        headline = ""
        after_byline = False
        for item in heading:
            item = _text(item)
            if not item:
                continue
            by = BYLINE.match(item)
            if by:
                credits.extend(
                    ParsedCredit(name=n, role="writer")
                    for n in t.split_names(by["names"])
                    if not re.fullmatch(r"(?:The )?Associated Press", n, re.I)
                )
                after_byline = True
            elif after_byline:
                after_byline = False  # "Associated Press", "AP Business Writer": the byline's affiliation
            elif EDITOR_LINE.match(item) or headline:
                notes.append(item)
            else:
                headline = item

        body_lines = [b for b in body_lines if not TRAILER.search(b)]
        tabular = "\x14" in match["flags"]
        is_row = [_line(b).count(";") >= 2 for b in body_lines]
        if not tabular and sum(is_row) < 3:
            is_row = [False] * len(body_lines)
        # Blocks in their order: runs of table rows, and the paragraphs between them.
        blocks: list[tuple[str, list[str]]] = []
        for raw, row in zip(body_lines, is_row, strict=True):
            kind = "table" if row else "text"
            if not blocks or blocks[-1][0] != kind:
                blocks.append((kind, []))
            blocks[-1][1].append(t.clean(_line(raw)) if row else raw)

        place = outlet = ""
        parts: list[str] = []
        first_paragraph = ""
        for kind, lines in blocks:
            if kind == "table":
                parts.append(_table(lines))
                continue
            for text in _body(lines):
                if not first_paragraph:
                    dateline = DATELINE.match(text)
                    if dateline:
                        place, outlet = dateline["place"].strip().rstrip(","), dateline["outlet"].strip()
                        text = dateline["rest"].strip()
                    first_paragraph = _text(text)
                parts.append("<hr>" if set(text) <= {"_", " "} else t.paragraph(_text(text)))
        if not parts and headline and notes:
            # A headline package (AP Top Headlines): the heading lines after the headline are the text.
            parts = [t.paragraph(n) for n in notes]
            notes = []
        if not parts:
            raise ParseError("no text between STX and ETX", field="body", line=line)

        keyword = CYCLE.sub("", match["keyword"])
        priority = match["priority"].lower()
        if not headline:
            if priority in ("f", "b") and first_paragraph and len(first_paragraph) <= 300:
                headline = first_paragraph  # a bulletin's one sentence is its headline
            else:
                name = keyword_line.split(",")[0] if keyword_line else match["keyword"]
                headline = (
                    t.clean(re.sub(r"^(?:BC|AM|PM)-[A-Z]+--", "", name, flags=re.IGNORECASE)) or keyword
                )
        agency = when["agency"] if when else (outlet if re.fullmatch(r"[A-Za-z]{2,8}", outlet or "") else "")
        return ParsedStory(
            headline=headline[:300],
            body_html="\n".join(parts),
            credits=credits,
            dateline_place=place,
            dateline_outlet=outlet,
            # The keyword with the reference date: agencies reuse keywords day after day (the weather
            # table); a write-through the next day becomes a story of its own rather than overwrite.
            slugline=f"{keyword} {match['date']}",
            version=_version(match["version"]),
            version_at=version_at,
            urgency=URGENCY.get(priority),
            subjects=[f"anpa-category:{match['category'].lower()}"],
            editor_note="\n".join(notes),
            source_code=agency.upper(),
            line=line,
        )


def _stripped(text: str) -> bool:
    """ANPA whose control characters were stripped: a message-number line, then the priority /
    category / keyword / date line."""
    lines = text.lstrip("\x16 \r\n").replace("\r\n", "\n").split("\n", 2)
    return (
        len(lines) >= 2
        and bool(re.match(r"^[A-Za-z]\d{3,5}\S{0,12}$", lines[0].strip()))
        and bool(HEADER2.match(lines[1].strip()))
    )
