"""Field-by-field differences between two snapshots of a story (``services.snapshot``), for people.

The body is compared word by word (``difflib`` over words, paragraph breaks kept) and rendered with
``<ins>``/``<del>``; every piece of text is escaped, so a diff is safe to show as HTML.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from articles.models import CreditRole, Section, Status

TEXT_FIELDS = [("kicker", "Kicker"), ("headline", "Headline"), ("standfirst", "Standfirst")]
BODY_FIELD = ("body", "Body")
TIME_FIELDS = [
    ("publish_at", "Publish at"),
    ("updated_at", "Updated at"),
    ("embargo_until", "Embargo until"),
    ("expire_at", "Expires at"),
]
PLAIN_FIELDS = [
    ("dateline_place", "Dateline place"),
    ("dateline_outlet", "Dateline outlet"),
    ("language", "Language"),
    ("slug", "Slug"),
    ("seo_title", "SEO title"),
    ("seo_description", "SEO description"),
    ("editor_note", "Editor's note (internal)"),
]

_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|tr|pre)>|<br\s*/?>|<hr\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_TOKEN = re.compile(r"\n|[^\s]+")


@dataclass
class FieldDiff:
    name: str
    label: str
    changed: bool
    html: SafeString


def html_to_words(value: str) -> list[str]:
    """The words of an HTML fragment, with a "\\n" word for each paragraph break."""
    text = _TAG.sub("", _BLOCK_END.sub("\n", value or ""))
    text = html.unescape(text)
    words = _TOKEN.findall(text)
    out: list[str] = []
    for word in words:  # collapse runs of breaks, none at the start
        if word == "\n" and (not out or out[-1] == "\n"):
            continue
        out.append(word)
    while out and out[-1] == "\n":
        out.pop()
    return out


def _render(words: list[str]) -> str:
    parts, line = [], []
    for word in words:
        if word == "\n":
            parts.append(" ".join(line))
            line = []
        else:
            line.append(word)
    parts.append(" ".join(line))
    return "<br>".join(parts)


def word_diff(old_words: list[str], new_words: list[str]) -> SafeString:
    """A readable word-level diff: removed words in ``<del>``, added in ``<ins>``."""
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    out: list[str] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(_render([escape(w) if w != "\n" else w for w in old_words[a1:a2]]))
            continue
        if op in ("delete", "replace"):
            out.append(
                "<del>" + _render([escape(w) if w != "\n" else w for w in old_words[a1:a2]]) + "</del>"
            )
        if op in ("insert", "replace"):
            out.append(
                "<ins>" + _render([escape(w) if w != "\n" else w for w in new_words[b1:b2]]) + "</ins>"
            )
    return mark_safe(" ".join(p for p in out if p))  # noqa: S308 - every word above is escaped


def text_diff(old: str, new: str) -> SafeString:
    return word_diff((old or "").split(), (new or "").split())


def _time(value) -> str:
    if not value:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return timezone.localtime(moment).strftime("%-d %b %Y %H:%M %Z")


def _credits(snapshot: dict) -> list[str]:
    roles = dict(CreditRole.choices)
    return [
        f"{roles.get(c.get('role'), c.get('role'))}: {c.get('name', '')}" for c in snapshot.get("credits", [])
    ]


def _list_diff(old: list[str], new: list[str]) -> SafeString:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    items = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            items += [format_html("<li>{}</li>", x) for x in old[a1:a2]]
            continue
        if op in ("delete", "replace"):
            items += [format_html("<li><del>{}</del></li>", x) for x in old[a1:a2]]
        if op in ("insert", "replace"):
            items += [format_html("<li><ins>{}</ins></li>", x) for x in new[b1:b2]]
    return mark_safe('<ul class="diff-list">' + "".join(items) + "</ul>")  # noqa: S308 - items are escaped


def _change(old: str, new: str) -> SafeString:
    if old == new:
        return format_html("{}", new)
    return format_html("<del>{}</del> → <ins>{}</ins>", old, new)


def _section(section_id) -> str:
    if not section_id:
        return "—"
    section = Section.objects.filter(pk=section_id).only("name").first()
    return section.name if section else f"(deleted section {section_id})"


def diff_snapshots(old: dict, new: dict) -> list[FieldDiff]:
    """Every field a person cares about, old against new, in the order of the edit form."""
    diffs: list[FieldDiff] = []
    for name, label in TEXT_FIELDS:
        a, b = old.get(name) or "", new.get(name) or ""
        diffs.append(FieldDiff(name, label, a != b, text_diff(a, b)))
    a, b = html_to_words(old.get("body") or ""), html_to_words(new.get("body") or "")
    diffs.append(FieldDiff("body", "Body", a != b, word_diff(a, b)))
    a, b = _credits(old), _credits(new)
    diffs.append(FieldDiff("credits", "Credits", a != b, _list_diff(a, b)))
    a, b = list(old.get("tags", [])), list(new.get("tags", []))
    diffs.append(FieldDiff("tags", "Tags", a != b, _list_diff(a, b)))
    a, b = old.get("section_id"), new.get("section_id")
    diffs.append(FieldDiff("section", "Section", a != b, _change(_section(a), _section(b))))
    statuses = dict(Status.choices)
    a, b = old.get("status", ""), new.get("status", "")
    diffs.append(FieldDiff("status", "Status", a != b, _change(statuses.get(a, a), statuses.get(b, b))))
    for name, label in TIME_FIELDS:
        a, b = old.get(name), new.get(name)
        diffs.append(FieldDiff(name, label, _same_time(a, b) is False, _change(_time(a), _time(b))))
    for name, label in PLAIN_FIELDS:
        a, b = str(old.get(name) or ""), str(new.get(name) or "")
        diffs.append(FieldDiff(name, label, a != b, _change(a or "—", b or "—")))
    return diffs


def _same_time(a, b) -> bool:
    if not a or not b:
        return not a and not b
    a = datetime.fromisoformat(a) if isinstance(a, str) else a
    b = datetime.fromisoformat(b) if isinstance(b, str) else b
    return a == b
