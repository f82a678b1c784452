"""The dashboard's filters: a quick choice of period, or dates, communes and services."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from campaign.models import Commune
from sessions.forms import FIRST_DAY, LAST_DAY, day_field
from teams.registry.forms import CommuneChoiceField

# A chart of more days than this is unreadable, and the page would grow without end.
MOST_DAYS = 366


class QuickSelect(forms.Select):
    """A select whose options are written here rather than through Django's option
    templates, which for a province's 65 communes cost more than the rest of a page."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, named as in the query string; each may be left empty."""

    commune = CommuneChoiceField(
        label=gettext_lazy("Commune"),
        queryset=Commune.objects.none(),
        widget=QuickSelect,
        required=False,
        empty_label=gettext_lazy("All communes"),
        error_messages={
            "invalid_choice": gettext_lazy("There is no commune %(value)s among yours.")
        },
    )
    date_from = day_field(pgettext_lazy("start of a date range", "From"))
    date_to = day_field(pgettext_lazy("end of a date range", "To"))

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communes is None:
            del self.fields["commune"]
        else:
            self.fields["commune"].queryset = communes

    def clean(self):
        cleaned = super().clean()
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                self.add_error(
                    name,
                    _("Enter a date between %(first)s and %(last)s.")
                    % {"first": FIRST_DAY.year, "last": LAST_DAY.year},
                )
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The last day is before the first day."))
        elif first and last and (last - first).days >= MOST_DAYS:
            self.add_error("date_to", _("Choose at most %(days)s days.") % {"days": MOST_DAYS})
        return cleaned
