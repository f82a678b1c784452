"""The coordinators' list of help sessions: the filters, and the rows of its export.

    form = SessionFilterForm(request.GET, user=request.user)
    if form.is_valid():
        sessions = filter_sessions(HelpSession.objects.visible_to(user), form.cleaned_data)

The form offers only what the user may see; the sessions are scoped before they reach
it (`HelpSession.objects.visible_to`). Dates are local days, both ends included.
Citizens' phone numbers are never among the exported columns.
"""

from datetime import date, datetime, time, timedelta

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from campaign.access import visible_campaigns
from campaign.models import Campaign, Commune, ServiceType
from lib.text import fold
from sessions.models import HelpSession
from teams.registry.forms import CommuneChoiceField

# Dates outside these are typing mistakes, and would overflow a day's bounds.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
SEPARATOR = "; "
CHUNK = 2000


def day_field(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter a date as YYYY-MM-DD.")},
    )


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
    date_from = day_field(gettext_lazy("From"))
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


def start_of(day: date) -> datetime:
    """Midnight at the start of `day`, local time."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def filter_sessions(sessions, filters: dict):
    """`sessions` narrowed by the cleaned data of a SessionFilterForm."""
    if campaign := filters.get("campaign"):
        sessions = sessions.filter(campaign=campaign)
    if commune := filters.get("commune"):
        sessions = sessions.filter(commune=commune)
    if name := fold(filters.get("volunteer") or ""):
        sessions = sessions.filter(volunteer__search_name__contains=name)
    if first := filters.get("date_from"):
        sessions = sessions.filter(helped_at__gte=start_of(first))
    if last := filters.get("date_to"):
        sessions = sessions.filter(helped_at__lt=start_of(last + timedelta(days=1)))
    if service := filters.get("service"):
        sessions = sessions.filter(services=service)
    if outcome := filters.get("outcome"):
        sessions = sessions.filter(outcome=outcome)
    return sessions


def newest_first(sessions):
    """With what a row shows, services included: a fixed number of queries."""
    return (
        sessions.select_related("volunteer", "commune")
        .prefetch_related("services")
        .order_by("-helped_at", "-pk")
    )


def priority_group_labels(session) -> list[str]:
    return [
        str(capfirst(HelpSession._meta.get_field(name).verbose_name))
        for name in session.priority_groups
    ]


def service_labels(session) -> list[str]:
    return [service.label for service in session.services.all()]


# The export ------------------------------------------------------------------------

EXPORT_HEADERS = (
    gettext_lazy("Time"),
    gettext_lazy("Commune code"),
    gettext_lazy("Commune name"),
    gettext_lazy("Volunteer"),
    gettext_lazy("Services"),
    gettext_lazy("Procedure"),
    gettext_lazy("Outcome"),
    gettext_lazy("Priority groups"),
    gettext_lazy("Age"),
    gettext_lazy("Gender"),
    gettext_lazy("Minutes"),
    gettext_lazy("Note"),
    gettext_lazy("Follow-up"),
)


def export_headers() -> list[str]:
    return [str(header) for header in EXPORT_HEADERS]


def export_row(session, zone) -> list[str]:
    """One session as the export's text cells, in the order of EXPORT_HEADERS."""
    return [
        f"{timezone.localtime(session.helped_at, zone):%Y-%m-%d %H:%M}",
        session.commune.code,
        session.commune.name,
        session.volunteer.full_name,
        SEPARATOR.join(service_labels(session)),
        session.procedure,
        session.get_outcome_display(),
        SEPARATOR.join(priority_group_labels(session)),
        session.get_age_band_display(),
        session.get_gender_display(),
        "" if session.minutes is None else str(session.minutes),
        session.note,
        session.get_follow_up_display(),
    ]


def export_rows(sessions, zone):
    """The rows of `sessions` (from `newest_first`), read a chunk at a time."""
    for session in sessions.iterator(chunk_size=CHUNK):
        yield export_row(session, zone)
