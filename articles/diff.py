"""Field-by-field differences between two snapshots of a story (``services.snapshot``), for people.

The body is compared word by word (``difflib`` over words, paragraph breaks kept) and rendered with
``<ins>``/``<del>``. Each word carries what the public page renders around it (its block, its bold or
italic, the link and its href, a span's dir and lang), so a changed link or a word made bold is a
change, shown with the href or the formatting it gained. Every piece of text and every attribute is
escaped, so a diff is safe to show as HTML.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

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

_TOKEN = re.compile(r"[^\s]+")
BREAK = "\n"
# Elements that start a line of their own in the diff (their name is part of each word's marks, so a
# paragraph turned into a heading is a change too).
BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote", "figcaption", "pre", "caption", "th", "td"}
VOID = {"br", "hr"}
IGNORED_ATTRIBUTES = {"rel"}  # added by the sanitiser to every link, never by a person
INLINE_LABELS = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "code": "code", "sub": "subscript",
                 "sup": "superscript", "q": "quotation", "cite": "citation", "abbr": "abbreviation",
                 "bdi": "isolated", "span": "span"}  # fmt: skip
BLOCK_LABELS = {"h2": "Heading", "h3": "Subheading", "h4": "Minor heading", "li": "List item",
                "blockquote": "Quote", "figcaption": "Caption", "pre": "Preformatted", "caption": "Table caption",
                "th": "Table heading", "td": "Table cell"}  # fmt: skip


Marks = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


@dataclass(frozen=True)
class Word:
    """One word of a body with what the public page renders around it: its block, and for each piece
    of the word (``Tues<b>day</b>`` has two) the enclosing elements with the attributes they carry (a
    link's href, a span's dir and lang...). Two words are the same only if all of that is."""

    text: str
    block: str = "p"
    parts: tuple[tuple[str, Marks], ...] = ()


@dataclass
class FieldDiff:
    name: str
    label: str
    changed: bool
    html: SafeString


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[Word | str] = []
        self.block = "p"
        self.marks: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self.glue = False  # the last text ended inside a word: the next text may continue it

    def _break(self) -> None:
        self.glue = False
        if self.words and self.words[-1] != BREAK:
            self.words.append(BREAK)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            self._break()
        elif tag in BLOCKS:
            self._break()
            self.block = tag
        else:
            kept = tuple(sorted((k, v or "") for k, v in attrs if k not in IGNORED_ATTRIBUTES))
            self.marks.append((tag, kept))

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self._break()
            self.block = "p"
            return
        for i in range(len(self.marks) - 1, -1, -1):
            if self.marks[i][0] == tag:
                del self.marks[i:]
                break

    def handle_data(self, data):
        marks = tuple(self.marks)
        pieces = _TOKEN.findall(data)
        if not pieces:
            self.glue = self.glue and not data
            return
        last = self.words[-1] if self.words else None
        if self.glue and not data[0].isspace() and isinstance(last, Word):
            self.words.pop()
            first = pieces.pop(0)
            self.words.append(Word(last.text + first, last.block, (*last.parts, (first, marks))))
        self.words += [Word(w, self.block, ((w, marks),)) for w in pieces]
        self.glue = not data[-1].isspace()


def body_words(value: str) -> list[Word | str]:
    """The words of an HTML body, each with its block and formatting, and a BREAK between blocks."""
    parser = _Words()
    parser.feed(value or "")
    parser.close()
    words = parser.words
    while words and words[-1] == BREAK:
        words.pop()
    return words


def html_to_words(value: str) -> list[str]:
    """The bare words of an HTML fragment, with a "\\n" word for each paragraph break."""
    return [w.text if isinstance(w, Word) else w for w in body_words(value)]


_PLAIN_TAGS = ("strong", "b", "em", "i", "code", "sub", "sup")


def _open(mark) -> str:
    tag, attrs = mark
    if tag == "a":
        return format_html('<span class="diff-link" title="{}">', dict(attrs).get("href", ""))
    label = INLINE_LABELS.get(tag, tag)
    described = ", ".join(f"{k}={v}" for k, v in attrs)
    title = f"{label} ({described})" if described else label
    inner = tag if tag in _PLAIN_TAGS else "span"
    return format_html('<{} class="diff-mark" title="{}">', mark_safe(inner), title)  # noqa: S308 - a fixed tag


def _close(mark) -> str:
    tag, attrs = mark
    if tag == "a":
        return format_html('</span> <span class="diff-href">[{}]</span>', dict(attrs).get("href", ""))
    return "</%s>" % (tag if tag in _PLAIN_TAGS else "span")


def _render(words: list) -> str:
    """Words as safe HTML: runs under the same marks wrapped once (a link shows its href after its
    words), a block other than a paragraph named at the start of its line, breaks as ``<br>``."""
    pieces: list[str] = []  # each a word (or run of words) or "<br>"
    run: list[str] = []
    run_marks: Marks = ()
    block = None

    def flush():
        if run:
            opened = "".join(_open(m) for m in run_marks)
            closed = "".join(_close(m) for m in reversed(run_marks))
            pieces.append(opened + " ".join(run) + closed)
            run.clear()

    for word in words:
        if word == BREAK:
            flush()
            pieces.append("<br>")
            block = None
            continue
        if isinstance(word, str):
            word = Word(word, "p", ((word, ()),))
        if word.block != block:
            flush()
            if block is not None:
                pieces.append("<br>")
            block = word.block
            if word.block in BLOCK_LABELS:
                pieces.append(format_html('<span class="diff-block">{}:</span>', BLOCK_LABELS[word.block]))
        if len(word.parts) == 1:
            marks = word.parts[0][1]
            if marks != run_marks:
                flush()
                run_marks = marks
            run.append(escape(word.text))
        else:  # a word whose pieces differ in formatting: each piece wrapped on its own, no spaces
            flush()
            run_marks = ()
            pieces.append(
                "".join(
                    "".join(_open(m) for m in marks)
                    + escape(text)
                    + "".join(_close(m) for m in reversed(marks))
                    for text, marks in word.parts
                )
            )
    flush()
    out = ""
    for piece in pieces:
        if piece == "<br>" or out.endswith("<br>") or not out:
            out += piece
        else:
            out += " " + piece
    return out


def word_diff(old_words: list, new_words: list) -> SafeString:
    """A readable word-level diff: removed words in ``<del>``, added in ``<ins>``. Words may be plain
    strings or ``Word`` objects: a word whose formatting or link changed counts as removed and added."""
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    out: list[str] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(_render(new_words[b1:b2]))
            continue
        if op in ("delete", "replace") and a2 > a1:
            out.append("<del>" + _render(old_words[a1:a2]) + "</del>")
        if op in ("insert", "replace") and b2 > b1:
            out.append("<ins>" + _render(new_words[b1:b2]) + "</ins>")
    return mark_safe(" ".join(p for p in out if p))  # noqa: S308 - every word and attribute above is escaped


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
    a, b = body_words(old.get("body") or ""), body_words(new.get("body") or "")
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
