"""Languages and their writing direction.

A story's ``dir`` is derived from its language, never stored: the primary
subtag of the BCP 47 code decides, and an explicit script subtag wins
(``ku-Arab`` is right-to-left, ``ku-Latn`` is not).
"""

RTL_LANGUAGES = frozenset({"ar", "ckb", "fa", "he", "ps", "ur", "sd", "ug", "yi", "dv", "syr"})
RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm"})

LANGUAGE_NAMES = {
    "en": "English",
    "ckb": "Kurdish (Sorani)",
    "ku": "Kurdish",
    "ar": "Arabic",
    "fa": "Persian",
    "tr": "Turkish",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "nb": "Norwegian Bokmål",
    "zh": "Chinese",
}

# Languages offered in the admin's select; any valid code is still accepted from the wire.
LANGUAGE_CHOICES = list(LANGUAGE_NAMES.items())

# Each language named in itself, for readers: a link or option to another language is marked up with
# that language (``lang``), and a reader looks for the name of their own language written in it.
ENDONYMS = {
    "en": "English",
    "ckb": "کوردی",
    "ku": "Kurdî",
    "ar": "العربية",
    "fa": "فارسی",
    "tr": "Türkçe",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "pt": "Português",
    "nb": "Norsk bokmål",
    "zh": "中文",
}


def normalise_language(code: str | None, default: str = "en") -> str:
    """``EN_us`` -> ``en-US``; empty -> default."""
    if not code:
        return default
    parts = code.strip().replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4:
            out.append(part.title())
        elif len(part) == 2:
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(p for p in out if p)


def text_direction(code: str) -> str:
    parts = normalise_language(code).lower().split("-")
    if any(p in RTL_SCRIPTS for p in parts[1:]):
        return "rtl"
    if "latn" in parts[1:]:
        return "ltr"
    return "rtl" if parts[0] in RTL_LANGUAGES else "ltr"


def language_name(code: str) -> str:
    code = normalise_language(code)
    return LANGUAGE_NAMES.get(code, LANGUAGE_NAMES.get(code.split("-")[0], code))


def endonym(code: str) -> str:
    """The language's name in itself (``ckb`` -> ``کوردی``); the English name where none is known."""
    code = normalise_language(code)
    return ENDONYMS.get(code, ENDONYMS.get(code.split("-")[0], language_name(code)))


def ui_language(code: str | None) -> str:
    """The language in which the reader-facing labels around a story in ``code`` are written: the
    site language (``settings.LANGUAGES``) it is a variant of (``en-US`` -> ``en``, ``ar-IQ`` ->
    ``ar``), else the site's own (``LANGUAGE_CODE``) for a language the site has no catalogue for."""
    from django.conf import settings
    from django.utils.translation import get_supported_language_variant

    try:
        return get_supported_language_variant(normalise_language(code, default=settings.LANGUAGE_CODE))
    except LookupError:
        return settings.LANGUAGE_CODE


# --- The code each consumer accepts, from a story's BCP 47 language: one place -------------------------
# HTML ``lang``, JSON-LD ``inLanguage`` and the API take the BCP 47 code itself (``normalise_language``).
# Consumers that know only ISO 639-1/639-2 (the W3C Feed Validator's list, which feed readers follow)
# get the macrolanguage with the script for the ISO 639-3 codes they lack.
FEED_LANGUAGES = {"ckb": "ku-Arab", "kmr": "ku-Latn", "sdh": "ku-Arab"}
# Google News: ISO 639 two or three letters, but Chinese as zh-cn / zh-tw.
NEWS_SITEMAP_CHINESE = {
    "hans": "zh-cn",
    "cn": "zh-cn",
    "sg": "zh-cn",
    "hant": "zh-tw",
    "tw": "zh-tw",
    "hk": "zh-tw",
}
# Open Graph ``og:locale`` is ``ll_TT``: a region for each language (Facebook's own code for Sorani is
# ``cb_IQ``); a story whose code has a region keeps it.
OG_LOCALES = {
    "en": "en_US",
    "ckb": "cb_IQ",
    "ku": "ku_TR",
    "kmr": "ku_TR",
    "ar": "ar_AR",
    "fa": "fa_IR",
    "tr": "tr_TR",
    "de": "de_DE",
    "fr": "fr_FR",
    "es": "es_ES",
    "pt": "pt_PT",
    "nb": "nb_NO",
    "zh": "zh_CN",
}


def feed_language(code: str) -> str:
    """RSS ``<language>`` and Atom ``xml:lang``: ``ckb`` -> ``ku-Arab``, ``ckb-IQ`` -> ``ku-Arab-IQ``,
    ``en-GB`` stays."""
    code = normalise_language(code)
    primary, _, rest = code.partition("-")
    mapped = FEED_LANGUAGES.get(primary.lower())
    if mapped is None:
        return code
    return f"{mapped}-{rest}" if rest else mapped


def news_sitemap_language(code: str) -> str:
    """Google News ``<news:language>``: ``nb-NO`` -> ``nb``, ``zh-Hant-TW`` -> ``zh-tw``, ``ckb`` -> ``ckb``."""
    parts = normalise_language(code).lower().split("-")
    if parts[0] == "zh":
        return next((NEWS_SITEMAP_CHINESE[p] for p in parts[1:] if p in NEWS_SITEMAP_CHINESE), "zh-cn")
    return parts[0]


def og_locale(code: str) -> str:
    """Open Graph ``og:locale``: ``en`` -> ``en_US``, ``en-GB`` -> ``en_GB``, ``ckb`` -> ``cb_IQ``."""
    parts = normalise_language(code).split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    if region:
        base = OG_LOCALES.get(parts[0], parts[0]).split("_")[0]
        return f"{base}_{region.upper()}"
    return OG_LOCALES.get(parts[0], f"{parts[0]}_{parts[0].upper()}")
