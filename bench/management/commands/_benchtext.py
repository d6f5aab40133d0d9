"""Word lists and text generators for benchmark data (``seed_bench``, ``bench/imports.py``).

Not a command (the leading underscore keeps Django from listing it). Everything is
generated from a ``random.Random`` the caller seeds, so a run is reproducible.
"""

from __future__ import annotations

import random

EN_STOPWORDS = "the of and to in a on for with was is that by at from as said".split()

EN_WORDS = (
    EN_STOPWORDS
    + """
government minister parliament president election vote coalition opposition budget salary salaries oil gas
pipeline export revenue dinar dollar market price prices inflation bank loan investment company companies
trade border crossing customs farmers harvest wheat water river dam drought rain snow flood flooding heat
electricity power plant grid outage school schools teachers students university exam hospital doctors
patients health vaccine clinic medicine police security forces army peshawa peshmerga attack drone strike
militants camp camps displaced refugees families children women youth workers union protest protesters
demonstration court judge trial verdict law bill draft reform corruption investigation report committee
council mayor city town village district province region capital airport flights road highway bridge
project construction housing rent tourism tourists hotel festival culture music film book poet theatre
football league match team coach player goal season final cup championship olympic athlete record
weather climate environment forest fires pollution air quality energy solar wind technology internet
mobile network startup digital media journalist journalists newspaper television broadcast freedom rights
human religious minority minorities christian yazidi turkmen arab kurdish language history heritage museum
archaeology ancient site discovery science research scientists study data survey population census
agreement talks negotiations delegation visit meeting summit conference statement spokesperson official
officials sources said says told announced warned called urged denied confirmed expected planned approved
rejected signed launched opened closed reached increased decreased rose fell dropped doubled halved new
first second third last largest smallest major minor local national international regional federal
economic political social public private annual monthly weekly daily early late recent former current
""".split()
)

EN_PLACES = [
    ("ERBIL, Kurdistan Region", "Kurdistan 24"),
    ("SULAIMANI, Kurdistan Region", "Kurdistan 24"),
    ("DUHOK, Kurdistan Region", "Kurdistan 24"),
    ("BAGHDAD", "AFP"),
    ("KIRKUK", "Reuters"),
    ("MOSUL", "AFP"),
    ("DAMASCUS", "Reuters"),
    ("ANKARA", "AFP"),
    ("TEHRAN", "Reuters"),
    ("WASHINGTON", "AFP"),
    ("BRUSSELS", "Reuters"),
    ("HALABJA, Kurdistan Region", "Kurdistan 24"),
]

EN_NAMES = """
Ahmed Hassan Sara Karim Rebin Omar Shilan Aziz Dilan Mahmoud Hawre Salih Nasik Qadir Kovan Jalal Lana Rashid
Baran Faraj Hero Ibrahim Shwan Mustafa Zhilwan Ali Avin Hamid Soran Rauf Chiman Bakr Aram Yousif Nian Tahir
""".split()

CKB_WORDS = """
هەولێر سلێمانی دهۆک کوردستان حکومەت هەرێم پەرلەمان سەرۆک وەزیر ئابووری نەوت بودجە هەڵبژاردن خەڵک شار گوند
ئاو کارەبا قوتابخانە زانکۆ نەخۆشخانە تەندروستی وەرزش یاری تیپ کۆبوونەوە ڕێککەوتن بەغدا عێراق ئەمریکا تورکیا
ئێران سووریا هێزەکانی پێشمەرگە ئاسایش مووچە فەرمانبەران بازاڕ نرخ دۆلار کشتوکاڵ باران بەفر هاوین زستان
ڕۆژنامەنووس میدیا کولتوور هونەر مێژوو زمان کوردی ڕاگەیاند وتی دەڵێت ئەمڕۆ دوێنێ سبەی هەفتە ساڵ مانگ نوێ
گەورە بچووک یەکەم دووەم زۆر کەم لە بۆ و کە بە ئەم ئەو دەکات کرد هەیە نییە پڕۆژە ڕێگا فڕۆکەخانە گەشتیار
ژینگە کار قوتابیان مامۆستایان دادگا یاسا گەندەڵی لیژنە پارێزگا ئەنجومەن بەرپرس بەرپرسان لێدوان
""".split()

CKB_PLACES = [
    ("هەولێر", "کوردستان24"),
    ("سلێمانی", "کوردستان24"),
    ("دهۆک", "کوردستان24"),
    ("کەرکووک", "کوردستان24"),
]

CKB_NAMES = "ڕێبین کاروان شیلان دیلان هاوڕێ ئاراس سۆران چیمەن نیان هێرۆ بەختیار ژیلوان".split()

AR_WORDS = """
أربيل بغداد العراق الحكومة البرلمان رئيس وزير الاقتصاد النفط الميزانية الانتخابات الشعب المدينة القرية المياه
الكهرباء المدرسة الجامعة المستشفى الصحة الرياضة المباراة الفريق اجتماع اتفاق القوات الأمن الرواتب الموظفين
السوق الأسعار الدولار الزراعة المطر الثلج الصيف الشتاء صحفي الإعلام الثقافة الفن التاريخ اللغة أعلن قال يقول
اليوم أمس غدا الأسبوع العام الشهر جديد كبير صغير الأول الثاني كثير في من إلى على مع هذا ذلك التي الذي مشروع
الطريق المطار السياح البيئة العمل الإقليم كردستان السليمانية دهوك المحافظة مجلس الوزراء الدولي المنطقة
المحكمة القانون الفساد اللجنة المسؤولين تصريح
""".split()

AR_PLACES = [
    ("أربيل", "كوردستان24"),
    ("بغداد", "فرانس برس"),
    ("السليمانية", "كوردستان24"),
    ("الموصل", "رويترز"),
]

AR_NAMES = "أحمد سارة كريم عمر علي حسن فاطمة يوسف مريم خالد ليلى إبراهيم".split()


def _rare_words(syllables: list[str], count: int, seed: str) -> list[str]:
    """A long tail of made-up words (names, places, rare terms) so that, as in real copy, most words
    are rare: a search for one of them matches a few stories, not half the archive."""
    rng = random.Random(seed)  # noqa: S311
    words: dict[str, None] = {}
    while len(words) < count:
        words["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))] = None
    return list(words)


_LATIN_SYLLABLES = (
    "ba be bi bo ka ke ki ko ra re ri ro sa se si so ta te ti to la le li lo ma me mi mo na ne ni no \
dar zan kur han mir sor sha zer van dil hev ros gul".split()
)
_ARABIC_SYLLABLES = "با بە را رە سا سە کا کە لا لە ما مە نا نە دا دە زا زە شا شە گو ڕۆ هە وا یا".split()
RARE_COUNT = 20_000


def _weights(common: int, rare: int) -> list[float]:
    """Cumulative Zipf-like weights: the common words first (each frequent), then the long tail."""
    total, out = 0.0, []
    for rank in range(common + rare):
        total += 1.0 / (rank + 30)
        out.append(total)
    return out


def _vocabulary(common: list[str], syllables: list[str], seed: str) -> tuple[list[str], list[float]]:
    words = common + _rare_words(syllables, RARE_COUNT, seed)
    return words, _weights(len(common), RARE_COUNT)


LANGUAGES = {
    "en": (EN_WORDS, EN_PLACES, EN_NAMES),
    "ckb": (CKB_WORDS, CKB_PLACES, CKB_NAMES),
    "ar": (AR_WORDS, AR_PLACES, AR_NAMES),
}
VOCABULARY = {
    "en": _vocabulary(EN_WORDS, _LATIN_SYLLABLES, "en"),
    "ckb": _vocabulary(CKB_WORDS, _ARABIC_SYLLABLES, "ckb"),
    "ar": _vocabulary(AR_WORDS, _ARABIC_SYLLABLES, "ar"),
}

SECTIONS = [
    ("Kurdistan", "kurdistan"),
    ("Iraq", "iraq"),
    ("Middle East", "middle-east"),
    ("World", "world"),
    ("Business", "business"),
    ("Sport", "sport"),
    ("Culture", "culture"),
    ("Science", "science"),
    ("Health", "health"),
    ("Opinion", "opinion"),
]


def pick_language(rng: random.Random) -> str:
    """70 % English, 20 % Sorani, 10 % Arabic."""
    r = rng.random()
    return "en" if r < 0.70 else ("ckb" if r < 0.90 else "ar")


def sentence(rng: random.Random, language: str, low: int, high: int) -> str:
    words, weights = VOCABULARY[language]
    chosen = rng.choices(words, cum_weights=weights, k=rng.randint(low, high))
    latin = language == "en"
    text = " ".join(chosen)
    if latin:
        text = text[:1].upper() + text[1:]
    return text


def headline(rng: random.Random, language: str) -> str:
    return sentence(rng, language, 6, 12)


def standfirst(rng: random.Random, language: str) -> str:
    return sentence(rng, language, 18, 32) + "."


def paragraphs(rng: random.Random, language: str, low: int = 5, high: int = 9) -> list[str]:
    out = []
    for _ in range(rng.randint(low, high)):
        sentences = [sentence(rng, language, 10, 22) for _ in range(rng.randint(2, 3))]
        out.append(". ".join(sentences) + ".")
    return out


def body_html(paras: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paras)


def dateline(rng: random.Random, language: str) -> tuple[str, str]:
    return rng.choice(LANGUAGES[language][1])


def person(rng: random.Random, language: str) -> str:
    names = LANGUAGES[language][2]
    return f"{rng.choice(names)} {rng.choice(names)}"
