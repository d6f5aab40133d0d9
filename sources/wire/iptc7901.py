"""IPTC 7901 (the plain-text agency format dpa and other European agencies send).

A message is ``SOH``, a header line (service and number, priority, category, word count, optional
keyword, agency, serial), keyword lines (``Partei/Deutschland/Grüne/``), ``STX``, a heading block
ending in a line with ``=`` (markers, headline, byline, photo note), the text in paragraphs separated
by blank lines, an optional notepad (``# Notizblock`` / ``# Notebook``: notes and contacts, not for
publication), the editor's initials, ``ETX``, a date-time group ``DDHHMM [GMT] Mon YY``. Mapped:

* headline: the heading block's line that is not a marker, a parenthesis or a byline
* body: the paragraphs after the dateline paragraph's dateline; a short one-line paragraph without
  closing punctuation between paragraphs is a subheading (``h2``)
* standfirst: paragraphs before the dateline paragraph (dpa's teaser)
* credits: ``Von NAME und NAME, dpa`` / ``By NAME, dpa``, role writer
* dateline: ``Place (dpa) -`` opening a paragraph; outlet: what is in the brackets
* editor's note: parenthesised heading lines (``(Berichtigung: ...)``, ``(KORR-Bericht)``,
  ``(Foto ...)``) and the notepad with everything after it
* keywords: the keyword line split on ``/``; subjects: the category as ``iptc7901-category:XX``
* version: ``1ST LEAD`` is version 2, ``2ND LEAD`` 3; a correction (``KORR``, ``Berichtigung``) is the
  next version (numbered by the importer); otherwise 1
* urgency: the header's priority (1-6); ``Eil`` (urgent) at most 2
* version time: the date-time group (UTC when it says GMT/UTC; else in the Source's time zone); source: the header's agency
* language: ``de`` for a ``Von`` byline, ``en`` for ``By``; otherwise the --language option decides
* identity: IPTC 7901 has no story id: a later version is recognised by the same headline and
  dateline place; a changed headline makes a new story rather than overwrite another
* not in IPTC 7901: guid, embargo, copyright
"""

from __future__ import annotations

import html
import re

from sources.wire import agency_text as t
from sources.wire.base import ParsedCredit, ParsedStory, ParseError, WireParser

SOH, STX, ETX, EOT = "\x01", "\x02", "\x03", "\x04"
HEADER = re.compile(
    r"^(?P<service>[A-Za-z]{1,5})(?P<number>\d{1,6})\s+(?P<priority>\d)\s+(?P<category>[A-Za-z]{1,4})\s+"
    r"(?P<words>\d{1,9})\s+(?:(?P<keyword>\S+)\s+)?(?P<agency>[A-Za-z]{2,8}(?:-[A-Za-z]{2,8})?)\s+(?P<serial>\d{1,6})\s*$"
)
DTG = re.compile(
    r"(?P<d>\d\d)(?P<h>\d\d)(?P<mi>\d\d)\s+(?:(?P<zone>GMT|UTC|UT|Z)\s+)?(?P<mon>[^\W\d_]{3})[^\W\d_]*\.?\s+(?P<y>\d\d(?:\d\d)?)"
)
DATELINE = re.compile(
    r"^(?P<place>[^()\n]{2,80}?)\s*\((?P<outlet>[^()\n]{1,40})\)\s+[-\u2013\u2014]\s+(?P<rest>\S.*)$",
    re.DOTALL,
)
BYLINE = re.compile(r"^(?P<word>Von|By)\s+(?P<names>.{2,200}?)(?:,\s*(?P<agency>[A-Za-z/]{2,12}))?\s*$")
LEAD = re.compile(r"^(?P<n>\d{1,3})\s*(?:ST|ND|RD|TH|\.)\s+(?:LEAD|Zusammenfassung)\b", re.IGNORECASE)
CORRECTION = re.compile(r"\b(?:KORR|Berichtigung|Correction|CORRECTED)\b", re.IGNORECASE)
NOTEPAD = re.compile(r"^(?:#\s|\*\s\*\s\*)")
# Handling markers on heading lines: metadata (urgency, version, note), never the headline.
MARKER = re.compile(
    r"^(?:EXTRA|REFILE|URGENT|EILT|EIL|CORRECTED|CORRECTION|RPT|REPEAT|BLITZ|VORRANG)$", re.IGNORECASE
)
URGENT_MARKER = re.compile(r"^(?:EXTRA|URGENT|EILT|EIL|BLITZ|VORRANG)$", re.IGNORECASE)
# Fill (DEL, SYN, NUL-free padding) and blank lines an agency line may put before SOH.
_FILL = b"\x7f\x16\x00 \t\r\n"
INITIALS = re.compile(r"^[a-z]{2,5}(?:\s+[\w/]{1,10}){1,6}$")
MAX_HEADING_LINES = 40  # markers, headline, byline, notes: a real heading block has a handful
MAX_HEADER_LINE = 200


def _paragraphs(lines: list[str]) -> list[tuple[int, str]]:
    """(index of first line, text) per paragraph; blank lines separate, wrapped lines are joined."""
    out: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0

    def flush():
        if all(line.startswith("|") for line in current):  # an aligned table: kept as laid out
            out.append((start, PRE + "\n".join(current)))
        else:
            out.append((start, t.clean(" ".join(current))))

    for index, raw in enumerate(lines):
        if not raw.strip():
            if current:
                flush()
                current = []
            continue
        if not current:
            start = index
        current.append(raw.strip())
    if current:
        flush()
    return [(i, p) for i, p in out if p]


PRE = "\x00pre:"


def _is_subheading(text: str) -> bool:
    return (
        len(text) <= 80 and text[-1:] not in '.!?:;,"\u201c\u201d\u00bb\u00ab)' and not text.startswith("-")
    )


class IPTC7901Parser(WireParser):
    format = "iptc7901"

    def sniff(self, data: bytes) -> bool:
        head = data[:4096].lstrip(_FILL.replace(b"\x00", b""))
        first = head[:200].split(b"\n", 1)[0]
        if head[:1] == b"\x01":
            return b"\x1f" not in first
        return _stripped(head[:4096].decode("latin-1"))

    def parse(self, data: bytes, *, filename: str = "") -> list[ParsedStory | ParseError]:
        text = t.decode(data)
        if SOH not in text and _stripped(text):
            # Control characters stripped in transit (dpa's copy often arrives so): one message, its
            # header the first line, its keywords the lines ending "/", its trailer the last DTG.
            return [self._message(_restore(text), 1)]
        return t.each_message(text, SOH, self._message, "IPTC 7901")

    def _message(self, message: str, line: int) -> ParsedStory:
        if STX not in message:
            raise ParseError("no STX: the message has a header but no text (truncated?)", line=line)
        header, rest = message.split(STX, 1)
        header_lines = header.lstrip(SOH).split("\n")
        if len(header_lines[0]) > MAX_HEADER_LINE:
            raise ParseError(
                f"a header line of {len(header_lines[0])} characters, at most {MAX_HEADER_LINE}",
                field="header",
                line=line,
            )
        match = HEADER.match(t.clean(header_lines[0]))
        if not match:
            raise ParseError(
                f"unreadable header line {t.clean(header_lines[0])[:80]!r}", field="header", line=line
            )
        keywords = [k.strip() for h in header_lines[1:] for k in t.clean(h).split("/") if k.strip()]
        text, etx, trailer = rest.partition(ETX)
        if not etx:
            text = text.split(EOT, 1)[0]
        when = DTG.search(t.clean(trailer.split(EOT, 1)[0][:200])) if etx else None
        version_at = None
        if when and when["mon"][:3].casefold() in t.MONTHS:
            version_at = t.utc(
                int(when["y"]),
                t.MONTHS[when["mon"][:3].casefold()],
                int(when["d"]),
                int(when["h"]),
                int(when["mi"]),
                zoned=bool(when["zone"]),
            )

        lines = text.split("\n")
        # The heading block: up to the line ending in "=", else up to the first blank line after text.
        end = next((i for i, raw in enumerate(lines[:MAX_HEADING_LINES]) if raw.rstrip().endswith("=")), None)
        if end is None:
            seen = [i for i, raw in enumerate(lines) if raw.strip()]
            end = (
                next((i - 1 for i in range(seen[0] + 1, len(lines)) if not lines[i].strip()), len(lines) - 1)
                if seen
                else -1
            )
        if end >= MAX_HEADING_LINES:
            raise ParseError(
                f"no end to the heading block in its first {MAX_HEADING_LINES} lines",
                field="headline",
                line=line,
            )
        heading = [t.clean(raw).rstrip("=").strip() for raw in lines[: end + 1]]
        body_lines = lines[end + 1 :]

        notes: list[str] = []
        credits: list[ParsedCredit] = []
        headline = ""
        version: int | None = 1
        urgency = int(match["priority"])
        language = ""
        pending = ""
        depth = 0  # of the parenthesis ``pending`` holds open
        for item in heading:
            if pending:  # a parenthesis spanning lines
                pending = f"{pending} {item}".strip()
                depth += item.count("(") - item.count(")")
                if depth <= 0:
                    notes.append(pending)
                    pending = ""
                continue
            if not item:
                continue
            if item.startswith("("):
                if item.count("(") > item.count(")"):
                    pending, depth = item, item.count("(") - item.count(")")
                    continue
                if re.match(r"^\(\s*Eil\b", item, re.IGNORECASE):
                    urgency = min(urgency, 2)
                    continue
                notes.append(item)
                continue
            if MARKER.match(item):
                if URGENT_MARKER.match(item):
                    urgency = min(urgency, 2)
                if CORRECTION.search(item) and version == 1:
                    version = None
                notes.append(item)
                continue
            lead = LEAD.match(item)
            if lead:
                version = int(lead["n"]) + 1
                continue
            by = BYLINE.match(item)
            if by and headline:
                language = "de" if by["word"] == "Von" else "en"
                if by["names"].strip().casefold().startswith(("dpa ", match["agency"].lower() + " ")):
                    continue  # "By dpa correspondents": the agency's desk, not a person
                credits.extend(ParsedCredit(name=n, role="writer") for n in t.split_names(by["names"]))
                language = "de" if by["word"] == "Von" else "en"
                continue
            if not headline:
                headline = item
            else:
                notes.append(item)
        if pending:
            notes.append(pending)
        if any(CORRECTION.search(n) for n in notes) and version == 1:
            version = None  # the next version of the story, numbered by the importer

        # Body, then the notepad (notes and contacts for the desk, never for readers), then initials.
        paragraphs = _paragraphs(body_lines)
        cut = next((k for k, (_, p) in enumerate(paragraphs) if NOTEPAD.match(p)), None)
        if cut is not None:  # kept line by line, as the agency laid it out
            notepad = [t.clean(raw) for raw in body_lines[paragraphs[cut][0] :]]
            notes.append("\n".join(notepad).strip())
            paragraphs = paragraphs[:cut]
        while (
            paragraphs
            and INITIALS.match(paragraphs[-1][1])
            and paragraphs[-1][1].split()[0] == match["agency"].split("-")[0].lower()
        ):
            paragraphs.pop()
        if not headline:
            raise ParseError("no headline in the heading block", field="headline", line=line)
        if not paragraphs:
            raise ParseError("no body: nothing after the heading block", field="body", line=line)

        place = outlet = ""
        standfirst: list[str] = []
        texts = [p for _, p in paragraphs]
        for k, paragraph in enumerate(texts[:4]):
            dateline = DATELINE.match(paragraph)
            if dateline:
                place, outlet = dateline["place"].strip().rstrip(","), dateline["outlet"].strip()
                standfirst = texts[:k]
                texts = [dateline["rest"].strip(), *texts[k + 1 :]]
                break
        parts = []
        for k, paragraph in enumerate(texts):
            if paragraph.startswith(PRE):
                parts.append(f"<pre>{html.escape(paragraph[len(PRE) :], quote=False)}</pre>")
                continue
            between = 0 < k < len(texts) - 1
            parts.append(
                f"<h2>{t.paragraph(paragraph)[3:-4]}</h2>"
                if between and _is_subheading(paragraph)
                else t.paragraph(paragraph)
            )
        return ParsedStory(
            headline=headline[:300],
            standfirst=" ".join(standfirst),
            body_html="\n".join(parts),
            credits=credits,
            dateline_place=place,
            dateline_outlet=outlet,
            language=language,
            keywords=keywords[:30],
            subjects=[f"iptc7901-category:{match['category'].lower()}"],
            urgency=max(1, min(urgency, 8)) if urgency else None,
            version=version,
            version_at=version_at,
            editor_note="\n".join(notes),
            source_code=match["agency"].split("-")[0].upper(),
            line=line,
        )


def _stripped(text: str) -> bool:
    """A 7901 message whose control characters were stripped: a header line, then within a few
    lines a heading line ending in ``=``."""
    lines = text.lstrip("\x7f\x16 \t\r\n").replace("\r\n", "\n").split("\n")
    if not lines or not HEADER.match(t.clean(lines[0])):
        return False
    return any(line.rstrip().endswith("=") for line in lines[1:MAX_HEADING_LINES])


def _restore(text: str) -> str:
    """SOH, STX and ETX put back where a stripped message had them."""
    lines = text.lstrip("\x7f\x16 \t\r\n").split("\n")
    cut = 1
    while cut < len(lines) and (not lines[cut].strip() or lines[cut].rstrip().endswith("/")):
        cut += 1
    body = lines[cut:]
    end = len(body)
    while end and not body[end - 1].strip():
        end -= 1
    trailer = ""
    if end and DTG.fullmatch(t.clean(body[end - 1])):
        trailer, end = body[end - 1], end - 1
    header = "\n".join(line for line in lines[:cut] if line.strip())
    return SOH + header + "\n" + STX + "\n".join(body[:end]) + ETX + trailer
