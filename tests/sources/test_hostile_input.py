"""Hostile input: entity tricks, external DTDs, oversized and binary files, script in bodies.

Each case must be refused or inert, fast, and never a traceback through the command.
"""

import time

import pytest

from articles.models import Article
from sources.wire import parse_bytes
from tests.sources.wire_helpers import parse_error, run

NITF_TAIL = b"<nitf><head/><body><body.head><hedline><hl1>&x;</hl1></hedline></body.head></body></nitf>"

XXE = (
    b"""<?xml version="1.0"?>
<!DOCTYPE nitf [<!ENTITY x SYSTEM "file:///etc/passwd">]>
"""
    + NITF_TAIL
)

XXE_PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE nitf [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>
<nitf><head/><body><body.head><hedline><hl1>x</hl1></hedline></body.head></body></nitf>"""

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE nitf [\n<!ENTITY x0 "ha">\n'
    + b"".join(
        b'<!ENTITY x%d "&x%d;&x%d;&x%d;&x%d;&x%d;&x%d;&x%d;&x%d;&x%d;&x%d;">\n' % ((i,) + (i - 1,) * 10)
        for i in range(1, 10)
    )
    + b'<!ENTITY x "&x9;">\n]>\n'
    + NITF_TAIL
)

QUADRATIC = (
    b'<?xml version="1.0"?>\n<!DOCTYPE nitf [<!ENTITY x "'
    + b"A" * 100_000
    + b'">]>\n'
    + b"<nitf><head/><body><body.head><hedline><hl1>"
    + b"&x;" * 10_000
    + b"</hl1></hedline></body.head></body></nitf>"
)

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE nitf SYSTEM "http://127.0.0.1:9/nitf-3-2.dtd">
<nitf><head><docdata><doc-id id-string="ext-dtd"/></docdata></head>
<body><body.head><hedline><hl1>External DTD</hl1></hedline></body.head>
<body.content><p>Read without fetching anything.</p></body.content></body></nitf>"""

XHTML_ENTITY_IN_NEWSML = b"""<?xml version="1.0"?>
<!DOCTYPE newsItem [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<newsItem guid="g" version="1"><contentMeta><headline>&x;</headline></contentMeta></newsItem>"""

RSS_XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>&x;</title><guid>1</guid></item></channel></rss>"""


@pytest.mark.parametrize(
    "data",
    [XXE, XXE_PARAMETER, BILLION_LAUGHS, QUADRATIC, XHTML_ENTITY_IN_NEWSML, RSS_XXE],
    ids=["xxe", "xxe-parameter-entity", "billion-laughs", "quadratic-blowup", "newsml-xxe", "rss-xxe"],
)
def test_entity_declarations_are_refused_fast(data):
    started = time.perf_counter()
    exc = parse_error(data)
    assert time.perf_counter() - started < 1.0
    assert "entity" in str(exc).lower()
    assert "root:" not in str(exc)  # nothing from /etc/passwd


def _utf16(document: bytes) -> bytes:
    return (
        document.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>')
        .decode()
        .encode("utf-16")
    )


def test_utf16_nitf_is_read():
    """The control for the test below: UTF-16 itself is no reason to refuse a file."""
    plain = b'<?xml version="1.0"?>\n' + NITF_TAIL.replace(
        b"&x;", "Qamishli \u2014 Q\u0101mi\u0161l\u012b".encode()
    )
    fmt, (story,) = parse_bytes(_utf16(plain), fmt="nitf")
    assert fmt == "nitf" and story.headline == "Qamishli \u2014 Q\u0101mi\u0161l\u012b"


def test_utf16_encoded_entity_declaration_is_refused():
    exc = parse_error(_utf16(XXE), fmt="nitf")
    assert "entity" in str(exc).lower()
    assert "root:" not in str(exc)


def test_external_dtd_is_not_fetched_and_the_story_reads(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the parser tried to use the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    started = time.perf_counter()
    fmt, (story,) = parse_bytes(EXTERNAL_DTD)
    assert time.perf_counter() - started < 1.0
    assert fmt == "nitf" and story.headline == "External DTD"


def test_relative_external_dtd_as_in_the_fishing_sample(tmp_path):
    data = EXTERNAL_DTD.replace(b"http://127.0.0.1:9/nitf-3-2.dtd", b"../dtd/nitf-3-2.dtd")
    _, (story,) = parse_bytes(data)
    assert story.headline == "External DTD"


@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        (
            "nitf",
            b"<nitf><head/><body><body.head><hedline><hl1>H</hl1></hedline></body.head><body.content>"
            b"<p>ok</p>%s</body.content></body></nitf>",
        ),
        (
            "newsml-g2",
            b'<newsItem guid="g" version="1"><contentMeta><headline>H</headline></contentMeta><contentSet>'
            b'<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml">'
            b"<body><p>ok</p>%s</body></html></inlineXML></contentSet></newsItem>",
        ),
    ],
)
def test_script_handlers_and_javascript_urls_are_stripped(fmt, data):
    evil = (
        b'<script>alert(1)</script><p onclick="alert(2)" style="color:red">x<a href="javascript:alert(3)">y</a>'
        b'<iframe src="https://evil.example/"/></p><form action="/x"><input name="q"/></form>'
        b'<p><img src="x" onerror="alert(4)"/></p>'
    )
    _, (story,) = parse_bytes(data % evil, fmt=fmt)
    body = story.body_html.lower()
    for bad in (
        "<script",
        "alert(1)",
        "onclick",
        "style=",
        "javascript:",
        "<iframe",
        "<form",
        "<input",
        "onerror",
    ):
        assert bad not in body, bad
    assert "<p>ok</p>" in body


def test_markup_in_plain_fields_is_stripped():
    data = (
        b"<nitf><head/><body><body.head><hedline><hl1>Big &lt;script&gt;alert(1)&lt;/script&gt;<b>news</b></hl1>"
        b'</hedline><abstract><p>An <img src="x" onerror="alert(1)"/> abstract</p></abstract></body.head>'
        b"<body.content><p>x</p></body.content></body></nitf>"
    )
    _, (story,) = parse_bytes(data)
    assert story.headline == "Big news" and story.standfirst == "An abstract"


def test_binary_and_truncated_and_empty():
    assert "binary" in str(parse_error(b"\x00\x01\x02PNG\x00" * 100))
    assert "not well-formed" in str(parse_error(b"<nitf><head>"))
    assert "empty" in str(parse_error(b"  \n "))
    assert "not valid JSON" in str(parse_error(b'{"uri": "x", "headline": '))


def test_lone_surrogate_escape_in_json_is_an_error_not_a_crash():
    error = parse_error(b'{"uri": "urn:x:1", "headline": "Dam \\ud800 fills", "body_html": "<p>x</p>"}')
    assert "lone surrogate" in str(error)
    _, (story,) = parse_bytes(b'{"uri": "urn:x:2", "headline": "Smile \\ud83d\\ude00", "body_text": "x"}')
    assert story.headline == "Smile \U0001f600"  # an escaped pair is one character, and fine


def test_deeply_nested_json_is_an_error_not_a_crash():
    assert "JSON" in str(parse_error(b'{"uri": "x", "headline": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"))


@pytest.mark.django_db
def test_oversized_file_is_refused_with_its_name(tmp_path, settings):
    settings.WIRE_MAX_FILE_BYTES = 1000
    path = tmp_path / "huge.xml"
    path.write_bytes(b"<nitf>" + b" " * 2000 + b"</nitf>")
    code, out, err = run(path, "--source", "NRW")
    assert code == 1 and "huge.xml" in err and "larger than the limit" in err


@pytest.mark.django_db
def test_over_long_headline_is_a_clear_error(tmp_path):
    path = tmp_path / "long.json"
    path.write_text('{"uri": "u", "headline": "%s", "body_text": "x"}' % ("H" * 400))
    code, out, err = run(path, "--source", "NRW")
    assert code == 1 and "field headline" in err and "at most 300" in err
    assert not Article.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("data", [XXE, BILLION_LAUGHS, QUADRATIC, b"\x00\xff" * 50, b"<nitf><head>"])
def test_command_reports_hostile_files_without_a_traceback(tmp_path, data):
    path = tmp_path / "evil.xml"
    path.write_bytes(data)
    code, out, err = run(path, "--source", "NRW")
    assert code == 1 and "evil.xml" in err and "Traceback" not in err
    assert "failed 1" in out
