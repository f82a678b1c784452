"""Forms of the personal-data requests: a citizen's phone number to look up, and the
confirmation that erases a volunteer."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.phones import InvalidPhone, normalise_mobile
from sessions.privacy import requests as privacy


class EraseVolunteerForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I confirm that this person asked for their data to be erased. Their name, "
            "phone number and account cannot be brought back."
        )
    )


class CitizenRequestForm(forms.Form):
    EXPORT_JSON, EXPORT_XLSX, ERASE = "export_json", "export_xlsx", "erase"

    phone = forms.CharField(
        label=gettext_lazy("Citizen's phone number"),
        max_length=30,
        help_text=gettext_lazy("As the citizen gives it, e.g. 0912 345 678"),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "To erase: I confirm that the citizen asked for their number to be erased."
        ),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_phone(self):
        raw = self.cleaned_data["phone"]
        if any(ch.isalpha() for ch in raw):
            raise forms.ValidationError(_("A phone number has digits only."))
        try:
            phone = normalise_mobile(raw).e164
        except InvalidPhone as error:
            raise forms.ValidationError(capfirst(str(error))) from None
        if not privacy.holds(phone, self.user):
            raise forms.ValidationError(_("No help session in your provinces holds this number."))
        return phone
