"""History → Compare shows every change the public page would show: words, and also links (href),
formatting, blocks and the attributes the sanitiser keeps (dir, lang, hreflang...)."""

import pytest

from articles.diff import body_words, diff_snapshots, word_diff


def body_diff(old: str, new: str):
    diffs = {d.name: d for d in diff_snapshots({"body": old}, {"body": new})}
    return diffs["body"]


def test_a_changed_link_is_a_change_showing_both_addresses():
    diff = body_diff(
        '<p>Read the <a href="https://krg.example/report">full report</a>.</p>',
        '<p>Read the <a href="https://evil.example/report">full report</a>.</p>',
    )
    assert diff.changed
    html = str(diff.html)
    assert "https://krg.example/report" in html.split("<ins>")[0].split("<del>", 1)[1]
    assert "https://evil.example/report" in html.split("<ins>", 1)[1]


@pytest.mark.parametrize(
    "old, new",
    [
        ("<p>The dam is <strong>full</strong>.</p>", "<p>The dam is full.</p>"),  # bold removed
        ("<p>The dam is full.</p>", "<p>The dam is <em>full</em>.</p>"),  # italic added
        ("<p>The dam is full.</p>", "<h2>The dam is full.</h2>"),  # a paragraph made a heading
        ("<ul><li>dam</li></ul>", "<p>dam</p>"),  # a list item made a paragraph
        (
            '<p><span dir="rtl" lang="ckb">هەولێر</span></p>',
            '<p><span dir="ltr" lang="ckb">هەولێر</span></p>',
        ),
        (
            '<p><a href="https://a.example/" hreflang="en">x</a></p>',
            '<p><a href="https://a.example/" hreflang="ar">x</a></p>',
        ),
        ("<p>Tues<b>day</b></p>", "<p>Tuesday</p>"),  # formatting inside a word
    ],
)
def test_formatting_blocks_and_attributes_are_changes(old, new):
    diff = body_diff(old, new)
    assert diff.changed
    assert "<del>" in str(diff.html) and "<ins>" in str(diff.html)


def test_the_rel_the_sanitiser_adds_is_not_a_change():
    diff = body_diff(
        '<p><a href="https://a.example/">x</a></p>',
        '<p><a href="https://a.example/" rel="noopener noreferrer">x</a></p>',
    )
    assert not diff.changed


def test_the_same_body_is_the_same():
    body = '<p>One <a href="https://a.example/">two</a> <em>three</em>.</p><h2>Four</h2>'
    assert not body_diff(body, body).changed


def test_words_split_by_inline_tags_are_one_word():
    words = body_words("<p>The council voted <em>on Tuesday</em>.</p>")
    assert [w.text for w in words] == ["The", "council", "voted", "on", "Tuesday."]


def test_the_diff_renders_formatting_and_escapes_everything():
    html = str(
        word_diff(
            body_words("<p>plain</p>"),
            body_words(
                '<p><strong>bold &lt;script&gt;</strong> <a href="https://a.example/?q=&quot;x&quot;">l</a></p>'
            ),
        )
    )
    assert '<strong class="diff-mark" title="bold">bold &lt;script&gt;</strong>' in html
    assert "[https://a.example/?q=&quot;x&quot;]" in html
    assert "<script>" not in html
