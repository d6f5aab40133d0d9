"""The change list at any archive size: estimated and capped counts, deep pages by ids first."""

from django.contrib.admin.utils import quote as admin_quote
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.urls import reverse
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """The unfiltered change list counts with PostgreSQL's planner estimate once the table is big:
    an exact COUNT(*) over 100,000 stories on every page view is the slowest thing on the screen.
    Filtered lists (indexed filters) are counted exactly."""

    EXACT_BELOW = 10_000

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE relname = %s",
                    [self.object_list.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] >= self.EXACT_BELOW:
                return int(row[0])
        return super().count


class AtLeast(int):
    """A count that stopped counting: an int for the paginator's arithmetic, ``1,000+`` on the page."""

    def __str__(self):
        return f"{int(self):,}+"

    __repr__ = __str__


class DeskPaginator(EstimatedCountPaginator):
    """The desk's change list at any archive size: never a full ``COUNT(*)`` of a filtered list.

    * Unfiltered: PostgreSQL's estimate (``EstimatedCountPaginator``).
    * Filtered or searched: the matching ids are counted up to ``COUNT_CAP`` (and at least one page
      past the page asked for), ``SELECT count(*) FROM (SELECT id ... LIMIT n)``: a few milliseconds
      whatever the filter matches. Past the cap the count is an ``AtLeast`` (shown as "1,000+"), and
      pages beyond it stay reachable (the links reach one page past the current one, so an editor can
      keep paging; a page past the real end is empty, never an error).
    * A deep page (``DEFERRED_FROM`` rows in) reads the page's ids first (an index scan of narrow
      entries) and then only those 50 rows with their joins, instead of building and throwing away
      every skipped row. An index on the ordering, ``(modified_at DESC, id DESC)``, makes the first
      step an index-only scan (docs/caching.md, "The desk").
    """

    COUNT_CAP = 1_000
    DEFERRED_FROM = 500

    def __init__(self, *args, wanted_page=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.wanted_page = wanted_page

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is None or not query.where:
            return super().count
        cap = max(self.COUNT_CAP, (self.wanted_page + 1) * self.per_page)
        found = self.object_list.order_by().values("pk")[: cap + 1].count()
        return AtLeast(cap) if found > cap else found

    @property
    def capped(self) -> bool:
        return isinstance(self.count, AtLeast)

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        # Past the cap the last page is unknown: any page from 1 on is valid (empty past the end).
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.capped and top + self.orphans >= self.count:
            top = self.count
        if bottom < self.DEFERRED_FROM or not hasattr(self.object_list, "values_list"):
            return self._get_page(self.object_list[bottom:top], number, self)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)


class DeskChangeList(ChangeList):
    def url_for_result(self, result):
        """Each row's link: one ``reverse()`` a page, not one a row."""
        template = self.__dict__.get("_change_url")
        if template is None:
            template = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=("0",),
                current_app=self.model_admin.admin_site.name,
            )
            self._change_url = template = template if "/0/" in template else ""
        if not template:  # a URL pattern this shortcut does not understand
            return super().url_for_result(result)
        return template.replace("/0/", f"/{admin_quote(result.pk)}/", 1)

    def get_results(self, request):
        super().get_results(request)
        if isinstance(self.result_count, AtLeast):
            self.can_show_all = False  # "all" of a list that was not counted to its end could be anything
