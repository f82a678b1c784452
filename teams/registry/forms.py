"""Forms of the team registry's pages, with the checks and messages of the import."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign import access
from campaign.models import Commune, Province
from lib.spreadsheets.forms import SpreadsheetField, skip_invalid_field
from notifications.phones import InvalidPhone, national, normalise_mobile
from teams.models import Membership, Team, Volunteer
from teams.registry.importing import clean_text


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
            "zalo_consent",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communes = Commune.objects.visible_to(user)
        if self.instance.home_commune_id:
            # Someone seen through a team keeps a home commune the user may not see.
            communes = communes | Commune.objects.filter(pk=self.instance.home_commune_id)
        self.fields["home_commune"].queryset = communes
        if self.instance.phone and not self.is_bound:
            self.initial["phone"] = national(self.instance.phone)  # as people read it
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
                % {"phone": national(mobile.e164), "name": other.full_name},
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
                _("No volunteer has the number %(phone)s yet: add them first.")
                % {"phone": national(phone)},
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
    file = SpreadsheetField(
        help_text=gettext_lazy(
            ".xlsx or .csv (UTF-8), one row per person in a team, with the columns of the export"
        ),
    )
    province = forms.ModelChoiceField(
        label=gettext_lazy("Province"),
        queryset=Province.objects.none(),
        help_text=gettext_lazy("Communes named in the file are looked up in this province."),
    )
    skip_invalid = skip_invalid_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = access.visible_provinces(user)
        self.fields["province"].queryset = provinces
        if len(provinces) == 1:
            self.fields["province"].initial = provinces[0]
