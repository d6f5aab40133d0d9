from django import template
from django.utils.text import get_text_list

from articles.languages import language_name, text_direction

register = template.Library()

ROLE_PHRASES = {
    "writer": "By",
    "reporting": "Reporting by",
    "additional": "Additional reporting by",
    "editing": "Editing by",
    "translation": "Translation by",
    "photo": "Photos by",
}


@register.simple_tag
def credit_groups(article):
    """[("By", [credit, ...]), ("Editing by", [...])] in role order, from the prefetched credits."""
    groups: dict[str, list] = {}
    for credit in article.credits.all():
        groups.setdefault(credit.role, []).append(credit)
    return [(ROLE_PHRASES.get(role, role), credits) for role, credits in groups.items()]


@register.filter
def join_names(credits):
    return get_text_list([c.display_name for c in credits], "and")


@register.filter
def direction(language):
    return text_direction(language)


@register.filter
def language_label(language):
    return language_name(language)
