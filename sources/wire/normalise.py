"""What every format's stories go through after their parser (``registry.parse_bytes``): the
agency conventions that are the same whatever the format, fixed once.

* handling markers at the head of a headline (``UPDATE 2-``, ``CORRECTED-``, ``REFILE-``,
  ``URGENT:``, ``BC-``) are metadata: moved to the editor's note, never the headline
* a dateline that is a date or a time (``2018-01-03 20:13:08 GMT+00:00``,
  ``20170102T222800+0000``) is no dateline
* a body that opens with the dateline (``GROSSETO, Italy (AP) --``, ``Tegucigalpa, Jan 2 (EFE).-``,
  ``(ANSA) - Rome, October 11 -``) has it taken out, into the dateline fields when they are empty
* a body whose first paragraph repeats the headline, or repeats the standfirst as a heading
  (``ON THIS DAY IN SPORT``), loses that paragraph; a lede sentence that is also the standfirst stays
  (the body is the whole story)
* a last paragraph that is an end-of-copy mark (``ends``, ``(END)``, ``==Kyodo``) is dropped; one
  that is a credit line (``(Reporting by X; Editing by Y)``) becomes credits (a name already credited,
  as the byline's writer, is not credited twice)
* credits that are initials (``gr/bp``), a host name or an agency's desk (``dpa correspondents``)
  are no credits
"""

from __future__ import annotations

import html as html_lib
import re

from sources.wire.base import ParsedStory
from sources.wire.text import parse_credit_line

_MARKER = re.compile(
    r"^\s*(?:(?:UPDATE\s*\d*|CORRECTED|CORRECTION|REFILE|RPT|REPEAT|URGENT|WRAPUP\s*\d*|EXTRA|FLASH|EILT)"
    r"\s*[-:]\s*|BC-)+",
)
_DATE_LIKE = re.compile(
    r"^\s*(?:\d{4}-?\d{2}-?\d{2}(?:[T ]\d|\b)|\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\d{8}T\d{4})|\d{1,2}:\d{2}(?::\d{2})?\s*(?:GMT|UTC|Z)?",
    re.IGNORECASE,
)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_TRAILING_DATE = re.compile(rf",?\s+{_MONTH}\s+\d{{1,2}}$", re.IGNORECASE)
# <p>PLACE (OUTLET) -- text   |   <p>PLACE, Mon D (OUTLET).- text   |   <p>(OUTLET) - Place, Month D - text
_BODY_DATELINE = re.compile(
    r"^(?P<open>\s*<p>\s*)(?:(?P<place>[^<()\n]{2,80}?)\s*\((?P<outlet>[^()<\n]{1,40})\)\.?\s*(?:--|[-\u2013\u2014_])-?\s+"
    r"|\((?P<outlet2>[A-Z][A-Za-z/]{1,15})\)\s*[-\u2013\u2014]\s*(?P<place2>[^<()\n-]{2,60}?)\s+[-\u2013\u2014]\s+"
    r"|\((?P<outlet3>[A-Z][\w.&/]*(?:\s[A-Z][\w.&/]*){0,3})\)\s*(?:--|[-\u2013\u2014])\s+(?=[A-Z\u201c\"]))"
)
_END_MARK = re.compile(r"\s*<p>\s*(?:ends?|\(?END\)?|==\s*\w+|-+\s*0\s*-+|NNNN)\s*</p>\s*$", re.IGNORECASE)
_LAST_P = re.compile(r"<p>((?:(?!<p>).){1,400}?)</p>\s*$", re.DOTALL)
_IN_PLACE = re.compile(r"\s+in\s+[A-Z][^,;]*$")
_FIRST_P = re.compile(r"^\s*<p>(.*?)</p>\s*", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_NOT_A_PERSON = re.compile(
    r"^(?:[a-z]{1,4}(?:/[a-z]{1,4})+|(?:www\.)?[\w-]+\.[a-z]{2,}|.*\bcorrespondents?\b.*|(?:the\s+)?associated press|staff|dpa|afp|ap|reuters|ntb|aap"
    # "The San Diego Union-Tribune", "The Sports Network", "News Desk": outlets and desks, no people
    # (newspaper words such as Post or Times alone are surnames too: only after "The")
    r"|the\s.+|.*\b(?:network|news|press|agency|agencia|agence|service|wire|media|newsroom|desk|staff|bureau)\b.*)$",
    re.IGNORECASE,
)


def _plain(fragment: str) -> str:
    return " ".join(html_lib.unescape(_TAG.sub(" ", fragment)).split())


def is_date_like(value: str) -> bool:
    return bool(value and _DATE_LIKE.match(value))


def _looks_like_place(place: str) -> bool:
    words = place.split()
    return 1 <= len(words) <= 8 and not place.strip().endswith((".", "!", "?")) and not is_date_like(place)


def normalise(story: ParsedStory) -> ParsedStory:
    notes = []
    marker = _MARKER.match(story.headline)
    if marker and story.headline[marker.end() :].strip():
        notes.append(story.headline[: marker.end()].strip(" -:"))
        story.headline = story.headline[marker.end() :].strip()
    if is_date_like(story.dateline_place):
        story.dateline_place = ""

    match = _BODY_DATELINE.match(story.body_html)
    if match:
        place = (match["place"] or match["place2"] or "").strip().rstrip(",")
        outlet = (match["outlet"] or match["outlet2"] or match["outlet3"] or "").strip()
        place = _TRAILING_DATE.sub("", place).strip().rstrip(",")
        if match["outlet3"]:  # "(Sports Network) - A pair of teams": an outlet, no place
            story.body_html = match["open"] + story.body_html[match.end() :]
            story.dateline_outlet = story.dateline_outlet or outlet
        elif _looks_like_place(place) and len(outlet.split()) <= 4:
            story.body_html = match["open"] + story.body_html[match.end() :]
            if not story.dateline_place:
                story.dateline_place, story.dateline_outlet = place, outlet
            elif not story.dateline_outlet:
                story.dateline_outlet = outlet

    first = _FIRST_P.match(story.body_html)
    if first and story.body_html[first.end() :].strip():
        text = _plain(first.group(1)).casefold()
        standfirst = " ".join(story.standfirst.split()).casefold()
        heading_like = len(text.split()) < 10 and not text.endswith((".", "!", "?", '"', "\u201d"))
        if text and (text == story.headline.casefold() or (text == standfirst and heading_like)):
            story.body_html = story.body_html[first.end() :]
    story.body_html = _END_MARK.sub("", story.body_html)
    last = _LAST_P.search(story.body_html)
    if last and story.body_html[: last.start()].strip():
        trailing = parse_credit_line(_plain(last.group(1)))
        if trailing:  # "(Reporting by X; Editing by Y)" closing the copy, in any format
            story.body_html = story.body_html[: last.start()].rstrip()
            known = {c.name.casefold() for c in story.credits}
            for credit in trailing:
                credit.name = _IN_PLACE.sub("", credit.name).strip() or credit.name
                if credit.name.casefold() not in known:
                    story.credits.append(credit)
                    known.add(credit.name.casefold())
    story.credits = [c for c in story.credits if not _NOT_A_PERSON.match(c.name.strip())]
    if notes:
        story.editor_note = "\n".join([*notes, story.editor_note]).strip()
    return story
