"""Legacy encodings a file does not declare: detected and decoded (``sources.wire.base.decode_text``,
the one place bytes become text; XML and feeds through ``xmlsafe.as_utf8``), or the file refused
with a message naming what was tried. Never mojibake.

The files (tests/fixtures/wire-encodings, synthetic: written for this project) are short news texts
in the language each encoding serves."""

from pathlib import Path

import pytest

from articles.models import Article
from sources.ingest.pipeline import import_paths
from sources.wire import ParseError, parse_bytes
from sources.wire.base import decode_detected

FILES = Path(__file__).resolve().parent.parent / "fixtures" / "wire-encodings"


@pytest.mark.parametrize(
    ("name", "codecs", "headline", "phrase"),
    [
        (
            "synthetic-koi8r-ru.txt",
            {"koi8_r", "koi8_u"},
            "Правительство утвердило бюджет на следующий год",
            "здравоохранение вырастут",
        ),
        ("synthetic-cp1251-ru.txt", {"cp1251"}, "Морозы продлятся до конца недели", "одеваться теплее"),
        (
            "synthetic-shiftjis-ja.txt",
            {"cp932", "shift_jis"},
            "政府、補正予算案を閣議決定",
            "国会での審議は来月始まる",
        ),
        ("synthetic-eucjp-ja.txt", {"euc_jp"}, "大雪で新幹線が一部運休", "交通機関の乱れに注意する"),
        (
            "synthetic-cp1256-ar.txt",
            {"cp1256"},
            "الحكومة تعلن خطة لإعادة إعمار المناطق المتضررة",
            "المدارس والمستشفيات",
        ),
        (
            "synthetic-cp1254-tr.txt",
            {"cp1254"},
            "Meclis yeni bütçe yasasını görüşüyor",
            "sağlık harcamalarının artacağını",
        ),
        (
            "synthetic-latin1-de.txt",
            {"cp1252", "latin_1"},
            "Schweizer Nationalbank senkt überraschend die Zinsen",
            "Ökonomen äußerten sich erstaunt",
        ),
    ],
)
def test_an_undeclared_legacy_encoding_is_detected_and_read(name, codecs, headline, phrase):
    data = (FILES / name).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the premise: not UTF-8, and nothing in the file says what it is
    text, codec = decode_detected(data)
    assert codec in codecs
    _, (story,) = parse_bytes(data)
    assert story.headline == headline
    assert phrase in story.body_html


@pytest.mark.parametrize(
    ("name", "fmt", "headline", "phrase"),
    [
        (
            "synthetic-cp1251-undeclared-nitf.xml",
            "nitf",
            "Выборы пройдут в марте",
            "Регистрация кандидатов начнётся",
        ),
        (
            "synthetic-cp1254-undeclared.rss",
            "rss",
            "İzmir'de deprem tatbikatı yapıldı",
            "binlerce öğrenci katıldı",
        ),
    ],
)
def test_xml_and_feeds_without_an_encoding_declaration_are_read_the_same_way(name, fmt, headline, phrase):
    found, (story,) = parse_bytes((FILES / name).read_bytes())
    assert found == fmt and story.headline == headline and phrase in story.body_html


def test_a_declared_encoding_is_honoured_not_guessed():
    data = (
        b'<?xml version="1.0" encoding="windows-1254"?>'
        + (FILES / "synthetic-cp1254-undeclared.rss").read_bytes().split(b"?>", 1)[1]
    )
    _, (story,) = parse_bytes(data)
    assert story.headline == "İzmir'de deprem tatbikatı yapıldı"


def test_bytes_that_are_no_text_are_refused_naming_what_was_tried():
    with pytest.raises(ParseError) as info:
        parse_bytes((FILES / "synthetic-garbage.txt").read_bytes(), fmt="text")
    message = str(info.value)
    assert "not UTF-8" in message and "KOI8-R" in message and "Shift-JIS" in message and "EUC-JP" in message
    assert "refused" in message


def test_utf16_is_refused_as_before_and_utf8_is_never_guessed_at():
    with pytest.raises(ParseError, match="UTF-16"):
        decode_detected("\ufeffNot UTF-8".encode("utf-16-le"))
    assert decode_detected("Zürich – “quoted”".encode()) == ("Zürich – “quoted”", "utf-8")
    assert decode_detected(b"\xef\xbb\xbfBOM") == ("BOM", "utf-8")


@pytest.mark.django_db
def test_imported_through_the_real_path_with_the_language_found():
    report = import_paths(
        [str(FILES / "synthetic-koi8r-ru.txt"), str(FILES / "synthetic-cp1256-ar.txt")], source_code="SYN"
    )
    assert report.counts["created"] == 2, report.errors
    languages = dict(Article.objects.values_list("headline", "language"))
    assert languages["Правительство утвердило бюджет на следующий год"] == "ru"
    assert languages["الحكومة تعلن خطة لإعادة إعمار المناطق المتضررة"] == "ar"
    report = import_paths([str(FILES / "synthetic-garbage.txt")], source_code="SYN", fmt="text")
    assert report.counts["failed"] == 1 and "synthetic-garbage.txt" in report.errors[0]
