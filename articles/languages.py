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
