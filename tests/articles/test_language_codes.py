"""Each consumer gets the language code it accepts, from one place (articles/languages.py)."""

import pytest

from articles.languages import feed_language, news_sitemap_language, normalise_language, og_locale


@pytest.mark.parametrize(
    ("code", "bcp47", "feed", "news", "og"),
    [
        ("en", "en", "en", "en", "en_US"),
        ("en-gb", "en-GB", "en-GB", "en", "en_GB"),
        ("ckb", "ckb", "ku-Arab", "ckb", "cb_IQ"),
        ("ckb-IQ", "ckb-IQ", "ku-Arab-IQ", "ckb", "cb_IQ"),
        ("ar", "ar", "ar", "ar", "ar_AR"),
        ("ar-IQ", "ar-IQ", "ar-IQ", "ar", "ar_IQ"),
        ("nb-NO", "nb-NO", "nb-NO", "nb", "nb_NO"),
        ("zh-Hans", "zh-Hans", "zh-Hans", "zh-cn", "zh_CN"),
        ("zh-Hant-TW", "zh-Hant-TW", "zh-Hant-TW", "zh-tw", "zh_TW"),
        ("zh_TW", "zh-TW", "zh-TW", "zh-tw", "zh_TW"),
        ("kmr", "kmr", "ku-Latn", "kmr", "ku_TR"),
        ("de", "de", "de", "de", "de_DE"),
    ],
)
def test_each_consumer_gets_its_own_code(code, bcp47, feed, news, og):
    assert (normalise_language(code), feed_language(code), news_sitemap_language(code), og_locale(code)) == (
        bcp47,
        feed,
        news,
        og,
    )
