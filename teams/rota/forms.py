"""Forms of the rota's pages: assignments (one, or a spreadsheet of them), the roster's
weekly template, and a shift."""

from django import forms
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from campaign import access
from campaign.forms import CampaignSpreadsheetForm
from campaign.models import Campaign, Commune
from lib.day_fields import DayField, MomentField
from notifications.phones import InvalidPhone, national, normalise_mobile
from teams.models import Assignment, Shift, Volunteer
from teams.registry.forms import (
    CommuneChoiceField,
)
from teams.registry.importing import clean_text


class AssignmentForm(forms.Form):
    """Assign one volunteer, found by phone number, to a commune for a campaign."""

    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"), queryset=Campaign.objects.none()
    )
    commune = CommuneChoiceField(label=gettext_lazy("Commune"), queryset=Commune.objects.none())
    phone = forms.CharField(label=gettext_lazy("Volunteer's mobile number"), max_length=40)
    starts_on = DayField(
        label=pgettext_lazy("start of a date range", "From"),
        required=False,
        help_text=gettext_lazy("Empty: the campaign's start"),
    )
    ends_on = DayField(
        label=pgettext_lazy("end of a date range", "To"),
        required=False,
        help_text=gettext_lazy("Empty: the campaign's end"),
    )

    def __init__(self, *args, campaigns, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["commune"].queryset = (
            access.visible_communes(user)
            .filter(campaigns__in=campaigns)
            .distinct()
            .order_by("name", "pk")
        )

    def clean_phone(self):
        try:
            phone = normalise_mobile(self.cleaned_data["phone"]).e164
        except InvalidPhone as error:
            raise forms.ValidationError(capfirst(str(error)), code="invalid_phone") from None
        self.volunteer = Volunteer.objects.filter(phone=phone).first()
        if self.volunteer is None:
            raise forms.ValidationError(
                _("No volunteer has the number %(phone)s yet: add them first.")
                % {"phone": national(phone)},
                code="unknown_phone",
            )
        return phone

    def clean(self):
        data = super().clean()
        campaign, commune = data.get("campaign"), data.get("commune")
        if not campaign:
            return data
        if commune and not campaign.communes.filter(pk=commune.pk).exists():
            self.add_error(
                "commune",
                _("%(commune)s does not take part in %(campaign)s")
                % {"commune": commune.name, "campaign": campaign.name},
            )
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
            if day and not campaign.start <= day <= campaign.end:
                self.add_error(
                    field,
                    _("Choose a day from %(start)s to %(end)s")
                    % {
                        "start": campaign.start.strftime("%d/%m/%Y"),
                        "end": campaign.end.strftime("%d/%m/%Y"),
                    },
                )
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end comes before the start"))
        return data

    def save(self) -> Assignment:
        data = self.cleaned_data
        return Assignment.objects.create(
            volunteer=self.volunteer,
            campaign=data["campaign"],
            commune=data["commune"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )


class RosterRowForm(forms.Form):
    """One row of a weekly template: the weekdays, the hours, the place and how many."""

    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Weekdays"),
        choices=list(WEEKDAYS_ABBR.items()),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start = forms.TimeField(
        label=gettext_lazy("Start"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.TimeField(
        label=gettext_lazy("End"),
        help_text=gettext_lazy("Earlier than the start: a night shift that ends the next day."),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)
    volunteers_needed = forms.IntegerField(
        label=gettext_lazy("Volunteers needed"),
        initial=2,
        widget=forms.NumberInput(attrs={"min": 1}),
    )

    def __init__(self, *args, row, **kwargs):
        super().__init__(*args, **kwargs)
        self.row = row
        for name, text in (
            ("start", _("Row %(row)s: give the start time.")),
            ("end", _("Row %(row)s: give the end time.")),
            ("place", _("Row %(row)s: give the place.")),
            ("volunteers_needed", _("Row %(row)s: give how many volunteers are needed.")),
        ):
            self.fields[name].error_messages["required"] = text % {"row": row}
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = _(
                "Row %(row)s: write the time as 08:30."
            ) % {"row": row}

    def has_changed(self):
        """A row left blank but for the usual number of volunteers is an empty row."""
        return any(name in self.changed_data for name in ("weekdays", "start", "end", "place"))

    def clean_place(self):
        place = clean_text(self.cleaned_data["place"])
        if not place:
            raise forms.ValidationError(_("Row %(row)s: give the place.") % {"row": self.row})
        return place

    def clean_volunteers_needed(self):
        needed = self.cleaned_data["volunteers_needed"]
        if needed < 1:
            raise forms.ValidationError(
                _("Row %(row)s: at least one volunteer is needed.") % {"row": self.row}
            )
        return needed

    def clean(self):
        data = super().clean()
        if not data.get("weekdays"):
            self.add_error(
                "weekdays", _("Row %(row)s: tick at least one weekday.") % {"row": self.row}
            )
        if data.get("start") is not None and data.get("start") == data.get("end"):
            self.add_error(
                "end", _("Row %(row)s: the end is the same as the start.") % {"row": self.row}
            )
        return data


class BaseRosterFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "row": "" if index is None else index + 1}

    def clean(self):
        if any(self.errors):
            return
        if not any(form.has_changed() for form in self.forms):
            raise forms.ValidationError(_("Fill in at least one row."), code="no_rows")


RosterFormSet = forms.formset_factory(RosterRowForm, formset=BaseRosterFormSet, extra=4)


class RosterCommunesForm(forms.Form):
    communes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Communes"),
        queryset=Commune.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every commune taking part in the campaign."),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = campaign.communes.order_by("name", "pk")


class ShiftForm(forms.ModelForm):
    """A shift's place, times and needs; a shift is always put in the future."""

    starts_at = MomentField(label=gettext_lazy("Starts"))
    ends_at = MomentField(
        label=gettext_lazy("Ends"),
        help_text=gettext_lazy("A night shift ends on the next day."),
    )
    volunteers_needed = forms.IntegerField(
        label=gettext_lazy("Volunteers needed"),
        min_value=1,
        max_value=1000,
        widget=forms.NumberInput(attrs={"min": 1}),
    )

    class Meta:
        model = Shift
        fields = ["place", "starts_at", "ends_at", "volunteers_needed", "language", "skill"]

    def clean_place(self):
        place = clean_text(self.cleaned_data["place"])
        if not place:
            raise forms.ValidationError(_("Give the place."), code="required")
        return place

    def clean_language(self):
        return clean_text(self.cleaned_data["language"])

    def clean_skill(self):
        return clean_text(self.cleaned_data["skill"])

    def clean(self):
        data = super().clean()
        starts, ends, place = data.get("starts_at"), data.get("ends_at"), data.get("place")
        if starts and starts <= timezone.now():
            self.add_error("starts_at", _("Choose a time that has not passed yet."))
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end comes before the start."))
        if starts and place and not self.has_error("starts_at"):
            taken = Shift.objects.filter(
                commune_id=self.instance.commune_id, place=place, starts_at=starts
            ).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "starts_at", _("This commune already has a shift at that place and time.")
                )
        return data


class AssignmentImportForm(CampaignSpreadsheetForm):
    """A spreadsheet of assignments for one of the campaigns the user organises."""

    file_help = gettext_lazy(
        ".xlsx or .csv (UTF-8), one row per assignment: Số điện thoại, Mã xã, "
        "Xã/Phường, Từ ngày, Đến ngày"
    )
