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
