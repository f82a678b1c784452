"""Forms of the campaign pages: the campaign, its communes' targets and the checklist."""

from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign.audit import import_recorder
from campaign.models import (
    AuditEvent,
    Campaign,
    CampaignCommune,
    CommuneReport,
    IndicatorTarget,
    ReadinessCheck,
    ReadinessCriterion,
    target_problem,
)
from lib.brands import brand_problem
from lib.day_fields import DayField
from lib.numbers import plain
from lib.spreadsheets.forms import SpreadsheetField, skip_invalid_field


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "province",
            "start",
            "end",
            "status",
            "sms_brand",
            "sms_without_diacritics",
            "sms_only",
            "description",
            "citizen_contact_retention_days",
        ]
        field_classes = {"start": DayField, "end": DayField}

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces

    def clean_sms_brand(self):
        brand = " ".join(self.cleaned_data["sms_brand"].split())
        if problem := brand_problem(brand):
            raise forms.ValidationError(problem, code="brand")
        return brand

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The campaign cannot end before it starts."))
        return cleaned


class TargetsForm(forms.Form):
    """Every commune's target for every indicator offered in the province: one number
    field per commune and indicator, checked by the indicator's unit; empty is "no
    target". Saving writes only what changed, and says which targets changed."""

    def __init__(self, *args, campaign, rows, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)  # CampaignCommune, with their commune
        self.indicators = list(indicators)
        self.stored = {
            (t.campaign_commune_id, t.indicator_id): t
            for t in IndicatorTarget.objects.filter(campaign_commune__in=self.rows)
        }
        for row in self.rows:
            for indicator in self.indicators:
                stored = self.stored.get((row.pk, indicator.pk))
                where = f"{row.commune.name}, {indicator.label}"
                self.fields[self.name(row, indicator)] = forms.DecimalField(
                    label=where,
                    required=False,
                    max_digits=12,
                    decimal_places=2,
                    error_messages={
                        "invalid": _("%(where)s: not a number") % {"where": where},
                        "max_digits": _("%(where)s: the number is too large") % {"where": where},
                        "max_decimal_places": _("%(where)s: at most two decimals")
                        % {"where": where},
                        "max_whole_digits": _("%(where)s: the number is too large")
                        % {"where": where},
                    },
                    initial=plain(stored.value) if stored else None,
                    widget=forms.NumberInput(
                        attrs={"step": "0.1" if indicator.is_rate else "1", "min": "0"}
                        | ({"max": "100"} if indicator.is_rate else {})
                    ),
                )
        self.unmatched = [row for row in self.rows if row.unmatched_targets]
        if self.unmatched:
            self.fields["clear_unmatched"] = forms.BooleanField(
                label=_("They are set again above: clear this list"), required=False
            )

    @staticmethod
    def name(row, indicator) -> str:
        return f"t_{row.pk}_{indicator.pk}"

    def table(self):
        """(row, [(indicator, bound field), ...]) for the template, in order."""
        return [
            (row, [(i, self[self.name(row, i)]) for i in self.indicators]) for row in self.rows
        ]

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            for indicator in self.indicators:
                name = self.name(row, indicator)
                problem = target_problem(indicator, cleaned.get(name))
                if problem:
                    self.add_error(name, f"{self.fields[name].label}: {problem}")
        return cleaned

    def problems(self) -> list[str]:
        """Every refused target, commune and indicator named, for the list above the grid."""
        return [str(error) for errors in self.errors.values() for error in errors]

    @transaction.atomic
    def save(self) -> list[tuple]:
        """Write the targets that changed; returns (commune, indicator, before, after)."""
        changes = []
        for row in self.rows:
            for indicator in self.indicators:
                value = self.cleaned_data.get(self.name(row, indicator))
                stored = self.stored.get((row.pk, indicator.pk))
                before = stored.value if stored else None
                if value == before:
                    continue
                if value is None:
                    stored.delete()
                elif stored:
                    stored.value = value
                    stored.save(update_fields=["value"])
                else:
                    IndicatorTarget.objects.create(
                        campaign_commune=row, indicator=indicator, value=value
                    )
                changes.append((row, indicator, before, value))
        if self.cleaned_data.get("clear_unmatched"):
            CampaignCommune.objects.filter(pk__in=[r.pk for r in self.unmatched]).update(
                unmatched_targets={}
            )
        return changes


class CriteriaForm(forms.Form):
    """The readiness checklist as text, one criterion per line."""

    criteria = forms.CharField(
        label=_("Readiness criteria"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 60}),
        help_text=_("One criterion per line, in order."),
    )

    def clean_criteria(self):
        texts = []
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            text = " ".join(line.split())
            if not text or text in texts:
                continue
            if len(text) > 300:
                raise forms.ValidationError(
                    _("Line %(number)s is longer than 300 characters."),
                    code="too_long",
                    params={"number": number},
                )
            texts.append(text)
        return texts

    @transaction.atomic
    def save(self, campaign):
        """Replace the checklist; criteria whose text is unchanged keep their checks."""
        texts = self.cleaned_data["criteria"]
        campaign.readiness_criteria.exclude(text__in=texts).delete()
        kept = {criterion.text: criterion for criterion in campaign.readiness_criteria.all()}
        # Out of the way first, so that renumbering never meets a taken position.
        highest = max((criterion.position for criterion in kept.values()), default=0)
        campaign.readiness_criteria.update(position=F("position") + max(highest, len(texts)))
        for position, text in enumerate(texts, start=1):
            criterion = kept.get(text) or ReadinessCriterion(campaign=campaign, text=text)
            criterion.position = position
            criterion.save()


class ReadinessForm(forms.Form):
    """One checkbox, date and note per criterion of the checklist, for one commune."""

    def __init__(self, *args, criteria, checks, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.checks = checks
        today = timezone.localdate()
        for criterion in self.criteria:
            check = checks.get(criterion.pk)
            self.fields[f"met_{criterion.pk}"] = forms.BooleanField(
                label=criterion.text, required=False, initial=check is not None
            )
            self.fields[f"met_on_{criterion.pk}"] = DayField(
                label=_("met on"),
                required=False,
                initial=check.met_on if check else today,
            )
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("note"),
                required=False,
                max_length=500,
                initial=check.note if check else "",
            )

    def rows(self):
        for criterion in self.criteria:
            yield (
                criterion,
                self[f"met_{criterion.pk}"],
                self[f"met_on_{criterion.pk}"],
                self[f"note_{criterion.pk}"],
            )

    @transaction.atomic
    def save(self, campaign_commune, user):
        today = timezone.localdate()
        for criterion in self.criteria:
            check = self.checks.get(criterion.pk)
            if not self.cleaned_data[f"met_{criterion.pk}"]:
                if check:
                    check.delete()
                continue
            met_on = self.cleaned_data[f"met_on_{criterion.pk}"] or today
            note = self.cleaned_data[f"note_{criterion.pk}"]
            if check and (check.met_on, check.note) == (met_on, note):
                continue
            ReadinessCheck.objects.update_or_create(
                campaign_commune=campaign_commune,
                criterion=criterion,
                defaults={"met_on": met_on, "note": note, "checked_by": user},
            )


class CommuneReportForm(forms.ModelForm):
    """One commune's official figures for one period, as its coordinator enters them."""

    class Meta:
        model = CommuneReport
        fields = [
            "period_start",
            "period_end",
            "applications_received",
            "applications_online",
            "applications_end_to_end",
            "records_digitised",
            "payments_online",
            "note",
        ]
        field_classes = {"period_start": DayField, "period_end": DayField}

    def __init__(self, *args, campaign_commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign_commune = campaign_commune

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        received = cleaned.get("applications_received")
        online = cleaned.get("applications_online")
        if start and end:
            if end < start:
                self.add_error("period_end", _("The period cannot end before it starts."))
            elif end > timezone.localdate():
                self.add_error("period_end", _("This day is in the future."))
            else:
                self.instance.period_start, self.instance.period_end = start, end
                clash = self.instance.overlapping().order_by("period_start").first()
                if clash is not None:
                    self.add_error(
                        "period_start",
                        _(
                            "There is already a report from %(start)s to %(end)s: periods "
                            "must not overlap."
                        )
                        % {
                            "start": clash.period_start.strftime("%d/%m/%Y"),
                            "end": clash.period_end.strftime("%d/%m/%Y"),
                        },
                    )
        if received is not None and online is not None and online > received:
            self.add_error(
                "applications_online",
                _("More applications filed online than received in all."),
            )
        end_to_end = cleaned.get("applications_end_to_end")
        if end_to_end is not None and online is not None and end_to_end > online:
            self.add_error(
                "applications_end_to_end",
                _("More applications online end to end than filed online."),
            )
        return cleaned


class AuditFilterForm(forms.Form):
    """The audit page's filters; every one optional."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.ModelChoiceField(
        label=pgettext_lazy("who did it", "By"),
        required=False,
        queryset=None,
        empty_label=_("Anyone"),
    )
    subject_type = forms.ChoiceField(label=_("Object type"), required=False)
    date_from = DayField(label=pgettext_lazy("start of a date range", "From"), required=False)
    date_to = DayField(label=pgettext_lazy("end of a date range", "To"), required=False)

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any action")), *AuditEvent.Action.choices]
        self.fields["actor"].queryset = (
            get_user_model()
            .objects.filter(pk__in=events.exclude(actor=None).values("actor"))
            .order_by("username")
        )
        types = events.exclude(subject_type="").order_by().values_list("subject_type", flat=True)
        labelled = sorted(
            ((name, subject_type_label(name)) for name in set(types)), key=lambda c: str(c[1])
        )
        self.fields["subject_type"].choices = [("", _("Any type")), *labelled]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The last day comes before the first."))
        return data

    def filter(self, events):
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            events = events.filter(actor=data["actor"])
        if data["subject_type"]:
            events = events.filter(subject_type=data["subject_type"])
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(
                created_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=zone)
            )
        if data["date_to"]:
            day_after = data["date_to"] + timedelta(days=1)
            events = events.filter(
                created_at__lt=datetime.combine(day_after, time.min, tzinfo=zone)
            )
        return events

    def applied(self) -> dict:
        """The filters in use, for the export's own audit event."""
        return {
            name: str(getattr(value, "pk", value))
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }


def subject_type_label(name: str) -> str:
    """ "teams.volunteer" -> "Volunteers", in the language of the request."""
    try:
        return str(apps.get_model(name)._meta.verbose_name_plural).capitalize()
    except (LookupError, ValueError):
        return name


class CampaignSpreadsheetForm(forms.Form):
    """A spreadsheet for one of `campaigns`, read when the form is checked: its rows are
    `form.sheet`. Subclasses say what one row holds (`file_help`)."""

    file_help = ""

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    file = SpreadsheetField(read=True)
    skip_invalid = skip_invalid_field()

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        if len(campaigns) == 1:
            self.fields["campaign"].initial = campaigns[0]
        self.fields["file"].help_text = self.file_help

    @property
    def sheet(self):
        return self.cleaned_data["file"].sheet

    def check_or_import(self, importer, *, kind: str, actor, only_check: bool):
        """Run `importer` (made from `sheet` and the chosen campaign): without writing
        when `only_check`, else writing it, the import audited as `kind`. Returns its
        report."""
        campaign = self.cleaned_data["campaign"]
        return importer.run(
            dry_run=only_check,
            skip_invalid=self.cleaned_data["skip_invalid"],
            on_written=import_recorder(
                kind,
                actor=actor,
                province=campaign.province,
                filename=self.cleaned_data["file"].name,
                campaign=campaign.pk,
            ),
        )


class TargetImportForm(CampaignSpreadsheetForm):
    """A spreadsheet of targets for one of the campaigns the user organises."""

    file_help = _(
        ".xlsx or .csv (UTF-8), one row per commune (Mã xã or Xã/Phường) and one column per "
        "indicator, headed by its name; an empty cell leaves that target as it is"
    )


class CommuneReportImportForm(CampaignSpreadsheetForm):
    """A spreadsheet of communes' official figures for one of the user's campaigns."""

    file_help = _(
        ".xlsx or .csv (UTF-8), one row per commune and period: Mã xã, Xã/Phường, "
        "Từ ngày, Đến ngày, Hồ sơ tiếp nhận, Hồ sơ trực tuyến, Hồ sơ trực tuyến toàn trình, "
        "Hồ sơ số hóa, Thanh toán trực tuyến, Ghi chú"
    )
