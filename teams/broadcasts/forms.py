"""Forms of the SMS pages: composing a broadcast, and filtering the message log."""

from uuid import uuid4

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from campaign.access import messageable_campaigns, organises_campaign
from campaign.models import Campaign, Commune
from lib.brands import brand_problem
from lib.day_fields import DayField
from notifications.models import Message
from notifications.segments import normalise as normalise_sms
from teams.broadcasts import sending as broadcasts
from teams.broadcasts.message_log import KINDS
from teams.broadcasts.sending import DEFAULT_BRAND
from teams.models import Broadcast, Team
from teams.registry.forms import (
    CommuneChoiceField,
)


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
        # select_search.js puts a search box above the province's hundreds of teams.
        widget=forms.Select(attrs={"data-search-label": gettext_lazy("Find a team by name")}),
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
        brand = " ".join(normalise_sms(self.cleaned_data["brand"]).split())
        if brand and (problem := brand_problem(brand)):
            raise forms.ValidationError(problem, code="brand")
        return brand

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
    """The message log's filters, named as in the query string; each may be left empty."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        required=False,
        choices=[
            ("", gettext_lazy("All channels")),
            ("zalo", gettext_lazy("Zalo")),
            ("sms", gettext_lazy("SMS")),
            ("fallback", gettext_lazy("SMS after Zalo could not")),
        ],
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    commune = CommuneChoiceField(
        label=gettext_lazy("Commune"), queryset=Commune.objects.none(), required=False
    )
    date_from = DayField(label=pgettext_lazy("start of a date range", "From"), required=False)
    date_to = DayField(label=pgettext_lazy("end of a date range", "To"), required=False)
    error_code = forms.ChoiceField(label=gettext_lazy("Reason"), required=False)
    broadcast = forms.ModelChoiceField(
        queryset=Broadcast.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, broadcasts, error_codes, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["broadcast"].queryset = broadcasts
        self.fields["kind"].choices = [("", _("All kinds")), *KINDS.items()]
        self.fields["status"].choices = [("", _("All statuses")), *Message.Status.choices]
        self.fields["commune"].queryset = communes
        self.fields["commune"].empty_label = _("All communes")
        self.fields["error_code"].choices = [
            ("", _("All reasons")),
            *((code, code) for code in error_codes),
        ]

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The last day comes before the first."))
        return data
