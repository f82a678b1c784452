from django.shortcuts import render

from cms.search import MAX_QUERY_LENGTH, search_pages


def search(request):
    """Search the guides (and training modules) in the language of the page."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = [
        {"page": page, "kind": page._meta.verbose_name}
        for page in (search_pages(query) if query else [])
    ]
    return render(request, "cms/search_results.html", {"query": query, "results": results})
