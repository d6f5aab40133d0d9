"""HTML from any source is cleaned to what the public site renders (nh3, an allow-list)."""

import html
import re

import nh3

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "b",
    "i",
    "br",
    "hr",
    "sub",
    "sup",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "pre",
    "code",
    "cite",
    "q",
    "abbr",
    "bdi",
    "span",
}
# Besides these, every element may carry title and lang (nh3's generic attributes).
ALLOWED_ATTRIBUTES = {
    "a": {"href", "hreflang"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "bdi": {"dir"},
    "span": {"dir"},
    "p": {"dir"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Elements whose content goes with them (never shown as text).
CLEAN_CONTENT_TAGS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "form",
    "template",
    "noscript",
    "svg",
    "math",
}

# Elements that end a run of words: their tags become a space in plain text ("<p>a</p><p>b</p>" is "a b"),
# while inline tags go without one ("<b>Erb</b>il" is "Erbil").
BREAKING_TAGS = {
    "p", "br", "hr", "div", "section", "article", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "caption", "th", "td",
    "figure", "figcaption", "pre", "title", "hl1", "hl2",
}  # fmt: skip

_WS = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")


def sanitize_html(value: str) -> str:
    """Clean untrusted HTML to the allow-list; links get rel="noopener noreferrer"."""
    if not value:
        return ""
    cleaned = nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return cleaned.strip()


def plain_text(value: str) -> str:
    """Markup stripped, entities decoded and white space collapsed: for headlines and other plain fields."""
    if not value:
        return ""
    # Tags out first, entities decoded last: "a &lt;b&gt; c" is the text "a <b> c", not "a c". nh3 keeps
    # only the breaking tags (and escapes any "<" in the text), so what _TAG then meets is one of them.
    kept = nh3.clean(value, tags=BREAKING_TAGS, attributes={}, clean_content_tags=CLEAN_CONTENT_TAGS)
    text = _TAG.sub(" ", kept)
    return _WS.sub(" ", html.unescape(text)).strip()


def paragraphs_to_html(paragraphs) -> str:
    """Plain-text paragraphs as escaped ``<p>`` elements."""
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p.strip())
