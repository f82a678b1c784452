"""Forms of the team registry's pages, with the checks and messages of the import."""

from uuid import uuid4

from django import forms
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign import access
from campaign.access import messageable_campaigns, organises_campaign
from campaign.models import Campaign, Commune, Province
from notifications.models import Message
from notifications.phones import InvalidPhone, normalise_mobile
from notifications.segments import normalise as normalise_sms
from teams.broadcasts import sending as broadcasts
from teams.broadcasts.sending import DEFAULT_BRAND
from teams.models import Assignment, Broadcast, Membership, Shift, Team, Volunteer
from teams.registry import importing
from teams.registry.importing import clean_text

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, commune):
        return f"{commune.name} ({commune.code})"


def name_text(value, *, empty: str, too_long: str) -> str:
    """Whitespace collapsed as the import does, so an export imports back unchanged."""
    text = clean_text(value)
    if not text:
        raise forms.ValidationError(capfirst(empty))
    if len(text) > 200:
        raise forms.ValidationError(capfirst(too_long))
    return text


class TeamFilterForm(forms.Form):
    commune = CommuneChoiceField(
        label=gettext_lazy("Commune"),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=gettext_lazy("All communes"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.visible_to(user)


class TeamForm(forms.ModelForm):
    commune = CommuneChoiceField(label=gettext_lazy("Commune"), queryset=Commune.objects.none())

    class Meta:
        model = Team
        fields = ["commune", "name", "village"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.visible_to(user)

    def clean_name(self):
        return name_text(
            self.cleaned_data["name"],
            empty=_("the team name is empty"),
            too_long=_("the team name is longer than 200 characters"),
        )

    def clean_village(self):
        return clean_text(self.cleaned_data["village"])

    def clean(self):
        cleaned = super().clean()
        commune, name = cleaned.get("commune"), cleaned.get("name")
        if commune and name:
            # Compared as the import compares them (Python's casefold), which also folds
            # Vietnamese capitals that SQLite's lower() leaves alone.
            others = Team.objects.filter(commune=commune).exclude(pk=self.instance.pk)
            for other in others.values_list("name", flat=True):
                if other.casefold() == name.casefold():
                    self.add_error(
                        "name",
                        _("%(commune)s already has a team called “%(name)s”")
                        % {"commune": commune.name, "name": other},
                    )
                    break
        return cleaned


class ListField(forms.CharField):
    """A list of short texts, typed separated by commas."""

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=500, **kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        items = [clean_text(item) for item in super().to_python(value).split(",")]
        return list(dict.fromkeys(item for item in items if item))


class VolunteerForm(forms.ModelForm):
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=40,
        help_text=gettext_lazy("For example 0912 345 678 or +84 912 345 678"),
    )
    home_commune = CommuneChoiceField(
        label=gettext_lazy("Home commune"), queryset=Commune.objects.none()
    )
    languages = ListField(
        label=gettext_lazy("Languages spoken"),
        help_text=gettext_lazy("Separated by commas, for example Tày, Nùng"),
    )
    skills = ListField(
        label=gettext_lazy("Skills"),
        help_text=gettext_lazy("Separated by commas, for example VNeID, online payment"),
    )

    class Meta:
        model = Volunteer
        fields = [
            "full_name",
            "phone",
            "affiliation",
            "organisation",
            "home_commune",
            "languages",
            "skills",
            "active",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communes = Commune.objects.visible_to(user)
        if self.instance.home_commune_id:
            # Someone seen through a team keeps a home commune the user may not see.
            communes = communes | Commune.objects.filter(pk=self.instance.home_commune_id)
        self.fields["home_commune"].queryset = communes
        self.phone_warning = ""

    def clean_full_name(self):
        return name_text(
            self.cleaned_data["full_name"],
            empty=_("the name is empty"),
            too_long=_("the name is longer than 200 characters"),
        )

    def clean_organisation(self):
        return clean_text(self.cleaned_data["organisation"])[:200]

    def clean_phone(self):
        try:
            mobile = normalise_mobile(self.cleaned_data["phone"])
        except InvalidPhone as error:
            raise forms.ValidationError(capfirst(str(error)), code="invalid_phone") from None
        existing = Volunteer.objects.filter(phone=mobile.e164).exclude(pk=self.instance.pk)
        other = existing.only("full_name").first()
        if other is not None:
            raise forms.ValidationError(
                _("%(phone)s already belongs to %(name)s")
                % {"phone": mobile.e164, "name": other.full_name},
                code="duplicate_phone",
            )
        self.phone_warning = mobile.warning
        return mobile.e164


class MembershipForm(forms.Form):
    """Add an existing volunteer, found by phone number, to a team."""

    phone = forms.CharField(label=gettext_lazy("Volunteer's mobile number"), max_length=40)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team

    def clean_phone(self):
        try:
            phone = normalise_mobile(self.cleaned_data["phone"]).e164
        except InvalidPhone as error:
            raise forms.ValidationError(capfirst(str(error)), code="invalid_phone") from None
        volunteer = Volunteer.objects.filter(phone=phone).first()
        if volunteer is None:
            raise forms.ValidationError(
                _("No volunteer has the number %(phone)s yet: add them first.") % {"phone": phone},
                code="unknown_phone",
            )
        if self.team.memberships.filter(volunteer=volunteer).exists():
            raise forms.ValidationError(
                _("%(name)s is already in this team") % {"name": volunteer.full_name},
                code="already_member",
            )
        self.volunteer = volunteer
        return phone

    def save(self) -> Membership:
        return Membership.objects.create(
            team=self.team, volunteer=self.volunteer, role=self.cleaned_data["role"]
        )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy(
            ".xlsx or .csv (UTF-8), one row per person in a team, with the columns of the export"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    province = forms.ModelChoiceField(
        label=gettext_lazy("Province"),
        queryset=Province.objects.none(),
        help_text=gettext_lazy("Communes named in the file are looked up in this province."),
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Skip invalid rows"),
        required=False,
        help_text=gettext_lazy(
            "Import the valid rows even when other rows have errors. Without it, a file "
            "with any invalid row imports nothing."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = access.visible_provinces(user)
        self.fields["province"].queryset = provinces
        if len(provinces) == 1:
            self.fields["province"].initial = provinces[0]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(
                _("%(name)s: only .xlsx and .csv files can be imported") % {"name": upload.name}
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("%(name)s is larger than %(limit)s MB: split it into smaller files")
                % {"name": upload.name, "limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, team):
        return f"{team.name} – {team.commune.name}"


class BroadcastForm(forms.Form):
    """An SMS to every active volunteer of one team, one commune or one campaign.

    A campaign chosen with a team or a commune is the campaign the broadcast counts
    towards; chosen alone, it is the target, which only its organisers may message.
    Either way its brand and its choice of diacritics apply (`campaign_settings`).
    """

    team = TeamChoiceField(
        label=gettext_lazy("To a team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label="—",
    )
    commune = CommuneChoiceField(
        label=gettext_lazy("Or to a whole commune"),
        queryset=Commune.objects.none(),
        required=False,
        empty_label="—",
        help_text=gettext_lazy("Members of its teams and volunteers who live there"),
    )
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label="—",
        help_text=gettext_lazy(
            "With a team or a commune: the campaign the message counts towards. Alone: "
            "every volunteer of the campaign's communes. The campaign's brand replaces the "
            "default one, and its choice of diacritics applies."
        ),
    )
    text = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 40}),
    )
    brand = forms.CharField(
        label=gettext_lazy("Sender brand"),
        max_length=40,
        required=False,
        initial=DEFAULT_BRAND,
        help_text=gettext_lazy("Put before every message, as the rules for bulk SMS require"),
    )
    without_diacritics = forms.BooleanField(
        label=gettext_lazy("Send without diacritics"),
        required=False,
        help_text=gettext_lazy(
            "“đ” becomes “d” and other characters a plain SMS cannot carry are replaced: "
            "160 characters fit in one message instead of 70."
        ),
    )
    form_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("form_token", uuid4())
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).select_related("commune")
        self.fields["commune"].queryset = Commune.objects.visible_to(user)
        self.fields["campaign"].queryset = messageable_campaigns(user)
        self.user = user

    def clean_text(self):
        text = normalise_sms(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError(_("The message is empty."), code="required")
        return text

    def clean_brand(self):
        return " ".join(normalise_sms(self.cleaned_data["brand"]).split())

    def clean(self):
        cleaned = super().clean()
        team, commune = cleaned.get("team"), cleaned.get("commune")
        campaign = cleaned.get("campaign")
        if team and commune:
            raise forms.ValidationError(
                _("Choose a team or a commune, not both."), code="two_targets"
            )
        if self.has_error("team") or self.has_error("commune") or self.has_error("campaign"):
            return cleaned
        if not (team or commune or campaign):
            raise forms.ValidationError(
                _("Choose the team, the commune or the campaign to send to."), code="no_target"
            )
        if campaign and not (team or commune):
            if not organises_campaign(self.user, campaign):
                self.add_error(
                    "campaign",
                    forms.ValidationError(
                        _("Only the campaign's organisers can message the whole campaign."),
                        code="not_organiser",
                    ),
                )
        elif campaign:
            province_id = (team.commune if team else commune).province_id
            if province_id != campaign.province_id:
                self.add_error(
                    "campaign",
                    forms.ValidationError(
                        _("%(target)s is not in the province of this campaign.")
                        % {"target": team.name if team else commune.name},
                        code="other_province",
                    ),
                )
        if not cleaned.get("brand") and not campaign and not self.has_error("brand"):
            self.add_error(
                "brand", forms.ValidationError(_("Give the sender brand."), code="required")
            )
        cleaned["brand"], cleaned["without_diacritics"] = broadcasts.campaign_settings(
            campaign, cleaned.get("brand", ""), cleaned.get("without_diacritics", False)
        )
        cleaned["target"] = team or commune or campaign
        return cleaned


class MessageFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    error_code = forms.ChoiceField(label=gettext_lazy("Reason"), required=False)
    broadcast = forms.ModelChoiceField(
        queryset=Broadcast.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, broadcasts, error_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["broadcast"].queryset = broadcasts
        self.fields["status"].choices = [("", _("All statuses")), *Message.Status.choices]
        self.fields["error_code"].choices = [
            ("", _("All reasons")),
            *((code, code) for code in error_codes),
        ]


class AssignmentForm(forms.Form):
    """Assign one volunteer, found by phone number, to a commune for a campaign."""

    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"), queryset=Campaign.objects.none()
    )
    commune = CommuneChoiceField(label=gettext_lazy("Commune"), queryset=Commune.objects.none())
    phone = forms.CharField(label=gettext_lazy("Volunteer's mobile number"), max_length=40)
    starts_on = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        help_text=gettext_lazy("Empty: the campaign's start"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        help_text=gettext_lazy("Empty: the campaign's end"),
        widget=forms.DateInput(attrs={"type": "date"}),
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
                _("No volunteer has the number %(phone)s yet: add them first.") % {"phone": phone},
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

    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Ends"),
        help_text=gettext_lazy("A night shift ends on the next day."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
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


class AssignmentImportForm(forms.Form):
    """A spreadsheet of assignments for one of the campaigns the user organises."""

    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"), queryset=Campaign.objects.none()
    )
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy(
            ".xlsx or .csv (UTF-8), one row per assignment: Số điện thoại, Mã xã, "
            "Xã/Phường, Từ ngày, Đến ngày"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Skip invalid rows"),
        required=False,
        help_text=gettext_lazy(
            "Import the valid rows even when other rows have errors. Without it, a file "
            "with any invalid row imports nothing."
        ),
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        if len(campaigns) == 1:
            self.fields["campaign"].initial = campaigns[0]
        self.sheet = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(
                _("%(name)s: only .xlsx and .csv files can be imported") % {"name": upload.name}
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("%(name)s is larger than %(limit)s MB: split it into smaller files")
                % {"name": upload.name, "limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        try:
            self.sheet = importing.read_sheet(upload.name, upload.read())
        except importing.UnreadableFile as error:
            raise forms.ValidationError(str(error), code="unreadable") from None
        return upload


class CommuneReportImportForm(AssignmentImportForm):
    """A spreadsheet of communes' official figures for one of the user's campaigns."""

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, campaigns=campaigns, **kwargs)
        self.fields["file"].help_text = gettext_lazy(
            ".xlsx or .csv (UTF-8), one row per commune and period: Mã xã, Xã/Phường, "
            "Từ ngày, Đến ngày, Hồ sơ tiếp nhận, Hồ sơ trực tuyến, Hồ sơ số hóa, "
            "Thanh toán trực tuyến, Ghi chú"
        )
