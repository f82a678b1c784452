"""Forms of the help-session pages: the filters of the coordinators' list (shared with
the dashboard: a day field with the dates a person would type)."""

from datetime import date

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from campaign.access import visible_campaigns
from campaign.models import Campaign, Commune, ServiceType
from lib.day_fields import DayField
from sessions.models import HelpSession
from teams.registry.forms import CommuneChoiceField

# Dates outside these are typing mistakes, and would overflow a day's bounds.
FIRST_DAY = date(2000, 1, 1)


LAST_DAY = date(2099, 12, 31)


def day_field(label):
    return DayField(label=label, required=False)


class SessionFilterForm(forms.Form):
    """The list's filters, named as in the query string; every one may be left empty."""

    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=gettext_lazy("All campaigns"),
        error_messages={
            "invalid_choice": gettext_lazy("There is no campaign %(value)s among yours.")
        },
    )
    commune = CommuneChoiceField(
        label=gettext_lazy("Commune"),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=gettext_lazy("All communes"),
        error_messages={
            "invalid_choice": gettext_lazy("There is no commune %(value)s among yours.")
        },
    )
    volunteer = forms.CharField(
        label=gettext_lazy("Volunteer"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("e.g. nguyen van an")}
        ),
    )
    date_from = day_field(pgettext_lazy("start of a date range", "From"))
    date_to = day_field(pgettext_lazy("end of a date range", "To"))
    service = forms.ModelChoiceField(
        label=gettext_lazy("Service"),
        queryset=ServiceType.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All services"),
        error_messages={"invalid_choice": gettext_lazy("There is no service “%(value)s”.")},
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        required=False,
        choices=[("", gettext_lazy("All outcomes")), *HelpSession.Outcome.choices],
        error_messages={"invalid_choice": gettext_lazy("There is no outcome “%(value)s”.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = visible_campaigns(user).select_related("province")
        self.fields["commune"].queryset = Commune.objects.visible_to(user).select_related(
            "province"
        )

    def day_in_range(self, name):
        day = self.cleaned_data[name]
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s."),
                params={"first": FIRST_DAY.year, "last": LAST_DAY.year},
            )
        return day

    def clean_date_from(self):
        return self.day_in_range("date_from")

    def clean_date_to(self):
        return self.day_in_range("date_to")

    def clean_volunteer(self):
        return " ".join(self.cleaned_data["volunteer"].split())

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The last day is before the first day."))
        return cleaned

    def applied_filters(self) -> dict:
        """The filters in use, as the query string names them: for the audit trail."""
        applied = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            if isinstance(value, models.Model):
                value = getattr(value, self.fields[name].to_field_name or "pk")
            elif isinstance(value, date):
                value = value.isoformat()
            applied[name] = value
        return applied
