from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.userbar import ContentCheckerItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.models import SupportContact

# Wagtail's own checks (empty headings, alt text, heading order...) plus everything axe
# tags as WCAG 2.1 level A and AA, the level our browser tests hold every page to.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class WcagContentChecker(ContentCheckerItem):
    """The accessibility checker of the page editor and the userbar, run to WCAG 2.1 AA."""

    def get_axe_run_only(self, request):
        return WCAG_21_AA

    def get_axe_rules(self, request):
        # Wagtail's rules carry other tags ("best-practice", "seo"): keep them on too.
        return {rule: {"enabled": True} for rule in ContentCheckerItem.axe_run_only}


@hooks.register("construct_wagtail_userbar")
def check_pages_to_wcag_21_aa(request, items, page):
    for position, item in enumerate(items):
        if isinstance(item, ContentCheckerItem) and not isinstance(item, WcagContentChecker):
            replacement = WcagContentChecker(in_editor=item.in_editor)
            items[position] = replacement


class SupportContactViewSet(SnippetViewSet):
    model = SupportContact
    icon = "mobile-alt"
    menu_label = _("Hotlines")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "phone", "kind", "province"]
    list_filter = ["kind", "province", "locale"]
    search_fields = ["name", "phone"]


register_snippet(SupportContactViewSet)


@hooks.register("insert_global_admin_js")
def admin_labels():
    """Translates the one admin label Wagtail writes outside its catalogue (the header's
    search button, for screen readers); see cms/static/cms/admin_labels.js."""
    return format_html(
        '<script src="{}" data-search-label="{}"></script>',
        static("cms/admin_labels.js"),
        gettext("Search"),
    )
