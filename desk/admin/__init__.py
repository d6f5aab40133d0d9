"""The desk: the admin's screens, one module per screen (Django's autodiscovery imports this package).

``articles`` puts the story screens together from ``article_list``, ``article_change``,
``article_actions`` and ``history`` (with ``article_form`` and ``paginators``); the other modules
register their own screens."""

from desk.admin import api_keys, articles, images, records, staff, taxonomy, wire  # noqa: F401 - each registers its screens
