"""Long lists shown a page at a time."""

from django.core.paginator import Paginator

PAGE_SIZE = 50


def paginate(request, queryset):
    """The requested page, and the query string that keeps the other parameters."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
