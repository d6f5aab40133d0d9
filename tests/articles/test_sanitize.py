"""The sanitiser's allow-list, element by element: what the public site may render and nothing more.

The expected lists are written out here, not imported from articles.sanitize, so that dropping a tag,
an attribute or a scheme from the module's tables fails a test (mutation testing found 37 of 40 such
removals unpinned).
"""

import pytest

from articles.sanitize import paragraphs_to_html, plain_text, sanitize_html

KEPT_CONTAINERS = [
    "p",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "sub",
    "sup",
    "figure",
    "figcaption",
    "pre",
    "code",
    "cite",
    "q",
    "abbr",
    "bdi",
    "span",
]
KEPT_VOID = ["br", "hr"]
TABLE = (
    "<table><caption>Results</caption><thead><tr><th>Party</th></tr></thead>"
    "<tbody><tr><td>42</td></tr></tbody></table>"
)
DROPPED_WITH_CONTENT = ["script", "style", "iframe", "object", "form", "template", "noscript", "svg", "math"]
DROPPED_KEEPING_TEXT = ["div", "font", "h1", "u", "section", "article", "mark", "small"]


@pytest.mark.parametrize("tag", KEPT_CONTAINERS)
def test_each_allowed_element_is_kept(tag):
    assert sanitize_html(f"<{tag}>Erbil</{tag}>") == f"<{tag}>Erbil</{tag}>"


@pytest.mark.parametrize("tag", KEPT_VOID)
def test_each_allowed_empty_element_is_kept(tag):
    assert sanitize_html(f"<p>a</p><{tag}><p>b</p>") == f"<p>a</p><{tag}><p>b</p>"


def test_tables_keep_every_part():
    assert sanitize_html(TABLE) == TABLE


@pytest.mark.parametrize("tag", DROPPED_WITH_CONTENT)
def test_active_or_hidden_elements_go_with_their_content(tag):
    cleaned = sanitize_html(f"<p>before</p><{tag}>SECRET</{tag}><p>after</p>")
    assert cleaned == "<p>before</p><p>after</p>"


def test_embedded_objects_are_dropped():
    assert sanitize_html('<p>a</p><embed src="https://evil.example/x.swf"><p>b</p>') == "<p>a</p><p>b</p>"


@pytest.mark.parametrize("tag", DROPPED_KEEPING_TEXT)
def test_other_elements_are_unwrapped_keeping_their_text(tag):
    assert sanitize_html(f"<{tag}>kept</{tag}>") == "kept"


@pytest.mark.parametrize(
    "html_in, html_out",
    [
        (
            '<a href="https://example.org/x" title="Source" hreflang="ckb">x</a>',
            '<a href="https://example.org/x" title="Source" hreflang="ckb" rel="noopener noreferrer">x</a>',
        ),
        (
            '<abbr title="Kurdistan Regional Government">KRG</abbr>',
            '<abbr title="Kurdistan Regional Government">KRG</abbr>',
        ),
        ('<table><tr><th scope="col" colspan="2" rowspan="1">h</th></tr></table>', None),
        ('<table><tr><td colspan="2" rowspan="3">d</td></tr></table>', None),
        ('<bdi dir="rtl">هەولێر</bdi>', '<bdi dir="rtl">هەولێر</bdi>'),
        ('<span dir="rtl" lang="ckb">هەولێر</span>', '<span dir="rtl" lang="ckb">هەولێر</span>'),
        ('<p dir="rtl" lang="ar">أربيل</p>', '<p dir="rtl" lang="ar">أربيل</p>'),
        (
            '<blockquote cite="https://example.org/q">q</blockquote>',
            '<blockquote cite="https://example.org/q">q</blockquote>',
        ),
        ('<q cite="https://example.org/q">q</q>', '<q cite="https://example.org/q">q</q>'),
    ],
)
def test_each_allowed_attribute_is_kept(html_in, html_out):
    cleaned = sanitize_html(html_in)
    if html_out is None:  # the parser adds <tbody>; the attributes are what matters
        for attribute in ("scope", "colspan", "rowspan"):
            if attribute in html_in:
                assert f'{attribute}="' in cleaned
    else:
        assert cleaned == html_out


@pytest.mark.parametrize(
    "html_in",
    [
        '<p onclick="steal()">x</p>',
        '<p style="color:red">x</p>',
        '<p class="lead">x</p>',
        '<p id="top">x</p>',
        '<a href="https://example.org/" target="_blank" download>x</a>',
        '<td width="9" bgcolor="red">x</td>',
    ],
)
def test_other_attributes_are_dropped(html_in):
    cleaned = sanitize_html(html_in)
    for attribute in ("onclick", "style", "class", "id=", "target", "download", "width", "bgcolor"):
        assert attribute not in cleaned


def test_title_and_lang_are_allowed_on_every_element():
    """nh3's generic attributes: harmless, and lang marks a quotation in another language."""
    assert sanitize_html('<em title="t" lang="ar">x</em>') == '<em title="t" lang="ar">x</em>'


@pytest.mark.parametrize("url", ["http://example.org/", "https://example.org/", "mailto:desk@example.org"])
def test_allowed_link_schemes_are_kept(url):
    assert f'href="{url}"' in sanitize_html(f'<a href="{url}">x</a>')


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x", "file:///etc/passwd"]
)
def test_other_link_schemes_are_dropped(url):
    assert sanitize_html(f'<a href="{url}">x</a>') == '<a rel="noopener noreferrer">x</a>'


def test_comments_are_stripped():
    assert sanitize_html("<p>a<!-- desk: check the figure -->b</p>") == "<p>ab</p>"


def test_output_is_trimmed_and_empty_input_is_empty():
    assert sanitize_html("  <p>a</p>\n ") == "<p>a</p>"
    assert sanitize_html("") == ""
    assert sanitize_html(None) == ""


@pytest.mark.parametrize(
    "raw, text",
    [
        ("<b>Erbil</b>  council\n votes", "Erbil council votes"),
        ("a<script>alert(1)</script>b", "ab"),
        ("a<style>p{}</style>b", "ab"),
        ("<p>one</p><p>two</p>", "one two"),
        ("<li>one</li><li>two</li>", "one two"),
        ("line<br>break", "line break"),
        ("<b>Erb</b>il", "Erbil"),
        ("a &lt;b&gt; c", "a <b> c"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("", ""),
        (None, ""),
    ],
)
def test_plain_text(raw, text):
    assert plain_text(raw) == text


BREAKING = ["p", "div", "section", "article", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
            "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "figure", "figcaption", "pre", "title", "hl1",
            "hl2"]  # fmt: skip


@pytest.mark.parametrize(
    "raw",
    [f"Erbil<{tag}>council</{tag}>votes" for tag in BREAKING]
    + [
        "Erbil<br>council<br>votes",
        "Erbil<hr>council<hr>votes",
        "<table><caption>Erbil</caption></table>council votes",
        "<table><tr><th>Erbil</th><th>council</th></tr></table> votes",
        "<table><tr><td>Erbil</td><td>council</td></tr></table> votes",
    ],
)
def test_block_elements_separate_words_in_plain_text(raw):
    """Headlines and standfirsts from agency markup: NITF's <hl1>, a document's <title>, HTML blocks."""
    assert plain_text(raw) == "Erbil council votes"


def test_paragraphs_to_html_escapes_and_skips_blank_paragraphs():
    assert paragraphs_to_html(["a < b & c", "  ", 'say "hi"']) == '<p>a &lt; b &amp; c</p>\n<p>say "hi"</p>'
