"""Finding guides and training modules whatever the diacritics.

Citizens often type without diacritics. SQLite's FTS5 keeps đ, and letters with two
marks (ệ, ổ), as they are; PostgreSQL's built-in configurations keep every mark. Each
guide and module therefore indexes a copy of its text without them
(`search_text_folded`), and the query is folded the same way (lib.text.fold_text),
so "kich hoat vneid" finds "Kích hoạt tài khoản VNeID" and "dang ky" finds "đăng ký" on
both databases. On PostgreSQL the index also uses an unaccent configuration (a cms
migration), so the page titles match without diacritics as well.
"""

from wagtail.models import Locale, Page

from cms.models import GuidePage, TrainingModulePage
from lib.text import fold_text

MAX_QUERY_LENGTH = 200


def search_pages(query: str, locale: Locale | None = None, limit: int = 20) -> list[Page]:
    """Live, public guides and training modules in `locale` (the active one by default)
    matching every word of `query`; if none does, those matching any word."""
    folded = fold_text(query[:MAX_QUERY_LENGTH])
    if not folded:
        return []
    locale = locale or Locale.get_active()
    pages = (
        Page.objects.live()
        .public()
        .filter(locale=locale)
        .type(GuidePage, TrainingModulePage)
        .specific()
    )
    found = list(pages.search(folded, operator="and")[:limit])
    if not found:
        found = list(pages.search(folded, operator="or")[:limit])
    return found
