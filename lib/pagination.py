"""Long lists shown a page at a time."""

from django.core.paginator import Paginator

PAGE_SIZE = 50


def paginate(request, queryset):
    """The requested page, and the query string that keeps the other parameters."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def paginate_sorted(request, queryset, key, *fields):
    """Like paginate(), for an order the database cannot give (natural_key of names):
    `fields` of every row are read and sorted in Python by key(row), then only the
    requested page's objects are fetched, in that order. For lists of thousands."""
    rows = sorted(queryset.values_list("pk", *fields), key=lambda row: key(*row[1:]))
    page = Paginator([row[0] for row in rows], PAGE_SIZE).get_page(request.GET.get("page"))
    found = queryset.in_bulk(list(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
